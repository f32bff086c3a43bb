import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RandomFaultKind } from '../../local-api/faults';
import type { LocalApiServer } from '../../local-api/server';
import { executeSync, type BatchLimits } from '../../engine/sync/syncRun';
import { assertStoredValues, fastClient, generatedSecrets, startServer } from '../support/apiHelpers';

// Sync under a seeded 30% failure rate: 503, 429 (Retry-After 0 or 1 s), and connections dropped before or
// after the write. The final state must be exact and the number of requests bounded.

const MIX: readonly RandomFaultKind[] = [503, 429, 'drop', 'drop-after-apply'];

async function syncUnderFaults(
  t: { after: (fn: () => Promise<void>) => void },
  seed: number,
  options: { limits?: Partial<BatchLimits>; maxRetries: number },
): Promise<{ server: LocalApiServer; requests: number; batches: number }> {
  const server = await startServer(t);
  const client = fastClient(t, server, { retry: { maxRetries: options.maxRetries } });
  // Some keys exist already (with other values) and one is remote-only.
  await client.upsert([
    { key: 'KEY_0007', value: 'old' },
    { key: 'KEY_0123', value: 'old' },
    { key: 'REMOTE_ONLY', value: 'kept' },
  ]);
  server.log.clear();

  const values = generatedSecrets(
    500,
    'KEY',
    (index) => `value ${index} "quoted" # not a comment\nline 2 🔑 ${'z'.repeat(index % 50)}`,
  );
  server.faults.setRandom({ rate: 0.3, seed, kinds: MIX, retryAfterSeconds: [0, 1] });
  const report = await executeSync({ client, values, ...(options.limits ? { limits: options.limits } : {}) });
  server.faults.setRandom(null);

  assert.equal(report.error, undefined, `seed ${seed}: ${report.error?.message ?? ''}`);
  assert.deepEqual(
    [report.written.length, report.notWritten.length, report.unknown.length, report.cancelled],
    [500, 0, 0, false],
  );
  assertStoredValues(server, 'development', new Map([...values, ['REMOTE_ONLY', 'kept']]));
  assertStoredValues(server, 'eval', new Map([...values, ['REMOTE_ONLY', 'kept']]));

  const log = server.log.entries();
  assert.equal(report.requests, log.length, 'the client counts exactly what the server saw');
  assert.ok(
    report.requests <= report.batches * (options.maxRetries + 1),
    `bounded: ${report.requests} requests for ${report.batches} batches`,
  );
  assert.equal(log.filter((entry) => entry.status === 200).length, report.batches, 'one success per batch');
  return { server, requests: report.requests, batches: report.batches };
}

void test('500 keys in 5 batches under a 30% failure rate end in the exact state, for several seeds', async (t) => {
  let faults = 0;
  for (const seed of [1, 2, 3, 4]) {
    const { server, requests, batches } = await syncUnderFaults(t, seed, { maxRetries: 5 });
    assert.equal(batches, 5);
    faults += requests - batches;
    await server.close();
  }
  assert.ok(faults > 0, 'the seeds did inject faults');
});

void test('500 keys in 50 small batches under a 30% failure rate: every fault kind occurs, the state is exact', async (t) => {
  const { server, requests, batches } = await syncUnderFaults(t, 20261123, { limits: { maxItems: 10 }, maxRetries: 8 });
  assert.equal(batches, 50);
  const log = server.log.entries();
  const kinds = new Set(
    log.filter((entry) => entry.fault).map((entry) => (entry.fault === 'status' ? entry.status : entry.fault)),
  );
  assert.deepEqual(kinds, new Set<number | string>([429, 503, 'drop', 'drop-after-apply']));
  // 30% independent faults: about 50 / 0.7 ≈ 71 requests; far from the 450 the retry policy would allow.
  assert.ok(requests < 110, `${requests} requests`);
});
