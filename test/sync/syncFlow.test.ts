import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import * as dotenv from 'dotenv';
import { createApiClient } from '../../engine/api/apiClient';
import { ApiConfigError, ApiError, NetworkError, RequestCancelledError } from '../../engine/api/apiError';
import { DEFAULT_LOCK_DIR } from '../../engine/sync/syncLock';
import type { SyncReport } from '../../engine/sync/syncRun';
import { describeApiError } from '../../engine/sync/describeError';
import {
  describePlan,
  describeReport,
  planRemote,
  prepareSync,
  runSync,
  SyncRefusedError,
  type PreparedSync,
} from '../../engine/sync/syncFlow';
import { tempWorkspace } from '../support/tempWorkspace';
import {
  assertStoredValues,
  DEV_KEY,
  fastClient,
  generatedSecrets,
  NASTY_ENV_LINES,
  PROD_KEY,
  startServer,
} from '../support/apiHelpers';

// The shared sync flow (engine/sync) against the local API: prepare → plan → run → describe.

const NASTY_TEXT = NASTY_ENV_LINES.join('\r\n') + '\r\n';

function project(files: Record<string, string | Buffer>, t: { after: (fn: () => void) => void }) {
  const ws = tempWorkspace({ 'struere.json': '{}', ...files });
  t.after(() => ws.dispose());
  return ws;
}

