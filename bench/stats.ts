/** Small helpers shared by the benchmarks: percentiles, aligned report lines, a settled disk. */
import { spawnSync } from 'node:child_process';

/**
 * Writes back every dirty page before a measurement starts. A generated workspace of 50k files leaves ~225 MB
 * dirty; the kernel writes it back 30 s later (ext4 allocates the blocks only then), which fell on the measured
 * phases of the same scale (seen in /proc/meminfo beside a run) and takes CPU from the client and the server on a
 * two-core machine. A user's workspace
 * was written long before the editor opened it, so the measured runs start from that state.
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
