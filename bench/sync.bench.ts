import { createLocalApiServer } from '../local-api/server';
import { createApiClient } from '../engine/api/apiClient';
import { executeSync } from '../engine/sync/syncRun';
import { errorText } from '../engine/core/base/errorText';

/**
 * Sync throughput against the local API with 50 ms added latency per request: our batched executeSync vs a
 * naive sequential loop of one PUT per key, through the same client and the same server, in the same run.
 *
 *   node --import tsx bench/sync.bench.ts [--quick]
 *
 * --quick times the naive loop on 200 keys and extrapolates to 2,000 (labelled as such); the default measures
 * the full naive run (about 100 s). Prints names, counts and times only.
 */

const SECRETS = 2_000;
const LATENCY_MS = 50;
const QUICK_NAIVE_KEYS = 200;
const GOAL_RATIO = 50;
/** Issue 12: at most 1.2× the network limit (batches × added latency). */
const GOAL_OVERHEAD = 1.2;

export interface BenchSyncOptions {
  readonly quick?: boolean;
}

export async function benchSync(
  options: BenchSyncOptions = { quick: process.argv.includes('--quick') },
): Promise<void> {
  const quick = options.quick ?? false;
  const server = await createLocalApiServer({ latencyMs: LATENCY_MS });
  const client = createApiClient({ baseUrl: server.url, apiKey: 'sk_dev_local' });
  try {
    const values = new Map<string, string>();
    for (let index = 0; index < SECRETS; index++)
      values.set(`SECRET_${String(index).padStart(4, '0')}`, `value-${index}-${'x'.repeat(32)}`);

    // Open the keep-alive connection outside the timings (one GET), so both runs start equal.
    await client.listNames();

    const oursStarted = performance.now();
    const report = await executeSync({ client, values });
    const oursMs = performance.now() - oursStarted;
    if (report.error || report.written.length !== SECRETS)
      throw new Error(`executeSync did not write every key (${report.written.length}/${SECRETS})`);

    server.store.clear();
    const naiveKeys = quick ? [...values].slice(0, QUICK_NAIVE_KEYS) : [...values];
    const before = client.requestCount;
    const naiveStarted = performance.now();
    for (const [key, value] of naiveKeys) await client.upsert([{ key, value }]);
    const naiveMeasuredMs = performance.now() - naiveStarted;
    const naiveRequests = client.requestCount - before;
    const scale = SECRETS / naiveKeys.length;
    const naiveMs = naiveMeasuredMs * scale;

    const ratio = naiveMs / oursMs;
    const floorMs = report.batches * LATENCY_MS;
    const overhead = oursMs / floorMs;
    const label = quick
      ? ` (EXTRAPOLATED ×${scale} from ${naiveKeys.length} keys measured in ${format(naiveMeasuredMs)} ms)`
      : '';

    const lines = [
      `sync benchmark: ${SECRETS.toLocaleString('en-US')} secrets, local API with ${LATENCY_MS} ms added latency per request`,
      `  ours  executeSync:       ${format(oursMs).padStart(9)} ms  ${report.requests} requests (${report.batches} batches)`,
      `  naive 1 PUT per key:     ${format(naiveMs).padStart(9)} ms  ${Math.round(naiveRequests * scale)} requests${label}`,
      `  ratio naive/ours:        ${ratio.toFixed(1)}×  (goal ≥ ${GOAL_RATIO}×)  ${ratio >= GOAL_RATIO ? 'PASS' : 'FAIL'}`,
      `  ours / (batches × latency): ${format(oursMs)} / ${format(floorMs)} ms = ${overhead.toFixed(2)}×  (goal ≤ ${GOAL_OVERHEAD}×)  ${overhead <= GOAL_OVERHEAD ? 'PASS' : 'FAIL'}`,
    ];
    console.log(lines.join('\n'));
    if (ratio < GOAL_RATIO || overhead > GOAL_OVERHEAD) process.exitCode = 1;
  } finally {
    await client.close();
    await server.close();
  }
}

function format(ms: number): string {
  return Math.round(ms).toLocaleString('en-US');
}

if (require.main === module) {
  benchSync().catch((error: unknown) => {
    console.error(errorText(error));
    process.exitCode = 1;
  });
}
