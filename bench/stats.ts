/** Small helpers shared by the benchmarks: percentiles, aligned report lines, a settled disk, a quiet collector. */
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Runs `work` with the bench process's own garbage collector kept out of the timed requests. The timing client
 * lives in this process (~24 MB of heap at 1k files, ~33 MB at 50k: tsx, the bench, the workspace's paths), and
 * its own collections landed in the requests it timed. Matched by time against the GC entries of both processes,
 * the completion requests slower than 2 ms (two scales, 560 requests) were 23, most of them in runs of three or
 * four during the bench process's incremental marking (steps of 3–5 ms, then the final pause). Without incremental
 * marking in this process, and with a full collection before each phase's warm-up (so its allocation limit is far
 * away), they were 4: two of them the server's first secretlint scan of the opened prompt, 300 ms after the open.
 * The collection comes before the warm-up, not after it: the sweeping it leaves to helper threads took a core from
 * the server and made the first timed request 4–5 ms. The server's collections are its own cost and are not
 * touched: it is launched as editors launch it. Only the server bench runs this way; the in-process benches keep
 * V8's default.
 */
export async function withQuietBenchCollector<T>(work: () => Promise<T>): Promise<T> {
  setFlagsFromString('--no-incremental-marking');
  try {
    return await work();
  } finally {
    setFlagsFromString('--incremental-marking');
  }
}

// `gc` without a command-line flag: the bench is started as the README says.
setFlagsFromString('--expose-gc');

/** A full collection in the bench's own process, before a phase's warm-up (see above). */
export const collectBenchGarbage = runInNewContext('gc') as () => void;

/**
 * Writes back every dirty page before a measurement starts. A generated workspace of 50k files leaves ~225 MB
 * dirty; the kernel writes it back 30 s later (ext4 allocates the blocks only then), which fell on the measured
 * phases of the same scale (seen in /proc/meminfo beside a run) and takes CPU from the client and the server on a
 * two-core machine. A user's workspace was written long before the editor opened it, so the measured runs start
 * from that state.
 */
export function settleDisk(): void {
  const result = spawnSync('sync', { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`sync failed: ${result.error?.message ?? `exit ${result.status}`}`);
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** "name  measured  goal  ratio  PASS" — ratio is measured/goal, so ≤ 1.00 meets a ceiling goal. */
export function goalLine(name: string, measured: number, unit: string, goal: number): string {
  const ratio = measured / goal;
  return `${name.padEnd(44)} ${measured.toFixed(1).padStart(9)} ${unit.padEnd(3)} goal ≤ ${String(goal).padStart(5)} ${unit.padEnd(3)} ratio ${ratio.toFixed(2)}  ${ratio <= 1 ? 'PASS' : 'FAIL'}`;
}
