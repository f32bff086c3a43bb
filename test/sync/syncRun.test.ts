import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import * as dotenv from 'dotenv';
import type { ApiClient } from '../../engine/api/apiClient';
import { planSync } from '../../engine/sync/syncPlan';
import {
  SyncLockedError,
  batchBodyBytes,
  executeSync,
  splitIntoBatches,
  withSyncLock,
} from '../../engine/sync/syncRun';
import {
  assertStoredValues,
  fastClient,
  generatedSecrets,
  keysMatching,
  NASTY_ENV_LINES,
  startServer,
} from '../support/apiHelpers';

// Sync end to end against the local API: exact values, batching, cancellation, failures, the lock.

/** The shared corpus, with CRLF line endings. */
const NASTY_ENV = NASTY_ENV_LINES.join('\r\n') + '\r\n';

void test('a nasty .env corpus is stored exactly as dotenv.parse yields it, in development and the eval mirror', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  const values = new Map(Object.entries(dotenv.parse(NASTY_ENV)));
  assert.equal(values.size, 26, 'every entry of the corpus parses (DUPLICATE counts once)');
  assert.ok(
    values.get('MULTILINE')!.includes('\n') && values.get('ESCAPED_NEWLINES')!.includes('\r\n'),
    'the corpus exercises newlines',
  );
  assert.ok(values.get('EMPTY') === '', 'EMPTY= parses to an empty value');

  const report = await executeSync({ client, values });
  assert.equal(report.error, undefined);
  assert.deepEqual(report.written, [...values.keys()].sort());
  assert.deepEqual([report.notWritten, report.unknown, report.cancelled], [[], [], false]);
  assert.deepEqual(report.created, [...values.keys()].sort());
  assert.deepEqual(report.mirrored, ['eval']);
  assert.equal(report.environment, 'development');
  assertStoredValues(server, 'development', values);
  assertStoredValues(server, 'eval', values);

  const evalNames = await client.listNames('eval');
  assert.deepEqual(
    evalNames.secrets.map((secret) => secret.key),
    [...values.keys()].sort(),
    'the mirror is visible through the API',
  );

  const again = await executeSync({ client, values });
  assert.deepEqual(
    [again.created, again.updated],
    [[], [...values.keys()].sort()],
    'idempotent: a repeat only updates',
  );
  assertStoredValues(server, 'development', values);
});

void test('remote-only keys survive a sync untouched; the plan lists them as kept', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  await client.upsert([
    { key: 'REMOTE_ONLY', value: 'set in the dashboard' },
    { key: 'SHARED', value: 'old' },
  ]);
  const local = new Map([
    ['SHARED', 'new'],
    ['LOCAL_ONLY', 'l'],
  ]);

  const remote = new Map((await client.listNames()).secrets.map((secret) => [secret.key, secret.updatedAt]));
  const plan = planSync(local, remote);
  assert.deepEqual([plan.create, plan.unverified, plan.remoteOnly], [['LOCAL_ONLY'], ['SHARED'], ['REMOTE_ONLY']]);
  const report = await executeSync({ client, values: local });
  assert.deepEqual([report.created, report.updated], [['LOCAL_ONLY'], ['SHARED']]);
  assertStoredValues(
    server,
    'development',
    new Map([
      ['REMOTE_ONLY', 'set in the dashboard'],
      ['SHARED', 'new'],
      ['LOCAL_ONLY', 'l'],
    ]),
  );
});

void test('production sync is not mirrored', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server, { apiKey: 'sk_prod_local' });
  const values = generatedSecrets(5, 'PROD');
  const report = await executeSync({ client, values });
  assert.deepEqual([report.environment, report.mirrored], ['production', []]);
  assertStoredValues(server, 'production', values);
  assert.equal(server.store.size('eval'), 0);
});

