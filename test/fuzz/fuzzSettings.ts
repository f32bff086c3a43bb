/**
 * How much the fuzz tests run. `npm test` keeps them bounded (a few seconds each); `npm run fuzz` sets
 * STRUERE_FUZZ_RUNS for a long run. STRUERE_FUZZ_SEED replays a failure fast-check reported.
 */
const long = Number(process.env.STRUERE_FUZZ_RUNS);
const scale = Number.isFinite(long) && long > 0 ? long : undefined;

export const FUZZ_RUNS = {
  server: scale ?? 40,
  cli: scale !== undefined ? Math.max(1, Math.round(scale / 4)) : 4,
};

export function fuzzSeed(): number | undefined {
  const seed = Number(process.env.STRUERE_FUZZ_SEED);
  return Number.isInteger(seed) ? seed : undefined;
}

/**
 * A failed run in a few lines: the error, how to replay it (STRUERE_FUZZ_SEED), and the steps with long strings
 * cut, so a 200 KB generated line does not bury the report.
 */
export function describeFailure(result: {
  failed: boolean;
  seed: number;
  counterexample: unknown[] | null;
  errorInstance: unknown;
  numRuns: number;
}): string {
  if (!result.failed) return '';
  const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  const steps = JSON.stringify(result.counterexample, (_key, value: unknown) =>
    typeof value === 'string' && value.length > 120 ? `${value.slice(0, 60)}…(${value.length} chars)` : value,
  );
  return `failed after ${result.numRuns} runs (replay: STRUERE_FUZZ_SEED=${result.seed}): ${error.slice(0, 3000)}\ncounterexample: ${steps.slice(0, 6000)}`;
}
