import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { createApiClient, type AttemptReport } from '../../engine/api/apiClient';
import { ApiError } from '../../engine/api/apiError';
import { RemoteNameCache } from '../../engine/api/remoteNameCache';
import { executeSync } from '../../engine/sync/syncRun';
import { DEV_KEY, fastClient, newAgent, raw, startServer } from '../support/apiHelpers';

// Values carrying canary strings travel through every failure path; no error, log line, request log entry,
// attempt report or sync report may contain one.

const CANARY = 'CANARY_3f9a1c7e';
const canaryValues = (count: number, tag: string) =>
  new Map(Array.from({ length: count }, (_, index) => [`${tag}_${index}`, `${CANARY}_${tag}_${index} "q" \n #x=1 🔑`]));

/** Everything an error exposes when logged, printed, serialised or inspected. */
function surfaces(error: unknown): string {
  if (!(error instanceof Error)) return inspect(error, { depth: 5 });
  return [
    String(error),
    error.message,
    error.stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: 5, showHidden: true }),
  ].join('\n');
}

function assertClean(text: string, where: string): void {
  assert.ok(!text.includes(CANARY), `a value leaked into ${where}`);
}

void test('no canary in errors, attempt reports, client log lines, sync reports or the request log, across every failure', async (t) => {
  const server = await startServer(t);
  const logLines: string[] = [];
  const attempts: AttemptReport[] = [];
  const client = fastClient(t, server, { log: (line) => logLines.push(line), retry: { maxRetries: 1 } });
  const errors: unknown[] = [];
  const capture = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      errors.push(error);
    }
  };
  const onAttempt = (report: AttemptReport) => attempts.push(report);
  const items = (tag: string, count = 3) => [...canaryValues(count, tag)].map(([key, value]) => ({ key, value }));

  await capture(client.upsert([...items('DUP', 1), ...items('DUP', 1)], { onAttempt }));
  await capture(client.upsert([...items('OK'), { key: 'BAD-KEY', value: `${CANARY}_bad` }], { onAttempt }));
  await capture(client.upsert([{ key: 'HUGE', value: `${CANARY}${'x'.repeat(70_000)}` }], { onAttempt }));
  await capture(client.upsert(items('MANY', 101), { onAttempt }));
  server.faults.failNext(2, 503);
  await capture(client.upsert(items('UNAVAILABLE'), { onAttempt }));
  server.faults.failNext(2, 429, { retryAfterSeconds: 0 });
  await capture(client.upsert(items('LIMITED'), { onAttempt }));
  server.faults.dropNext(2, { afterApply: true });
  await capture(client.upsert(items('DROPPED'), { onAttempt }));
  server.faults.dropNext(1);
  await capture(client.upsert(items('RECOVERED'), { onAttempt }));

  const unauthorized = fastClient(t, server, { apiKey: 'sk_dev_unknown' });
  await capture(unauthorized.upsert(items('UNAUTHORIZED')));

  const reports = [
    await executeSync({ client, values: new Map([...canaryValues(150, 'SYNC'), ['1INVALID', `${CANARY}_invalid`]]) }),
    await executeSync({ client, values: canaryValues(5, 'FINE') }),
  ];

  assert.ok(errors.length >= 8, `${errors.length} failures captured`);
  assert.ok(errors.every((error) => error instanceof ApiError));
  for (const error of errors) assertClean(surfaces(error), `error ${(error as ApiError).code}`);
  for (const report of attempts)
    assertClean(inspect(report, { depth: 6 }) + JSON.stringify(report), 'an attempt report');
  assertClean(logLines.join('\n'), 'the client log');
  assert.ok(logLines.length > 10);
  for (const report of reports) assertClean(JSON.stringify(report) + inspect(report, { depth: 6 }), 'a sync report');
  assert.equal(reports[0]!.error?.code, 'invalid_key');
  assertClean(JSON.stringify(server.log.entries()), 'the server request log');
  const agent = newAgent(t);
  assertClean(JSON.stringify((await raw(agent, server, 'GET', '/_local/log', { key: null })).json), 'GET /_local/log');
  assertClean(
    JSON.stringify((await raw(agent, server, 'GET', '/_local/state', { key: null })).json),
    'GET /_local/state',
  );
  assertClean(JSON.stringify((await raw(agent, server, 'GET', '/v1/secrets')).json), 'the listing');
});

void test('a server that echoes the request into its error message: the client redacts it and never puts it in message', async (t) => {
  const echo = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      response.writeHead(400, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: { code: 'bad_request', message: `cannot parse ${body}`, keys: ['ECHO_0', 'NOT_IN_REQUEST'] },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        echo.close(() => resolve());
        echo.closeAllConnections();
      }),
  );
  const client = fastClient(t, { url: `http://127.0.0.1:${(echo.address() as AddressInfo).port}` });
  const values = canaryValues(3, 'ECHO');
  await assert.rejects(client.upsert([...values].map(([key, value]) => ({ key, value }))), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assertClean(surfaces(error), 'an error from an echoing server');
    assert.match(error.serverMessage ?? '', /\[redacted\]/);
    assert.deepEqual(error.keys, ['ECHO_0'], 'only key names of the request itself');
    return true;
  });
});

void test('the cache and the local API process never print values', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../../local-api/main.ts')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve) =>
    lines.once('line', (line) => resolve(line.replace(/^.* on /, ''))),
  );
  lines.on('line', (line) => (output += line));

  const agent = newAgent(t);
  await raw(agent, { url }, 'PUT', '/v1/secrets', { body: `{"secrets":[{"key":"A","value":"${CANARY}"` });
  await raw(agent, { url }, 'PUT', '/v1/secrets', { body: { secrets: [{ key: 'BAD KEY', value: CANARY }] } });
  await raw(agent, { url }, 'POST', '/_local/faults', { key: null, body: { failNext: { count: 1, status: 500 } } });
  const client = createApiClient({ baseUrl: url, apiKey: DEV_KEY, retry: { baseDelayMs: 1 } });
  t.after(() => client.close());
  await executeSync({ client, values: canaryValues(120, 'PROC') });

  const cache = new RemoteNameCache();
  t.after(() => cache.dispose());
  const names = await cache.refresh({ apiUrl: url, project: '/p' }, { development: DEV_KEY });
  assertClean(inspect(names, { depth: 6 }), 'the remote name lists');

  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
  assertClean(output, 'the local API process output');
});