void test('250 keys go in 3 sequential batches of 100, 100 and 50, with progress after each', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  const values = generatedSecrets(250);
  const progress: string[] = [];
  const report = await executeSync({
    client,
    values,
    onProgress: (p) => progress.push(`${p.batchesDone}/${p.batchesTotal}:${p.keysWritten}/${p.keysTotal}`),
  });
  assert.equal(report.batches, 3);
  assert.equal(report.requests, 3);
  assert.deepEqual(
    server.log.entries().map((entry) => [entry.method, entry.count]),
    [
      ['PUT', 100],
      ['PUT', 100],
      ['PUT', 50],
    ],
  );
  assert.deepEqual(progress, ['1/3:100/250', '2/3:200/250', '3/3:250/250']);
  assertStoredValues(server, 'development', values);
});

void test('batches are split by bytes too: large values never make a body over 1 MiB', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  // 40 values of up to 64 KiB (JSON-escaped quotes and newlines make the body larger than the raw bytes).
  const values = generatedSecrets(
    40,
    'LARGE',
    (index) => `${'"\n'.repeat(3_000)}${String(index)}${'v'.repeat(60_000 - 6_000)}`,
  );
  const batches = splitIntoBatches([...values].map(([key, value]) => ({ key, value })));
  for (const batch of batches) {
    assert.ok(batchBodyBytes(batch) <= 1024 * 1024);
    assert.equal(
      batchBodyBytes(batch),
      Buffer.byteLength(JSON.stringify({ secrets: batch })),
      'the size model matches the real body',
    );
  }
  const report = await executeSync({ client, values });
  assert.equal(report.error, undefined);
  assert.equal(report.batches, batches.length);
  assert.ok(batches.length >= 3 && batches.every((batch) => batch.length < 100), 'split by bytes, not by count');
  assert.deepEqual(
    server.log.entries().map((entry) => entry.status),
    Array(report.batches).fill(200),
    'no 413',
  );
  assertStoredValues(server, 'development', values);
});

void test('splitIntoBatches fills a batch up to the byte limit exactly, and an oversized item stands alone', () => {
  const item = (key: string, size: number) => ({ key, value: 'x'.repeat(size) });
  const one = batchBodyBytes([item('A', 10)]);
  const limit = batchBodyBytes([item('A', 10), item('B', 10)]);
  assert.deepEqual(
    splitIntoBatches([item('A', 10), item('B', 10), item('C', 10)], { maxItems: 100, maxBodyBytes: limit }).map(
      (b) => b.length,
    ),
    [2, 1],
  );
  assert.deepEqual(
    splitIntoBatches([item('A', 10), item('B', 11)], { maxItems: 100, maxBodyBytes: limit }).map((b) => b.length),
    [1, 1],
  );
  assert.deepEqual(
    splitIntoBatches([item('A', 10), item('HUGE', 500), item('C', 10)], { maxItems: 100, maxBodyBytes: one + 5 }).map(
      (b) => b.map((i) => i.key),
    ),
    [['A'], ['HUGE'], ['C']],
  );
  assert.deepEqual(splitIntoBatches([], { maxItems: 2, maxBodyBytes: 1000 }), []);
  assert.deepEqual(
    splitIntoBatches(
      Array.from({ length: 5 }, (_, i) => item(`K${i}`, 1)),
      { maxItems: 2, maxBodyBytes: 1000 },
    ).map((b) => b.length),
    [2, 2, 1],
  );
});

void test('cancelled between batches: the report matches the server state exactly', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  const values = generatedSecrets(500);
  const controller = new AbortController();
  const report = await executeSync({
    client,
    values,
    signal: controller.signal,
    onProgress: (p) => p.batchesDone === 2 && controller.abort(),
  });
  assert.equal(report.cancelled, true);
  assert.equal(report.written.length, 200);
  assert.equal(report.notWritten.length, 300);
  assert.deepEqual(report.unknown, []);
  const state = keysMatching(server, 'development', values);
  assert.deepEqual(state, { matching: report.written, absent: report.notWritten, other: [] });
  assert.equal(server.log.size, 2);

  const rerun = await executeSync({ client, values });
  assert.equal(rerun.written.length, 500);
  assertStoredValues(server, 'development', values);
});

