/** Small helpers shared by the benchmarks: percentiles and aligned report lines. */
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
