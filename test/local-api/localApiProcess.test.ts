import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { errorOf, newAgent, raw } from '../support/apiHelpers';

// The local API as a separate process, the way the e2e tests and `npm start` run it.

const MAIN = path.join(__dirname, '../../local-api/main.ts');
const READY = /^struere local API listening on (http:\/\/127\.0\.0\.1:\d+)$/;

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly lines: string[];
}

/** Starts main.ts and resolves on its one readiness line (never on a timer). */
async function startProcess(
  t: { after: (fn: () => Promise<void>) => void },
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`local API exited with ${code} before listening: ${stderr}`)));
    reader.on('line', (line) => {
      lines.push(line);
      const match = READY.exec(line);
      if (match) resolve(match[1]!);
    });
  });
  return { child, url, lines };
}

async function stop(running: Running, signal: NodeJS.Signals): Promise<number | null> {
  const exited = once(running.child, 'exit');
  running.child.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}

void test('main.ts prints exactly one readiness line, serves the API, and exits 0 on SIGTERM and SIGINT', async (t) => {
  const agent = newAgent(t);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const running = await startProcess(t, ['--port', '0']);
    const response = await raw(agent, { url: running.url }, 'PUT', '/v1/secrets', {
      body: { secrets: [{ key: 'A', value: 'v' }] },
    });
    assert.equal(response.status, 200);
    assert.equal(await stop(running, signal), 0);
    assert.equal(running.lines.length, 1, 'stdout holds the readiness line only');
  }
});

void test('--persist survives a restart (atomic JSON file), --latency is applied, STRUERE_LOCAL_KEYS replaces the defaults', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-local-api-'));
  t.after(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'store.json');
  const agent = newAgent(t);
  const env = { STRUERE_LOCAL_KEYS: 'sk_dev_custom, sk_prod_custom' };

  const first = await startProcess(t, ['--persist', file, '--latency', '40'], env);
  assert.equal(
    (await raw(agent, { url: first.url }, 'GET', '/v1/secrets')).status,
    401,
    'the default keys are replaced',
  );
  const started = performance.now();
  const written = await raw(agent, { url: first.url }, 'PUT', '/v1/secrets', {
    key: 'sk_dev_custom',
    body: { secrets: [{ key: 'KEPT', value: 'line1\nline2' }] },
  });
  assert.equal(written.status, 200);
  assert.ok(performance.now() - started >= 35, 'latency applied');
  assert.equal(await stop(first, 'SIGTERM'), 0);
  assert.deepEqual(fs.readdirSync(dir), ['store.json'], 'no temporary file left behind');

  const second = await startProcess(t, ['--persist', file], env);
  const state = await raw(agent, { url: second.url }, 'GET', '/_local/state', { key: null });
  assert.deepEqual(state.json, { environments: { development: ['KEPT'], production: [], eval: ['KEPT'] } });
  const listed = await raw(agent, { url: second.url }, 'GET', '/v1/secrets?environment=eval', { key: 'sk_dev_custom' });
  assert.deepEqual(
    (listed.json as { secrets: { key: string }[] }).secrets.map((secret) => secret.key),
    ['KEPT'],
  );
  const forbidden = await raw(agent, { url: second.url }, 'GET', '/v1/secrets?environment=eval', {
    key: 'sk_prod_custom',
  });
  assert.equal(errorOf(forbidden).code, 'forbidden');
  assert.equal(await stop(second, 'SIGTERM'), 0);
});

void test('bad arguments exit non-zero with the usage', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', 'abc'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  assert.equal(code, 1);
  assert.match(stderr, /usage: local-api/);
});