void test('cancelled during a retry wait (429, Retry-After 30 s): stops at once, the batch counts as not written', async (t) => {
  const server = await startServer(t);
  const real = fastClient(t, server);
  const controller = new AbortController();
  // The real client, with the test aborting as soon as the 429 comes back.
  const client: Pick<ApiClient, 'upsert'> = {
    upsert: (items, options) =>
      real.upsert(items, {
        ...options,
        onAttempt: (r) => (options?.onAttempt?.(r), r.status === 429 && controller.abort()),
      }),
  };
  const values = generatedSecrets(300);
  let batches = 0;
  const started = performance.now();
  const report = await executeSync({
    client,
    values,
    signal: controller.signal,
    onProgress: () => ++batches === 1 && server.faults.failNext(1, 429, { retryAfterSeconds: 30 }),
  });
  assert.ok(performance.now() - started < 5_000, 'did not wait for Retry-After');
  assert.equal(report.cancelled, true);
  assert.equal(report.requests, 2);
  assert.deepEqual([report.written.length, report.notWritten.length, report.unknown.length], [100, 200, 0]);
  assert.deepEqual(keysMatching(server, 'development', values), {
    matching: report.written,
    absent: report.notWritten,
    other: [],
  });
});

void test('a non-retryable failure midway (422 in batch 3) reports exactly; fixing the file and re-running finishes', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  const values = generatedSecrets(500);
  values.set('KEY_0250-BAD', 'v'); // sorts into the third batch
  const report = await executeSync({ client, values });
  assert.ok(report.error);
  assert.deepEqual([report.error.status, report.error.code, report.error.keys], [422, 'invalid_key', ['KEY_0250-BAD']]);
  assert.equal(report.requests, 3, 'no retry');
  assert.equal(report.cancelled, false);
  assert.deepEqual([report.written.length, report.notWritten.length, report.unknown.length], [200, 301, 0]);
  assert.deepEqual(keysMatching(server, 'development', values), {
    matching: report.written,
    absent: report.notWritten,
    other: [],
  });

  values.delete('KEY_0250-BAD');
  const rerun = await executeSync({ client, values });
  assert.equal(rerun.error, undefined);
  assert.equal(rerun.written.length, 500);
  assertStoredValues(server, 'development', values);
});

void test('retries exhausted midway (503s) report exactly; re-running finishes', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server, { retry: { maxRetries: 2 } });
  const values = generatedSecrets(350);
  let done = 0;
  const report = await executeSync({
    client,
    values,
    onProgress: () => ++done === 2 && server.faults.failNext(3, 503),
  });
  assert.deepEqual([report.error?.status, report.error?.retryable], [503, true]);
  assert.equal(report.requests, 5);
  assert.deepEqual([report.written.length, report.notWritten.length, report.unknown.length], [200, 150, 0]);
  assert.deepEqual(keysMatching(server, 'development', values), {
    matching: report.written,
    absent: report.notWritten,
    other: [],
  });
  const rerun = await executeSync({ client, values });
  assert.equal(rerun.written.length, 350);
  assertStoredValues(server, 'development', values);
});

void test('a batch whose connections dropped until the retries ran out is reported unknown, never as written or not written', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server, { retry: { maxRetries: 1 } });

  // Batch 2's first attempt is applied and then dropped; the retry settles it.
  const settled = generatedSecrets(150, 'SETTLED');
  const first = await executeSync({
    client,
    values: settled,
    onProgress: (p) => p.batchesDone === 1 && server.faults.dropNext(1, { afterApply: true }),
  });
  assert.equal(first.error, undefined);
  assert.deepEqual([first.written.length, first.requests], [150, 3]);

  // Both attempts of batch 2 are dropped (after applying): nobody can say which value the keys hold.
  const values = generatedSecrets(150, 'UNSETTLED');
  const report = await executeSync({
    client,
    values,
    onProgress: (p) => p.batchesDone === 1 && server.faults.dropNext(2, { afterApply: true }),
  });
  assert.equal(report.error?.kind, 'network');
  assert.equal(report.error?.outcomeUnknown, true);
  assert.deepEqual([report.written.length, report.unknown.length, report.notWritten.length], [100, 50, 0]);
  assert.deepEqual(report.unknown, [...values.keys()].slice(100));

  const rerun = await executeSync({ client, values });
  assert.equal(rerun.written.length, 150);
  assertStoredValues(server, 'development', new Map([...settled, ...values]));
});