async function refusal(promise: Promise<unknown>): Promise<SyncRefusedError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SyncRefusedError, `expected SyncRefusedError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a refusal');
}

void test('prepareSync: values are exactly dotenv.parse of the file (BOM stripped, CRLF, quotes, multiline)', async (t) => {
  const ws = project(
    { '.env.development': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(NASTY_TEXT, 'utf8')]) },
    t,
  );
  const prepared = await prepareSync({ projectRoot: ws.dir, environment: 'development', apiKey: DEV_KEY });
  const expected = new Map(Object.entries(dotenv.parse(NASTY_TEXT)));
  assert.deepEqual(prepared.values, expected);
  assert.equal(prepared.values.size, 26);
  assert.equal(prepared.values.get('DUPLICATE'), 'second', 'the later definition wins, as in dotenv');
  assert.deepEqual(
    {
      root: prepared.projectRoot,
      environment: prepared.environment,
      fileName: prepared.fileName,
      filePath: prepared.filePath,
    },
    {
      root: ws.dir,
      environment: 'development',
      fileName: '.env.development',
      filePath: path.join(ws.dir, '.env.development'),
    },
  );
});

void test('prepareSync refuses a missing file, naming it', async (t) => {
  const ws = project({ '.env.development': 'A=1\n' }, t);
  const error = await refusal(prepareSync({ projectRoot: ws.dir, environment: 'production', apiKey: PROD_KEY }));
  assert.equal(error.reason, 'no-file');
  assert.match(error.message, /no \.env\.production/);
  assert.match(error.message, /nothing was sent/);
});

void test('prepareSync refuses file errors, naming the file and every offending line with its code', async (t) => {
  const text = ['OK=1', '1BAD=2', 'just some words', 'ALSO_OK=3', 'OPEN="never closed', 'bad-name=x', 'LAST=fine'].join(
    '\n',
  );
  const ws = project({ '.env.development': text }, t);
  const error = await refusal(prepareSync({ projectRoot: ws.dir, environment: 'development', apiKey: DEV_KEY }));
  assert.equal(error.reason, 'file-errors');
  assert.deepEqual(error.problems, [
    { line: 2, code: 'invalid-key' },
    { line: 3, code: 'malformed-line' },
    { line: 5, code: 'unterminated-quote' },
    { line: 6, code: 'invalid-key' },
  ]);
  assert.equal(
    error.message,
    '.env.development has errors on lines 2, 3, 5, 6 (invalid-key, malformed-line, unterminated-quote); nothing was sent',
  );

  const single = project({ '.env.production': 'A=1\nnot an entry\n' }, t);
  const one = await refusal(prepareSync({ projectRoot: single.dir, environment: 'production', apiKey: PROD_KEY }));
  assert.equal(one.message, '.env.production has an error on line 2 (malformed-line); nothing was sent');
});

void test('prepareSync checks the file before the key, and refuses a missing key or one with the wrong prefix without naming it', async (t) => {
  const ws = project({ '.env.development': 'A=1\n', '.env.production': 'B=2\n' }, t);
  for (const apiKey of [undefined, '']) {
    const error = await refusal(prepareSync({ projectRoot: ws.dir, environment: 'development', apiKey }));
    assert.equal(error.reason, 'no-api-key');
    assert.match(error.message, /STRUERE_API_KEY_DEVELOPMENT/);
    assert.match(error.message, /sk_dev_/);
  }
  const secretLookingKey = 'sk_prod_NEVER_PRINT_ME_123';
  const wrong = await refusal(
    prepareSync({ projectRoot: ws.dir, environment: 'development', apiKey: secretLookingKey }),
  );
  assert.equal(wrong.reason, 'wrong-key');
  assert.match(wrong.message, /must start with sk_dev_/);
  assert.ok(!wrong.message.includes('NEVER_PRINT_ME'), 'the key itself is never in a message');
  const unknownPrefix = await refusal(
    prepareSync({ projectRoot: ws.dir, environment: 'production', apiKey: 'pk_live_NEVER_PRINT_ME' }),
  );
  assert.equal(unknownPrefix.reason, 'wrong-key');
  assert.match(unknownPrefix.message, /must start with sk_prod_/);
  assert.ok(!unknownPrefix.message.includes('NEVER_PRINT_ME'));

  const broken = project({ '.env.development': '1BAD=x\n' }, t);
  assert.equal(
    (await refusal(prepareSync({ projectRoot: broken.dir, environment: 'development', apiKey: undefined }))).reason,
    'file-errors',
  );
});

void test('plan, run and describe: create/update/remote-only, remote-only keys survive, eval mirrors development', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  await client.upsert([
    { key: 'SHARED', value: 'old' },
    { key: 'REMOTE_ONLY', value: 'from the dashboard' },
  ]);
  const ws = project({ '.env.development': NASTY_TEXT + 'SHARED=new\n' }, t);
  const prepared = await prepareSync({ projectRoot: ws.dir, environment: 'development', apiKey: DEV_KEY });

  // Without a journal, a key the platform already has is unverified (runSync itself sends what it is given).
  const plan = await planRemote(prepared, client);
  assert.deepEqual(plan.unverified, ['SHARED']);
  assert.deepEqual(plan.remoteOnly, ['REMOTE_ONLY']);
  assert.equal(plan.create.length, 26);
  assert.equal(describePlan(plan), '26 to create, 0 to update, 1 remote-only kept (sync never deletes)');

  const progress: string[] = [];
  const report = await runSync(prepared, client, {
    onProgress: (p) => progress.push(`${p.batchesDone}/${p.batchesTotal} ${p.keysWritten}/${p.keysTotal}`),
    limits: { maxItems: 10 },
  });
  assert.deepEqual(progress, ['1/3 10/27', '2/3 20/27', '3/3 27/27']);
  assertStoredValues(server, 'development', new Map([...prepared.values, ['REMOTE_ONLY', 'from the dashboard']]));
  assertStoredValues(server, 'eval', new Map([...prepared.values, ['REMOTE_ONLY', 'from the dashboard']]));

  const described = describeReport(report, 'development', plan);
  assert.equal(described.ok, true);
  assert.equal(described.summary, 'synced 27 keys to development (+ eval): 26 created, 1 updated; 1 remote-only kept');
  assert.ok(described.details.includes('updated (1): SHARED'));
  assert.ok(described.details.includes('remote-only, kept (1): REMOTE_ONLY'));
});

void test('deploy: production is written, never mirrored, and described as a deploy', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server, { apiKey: PROD_KEY });
  const ws = project({ '.env.production': 'ONE=1\nTWO="2 # two"\n' }, t);
  const prepared = await prepareSync({ projectRoot: ws.dir, environment: 'production', apiKey: PROD_KEY });
  const plan = await planRemote(prepared, client);
  const report = await runSync(prepared, client);
  assert.deepEqual(report.mirrored, []);
  assert.equal(
    describeReport(report, 'production', plan).summary,
    'deployed 2 keys to production: 2 created, 0 updated',
  );
  assertStoredValues(
    server,
    'production',
    new Map([
      ['ONE', '1'],
      ['TWO', '2 # two'],
    ]),
  );
  assert.equal(server.store.size('eval'), 0);
  assert.equal(server.store.size('development'), 0);
});

/** A project whose .env.development holds exactly `values`. */
async function preparedWith(
  t: { after: (fn: () => void) => void },
  values: ReadonlyMap<string, string>,
): Promise<PreparedSync> {
  const text = [...values].map(([key, value]) => `${key}=${JSON.stringify(value)}`).join('\n');
  const ws = project({ '.env.development': text }, t);
  const prepared = await prepareSync({ projectRoot: ws.dir, environment: 'development', apiKey: DEV_KEY });
  assert.deepEqual(prepared.values, values);
  return prepared;
}

void test('retries exhausted on a later batch: the report says exactly what was written, and running again finishes', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server, { retry: { maxRetries: 2 } });
  const values = generatedSecrets(30);
  const prepared = await preparedWith(t, values);
  const plan = await planRemote(prepared, client);
  server.log.clear();

  const report = await runSync(prepared, client, {
    limits: { maxItems: 10 },
    // After the first batch, every attempt of the next one is rate limited until the retries run out.
    onProgress: (p) => {
      if (p.batchesDone === 1) server.faults.failNext(3, 429, { retryAfterSeconds: 0 });
    },
  });
  assert.equal(report.written.length, 10);
  assert.equal(report.notWritten.length, 20);
  assert.deepEqual(report.unknown, []);
  assert.equal(report.error?.code, 'rate_limited');
  assert.deepEqual(
    server.log.entries().map((entry) => `${entry.method} ${entry.status}`),
    ['PUT 200', 'PUT 429', 'PUT 429', 'PUT 429'],
    'one batch written, the next one tried 1 + 2 times, nothing after it',
  );
  const described = describeReport(report, 'development', plan);
  assert.equal(described.ok, false);
  assert.equal(
    described.summary,
    'sync to development stopped after 10 of 30 keys: the API is rate limiting (429), and the retries ran out. Written: 10; not written: 20; unknown: 0. Run it again to finish.',
  );
  assert.ok(described.details.some((line) => line.startsWith('written (10): KEY_0000, KEY_0001')));
  assert.ok(described.details.some((line) => line.startsWith('not written (20): KEY_0010')));
  assert.deepEqual(server.store.names('development'), report.written);

  const again = await runSync(prepared, client, { limits: { maxItems: 10 } });
  assert.equal(describeReport(again, 'development').ok, true);
  assert.deepEqual([again.created.length, again.updated.length], [20, 10]);
  assertStoredValues(server, 'development', values);
  assertStoredValues(server, 'eval', values);
});

void test('a refused later batch (422) is not retried; the report names the keys and asks for a fix first', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  const values = generatedSecrets(25);
  values.set('ZZ_HUGE', 'x'.repeat(70_000));
  const prepared = await preparedWith(t, values);
  server.log.clear();
  const report = await runSync(prepared, client, { limits: { maxItems: 10 } });
  assert.deepEqual(
    server.log.entries().map((entry) => `${entry.method} ${entry.status}`),
    ['PUT 200', 'PUT 200', 'PUT 422'],
  );
  assert.deepEqual([report.written.length, report.notWritten.length, report.unknown.length], [20, 6, 0]);
  const described = describeReport(report, 'development');
  assert.match(
    described.summary,
    /^sync to development stopped after 20 of 26 keys: the API refused values over 65,536 bytes \(422\): ZZ_HUGE; /,
  );
  assert.match(described.summary, /Fix that, then run it again to finish\.$/);
  assert.ok(described.details.includes('keys at fault: ZZ_HUGE'));
});

void test('a batch whose connection drops after the write, retries exhausted: its keys are reported unknown', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server, { retry: { maxRetries: 1 } });
  const values = generatedSecrets(20);
  const prepared = await preparedWith(t, values);
  const report = await runSync(prepared, client, {
    limits: { maxItems: 10 },
    onProgress: (p) => {
      if (p.batchesDone === 1) server.faults.dropNext(2, { afterApply: true });
    },
  });
  assert.deepEqual([report.written.length, report.notWritten.length, report.unknown.length], [10, 0, 10]);
  const described = describeReport(report, 'development');
  assert.match(
    described.summary,
    /stopped after 10 of 20 keys: the connection to the API was lost.*unknown: 10\. Run it again to finish\.$/,
  );
  assert.ok(
    described.details.some((line) => line.startsWith('unknown (each holds its old or its new value) (10): KEY_0010')),
  );
  await runSync(prepared, client, { limits: { maxItems: 10 } });
  assertStoredValues(server, 'development', values);
});

void test('cancelled between batches: the report is exact and describes a cancel', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  const prepared = await preparedWith(t, generatedSecrets(30));
  const controller = new AbortController();
  const report = await runSync(prepared, client, {
    limits: { maxItems: 10 },
    signal: controller.signal,
    onProgress: (p) => {
      if (p.batchesDone === 1) controller.abort();
    },
  });
  assert.equal(report.cancelled, true);
  assert.deepEqual([report.written.length, report.notWritten.length], [10, 20]);
  assert.equal(server.store.size('development'), 10);
  assert.equal(
    describeReport(report, 'development').summary,
    'sync to development stopped after 10 of 30 keys: cancelled. Written: 10; not written: 20; unknown: 0. Run it again to finish.',
  );
});

void test('two syncs of one project in one process run one after the other; a cancelled waiter sends nothing', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  server.faults.setLatency(5);
  const prepared = await preparedWith(t, generatedSecrets(30));
  const events: string[] = [];
  const first = runSync(prepared, client, {
    limits: { maxItems: 10 },
    onProgress: (p) => events.push(`a${p.batchesDone}`),
  });
  const second = runSync(prepared, client, {
    limits: { maxItems: 10 },
    onProgress: (p) => events.push(`b${p.batchesDone}`),
  });
  const controller = new AbortController();
  const third = runSync(prepared, client, {
    limits: { maxItems: 10 },
    signal: controller.signal,
    onProgress: (p) => events.push(`c${p.batchesDone}`),
  });
  controller.abort();
  const [a, b, c] = await Promise.all([first, second, third]);
  assert.deepEqual(events, ['a1', 'a2', 'a3', 'b1', 'b2', 'b3'], 'never interleaved');
  assert.equal(describeReport(a, 'development').ok && describeReport(b, 'development').ok, true);
  assert.deepEqual([c.cancelled, c.written.length, c.notWritten.length, c.requests], [true, 0, 30, 0]);
  assert.equal(server.log.entries().filter((entry) => entry.method === 'PUT').length, 6);
});

void test('a sync held by another process is refused as locked, and nothing is sent', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  const prepared = await preparedWith(t, generatedSecrets(3));
  const holder = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'fixtures/lockHolder.ts'), prepared.projectRoot, DEFAULT_LOCK_DIR],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  t.after(() => {
    if (holder.exitCode === null) holder.kill();
  });
  const lines = createInterface({ input: holder.stdout })[Symbol.asyncIterator]();
  assert.equal((await lines.next()).value, 'locked');

  const error = await refusal(runSync(prepared, client));
  assert.equal(error.reason, 'locked');
  assert.match(error.message, new RegExp(`another sync of .* is running \\(process ${holder.pid}\\)`));
  assert.match(error.message, /nothing was sent$/);
  assert.equal(server.log.size, 0);

  holder.stdin.end();
  assert.equal((await lines.next()).value, 'released');
  await once(holder, 'close');
  assert.equal(
    describeReport(await runSync(prepared, client), 'development').ok,
    true,
    'free again once the holder is done',
  );
});

void test('describeApiError: 401, 403, 422, offline, insecure URL, cancel: clear words, and refusals are not retried', async (t) => {
  const server = await startServer(t);
  const unknownKey = fastClient(t, server, { apiKey: 'sk_dev_unknown' });
  const unauthorized = await unknownKey.listNames().catch((error: unknown) => error);
  assert.ok(unauthorized instanceof ApiError);
  assert.match(describeApiError(unauthorized), /^the API key was rejected \(401\)/);

  const production = fastClient(t, server, { apiKey: PROD_KEY });
  const forbidden = await production.listNames('eval').catch((error: unknown) => error);
  assert.match(describeApiError(forbidden), /not allowed .*\(403 forbidden\)/);

  const development = fastClient(t, server);
  const invalid = await development
    .upsert([
      { key: 'BAD-KEY', value: 'v' },
      { key: 'OK', value: 'v' },
    ])
    .catch((error: unknown) => error);
  assert.equal(
    describeApiError(invalid),
    'the API refused key names that fail ^[A-Za-z_][A-Za-z0-9_]*$ (422): BAD-KEY; nothing of that request was written',
  );
  assert.deepEqual(
    server.log.entries().map((entry) => entry.status),
    [401, 403, 422],
    'none of them retried',
  );

  const closed = await startServer(t);
  await closed.close();
  const offline = fastClient(t, closed, { retry: { maxRetries: 0 } });
  const refused = await offline.listNames().catch((error: unknown) => error);
  assert.ok(refused instanceof NetworkError);
  assert.equal(describeApiError(refused), 'could not reach the API (ECONNREFUSED): offline, or the API URL is wrong');

  let insecure: unknown;
  try {
    createApiClient({ baseUrl: 'http://api.example.com', apiKey: DEV_KEY });
  } catch (error) {
    insecure = error;
  }
  assert.ok(insecure instanceof ApiConfigError);
  assert.match(describeApiError(insecure), /refusing plain http/);
  assert.equal(describeApiError(new RequestCancelledError('PUT /v1/secrets', undefined)), 'cancelled');
  assert.match(
    describeApiError(new ApiError({ status: 503, code: 'unavailable', retryable: true, request: 'PUT /v1/secrets' })),
    /\(503 unavailable\), and the retries ran out/,
  );
  const many = new ApiError({
    status: 422,
    code: 'value_too_large',
    retryable: false,
    request: 'PUT /v1/secrets',
    keys: Array.from({ length: 25 }, (_, i) => `K${i}`),
  });
  assert.match(describeApiError(many), /K19 and 5 more; /);
});

void test('describeReport of an empty sync and of a one-key deploy', () => {
  const empty: SyncReport = {
    environment: undefined,
    written: [],
    notWritten: [],
    unknown: [],
    created: [],
    updated: [],
    mirrored: [],
    requests: 0,
    batches: 0,
    cancelled: false,
  };
  assert.deepEqual(describeReport(empty, 'development'), {
    ok: true,
    summary: 'synced 0 keys to development: 0 created, 0 updated',
    details: [],
  });
  const one: SyncReport = {
    ...empty,
    environment: 'production',
    written: ['A'],
    updated: ['A'],
    requests: 1,
    batches: 1,
  };
  assert.equal(describeReport(one, 'production').summary, 'deployed 1 key to production: 0 created, 1 updated');
});