void test('withSyncLock: a second sync of the same project in this process waits; other projects run concurrently', async (t) => {
  const lockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-locks-'));
  t.after(async () => fs.rmSync(lockDir, { recursive: true, force: true }));
  const server = await startServer(t);
  const client = fastClient(t, server);
  const events: string[] = [];
  const sync = (name: string, root: string, values: Map<string, string>) =>
    withSyncLock(
      root,
      async () => {
        events.push(`${name} start`);
        const report = await executeSync({ client, values });
        events.push(`${name} end`);
        return report;
      },
      { lockDir },
    );

  const [first, second] = await Promise.all([
    sync('A', '/projects/one', generatedSecrets(250, 'A')),
    sync('B', '/projects/one/', generatedSecrets(250, 'B')),
  ]);
  assert.deepEqual(events, ['A start', 'A end', 'B start', 'B end']);
  assert.equal(first.written.length + second.written.length, 500);
  const puts = server.log.entries().map((entry) => entry.keys![0]!.slice(0, 1));
  assert.deepEqual(puts, ['A', 'A', 'A', 'B', 'B', 'B'], 'never interleaved');

  events.length = 0;
  let releaseOther!: () => void;
  let otherStarted!: () => void;
  const otherRunning = new Promise<void>((resolve) => (otherStarted = resolve));
  const other = withSyncLock(
    '/projects/two',
    async () => {
      events.push('two start');
      otherStarted();
      await new Promise<void>((resolve) => (releaseOther = resolve));
      events.push('two end');
    },
    { lockDir },
  );
  await otherRunning;
  await withSyncLock(
    '/projects/three',
    async () => {
      events.push('three ran');
    },
    { lockDir },
  );
  releaseOther();
  await other;
  assert.deepEqual(events, ['two start', 'three ran', 'two end']);

  // A waiter may give up; the lock stays usable.
  let releaseHolder!: () => void;
  let holderStarted!: () => void;
  const holding = new Promise<void>((resolve) => (holderStarted = resolve));
  const holder = withSyncLock(
    '/projects/one',
    () => {
      holderStarted();
      return new Promise<void>((resolve) => (releaseHolder = resolve));
    },
    { lockDir },
  );
  await holding;
  const controller = new AbortController();
  const waiting = withSyncLock('/projects/one', async () => 'ran', { lockDir, signal: controller.signal });
  controller.abort();
  await assert.rejects(waiting);
  releaseHolder();
  await holder;
  assert.equal(await withSyncLock('/projects/one', async () => 'ran', { lockDir }), 'ran');
  assert.deepEqual(fs.readdirSync(lockDir), [], 'no lock file left behind');
});

void test('withSyncLock across processes: refused while another live process holds it; a dead holder is taken over', async (t) => {
  const lockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-locks-'));
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-project-'));
  t.after(async () => {
    fs.rmSync(lockDir, { recursive: true, force: true });
    fs.rmSync(project, { recursive: true, force: true });
  });
  const startHolder = async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'fixtures/lockHolder.ts'), project, lockDir],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    t.after(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    assert.equal((await lines.next()).value, 'locked');
    return { child, lines };
  };

  const holder = await startHolder();
  await assert.rejects(
    withSyncLock(project, async () => 'ran', { lockDir }),
    (error: unknown) => {
      assert.ok(error instanceof SyncLockedError);
      assert.equal(error.holderPid, holder.child.pid);
      return true;
    },
  );
  holder.child.stdin!.end();
  assert.equal((await holder.lines.next()).value, 'released');
  await once(holder.child, 'exit');
  assert.equal(await withSyncLock(project, async () => 'ran', { lockDir }), 'ran');

  const crashed = await startHolder();
  crashed.child.kill('SIGKILL');
  await once(crashed.child, 'exit');
  assert.equal(fs.readdirSync(lockDir).length, 1, 'the dead holder left its lock file');
  assert.equal(await withSyncLock(project, async () => 'ran', { lockDir }), 'ran', 'a stale lock is taken over');
});
