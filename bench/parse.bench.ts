/**
 * Throughput of parseEnv against dotenv.parse (default and fast mode) on a generated ~10 MB .env file.
 * parseEnv does more work (ranges, lines, problems), so matching dotenv's fast mode is the bar.
 *
 * Alone: node --import tsx bench/parse.bench.ts
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import dotenv from 'dotenv';
import { parseEnv } from '../engine/core/model/envParser';
import { LINEARITY_CASES } from './parseCases';

const TARGET_BYTES = 10 * 1024 * 1024;
const WARMUP_RUNS = 3;
/**
 * Rounds per contender. With 9, each parser's median moved ±20% between idle runs (dotenv's fast mode 53–77 MB/s,
 * ours 131–141) and the ratio with it; more rounds narrow every contender's median alike.
 */
const MEASURED_RUNS = 21;

/** Deterministic (seeded LCG) so runs and machines compare the same text. */
function generateEnv(targetBytes: number): string {
  let seed = 0x5eed;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 0x1_0000_0000;
  };
  const word = (len: number): string => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-/+:.@';
    let out = '';
    for (let i = 0; i < len; i++) out += alphabet[Math.floor(next() * alphabet.length)];
    return out;
  };
  const lines: string[] = [];
  let size = 0;
  let i = 0;
  while (size < targetBytes) {
    const key = `SERVICE_${i % 5000}_${word(6).replace(/[^A-Za-z0-9_]/g, '_')}`;
    const r = next();
    let line: string;
    if (r < 0.12) line = `# ${word(30 + Math.floor(next() * 40))}`;
    else if (r < 0.18) line = '';
    else if (r < 0.5) line = `${key}=${word(10 + Math.floor(next() * 50))}`;
    else if (r < 0.62) line = `${key}="${word(20 + Math.floor(next() * 40))}\\n${word(8)}"`;
    else if (r < 0.7) line = `${key}='${word(16 + Math.floor(next() * 30))}'`;
    else if (r < 0.8) line = `${key}=${word(12 + Math.floor(next() * 30))} # ${word(20)}`;
    else if (r < 0.86) line = `export ${key}="${word(24)}" # ${word(12)}`;
    else if (r < 0.9) line = `${key}: ${word(20)}`;
    else if (r < 0.94) {
      const body: string[] = [];
      const count = 2 + Math.floor(next() * 6);
      for (let k = 0; k < count; k++) body.push(word(48 + Math.floor(next() * 16)));
      line = `${key}="-----BEGIN KEY-----\n${body.join('\n')}\n-----END KEY-----"`;
    } else line = `  ${key} = ${word(30)}   `;
    lines.push(line);
    size += line.length + 1;
    i++;
  }
  return lines.join('\n') + '\n';
}

interface Contender {
  name: string;
  run: (text: string) => unknown;
}

interface Result {
  name: string;
  bestMBs: number;
  medianMBs: number;
}

/**
 * A full collection before each timed run: each contender then pays for the garbage it makes itself, not for
 * what the one before it left (results of a 10 MB parse differ in size by parser, so interleaving alone moved
 * one parser's collection into another's time and the medians swung by ±20% between runs).
 */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * Rounds interleave the contenders in rotating order, so load from other processes on a shared machine falls on
 * all of them alike.
 */
function measure(text: string, contenders: readonly Contender[]): Result[] {
  const megabytes = Buffer.byteLength(text, 'utf8') / (1024 * 1024);
  const times: number[][] = contenders.map(() => []);
  let sink = 0;
  for (let round = 0; round < WARMUP_RUNS + MEASURED_RUNS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const index = (round + k) % contenders.length;
      collectGarbage();
      const t0 = performance.now();
      sink += contenders[index].run(text) ? 1 : 0;
      const elapsed = performance.now() - t0;
      if (round >= WARMUP_RUNS) times[index].push(elapsed);
    }
  }
  if (sink < 0) console.log(sink); // keeps the results observably used
  return contenders.map((contender, index) => {
    const sorted = times[index].sort((a, b) => a - b);
    const best = sorted[0];
    const median = sorted[Math.floor(sorted.length / 2)];
    return { name: contender.name, bestMBs: megabytes / (best / 1000), medianMBs: megabytes / (median / 1000) };
  });
}

export async function benchParse(): Promise<void> {
  const text = generateEnv(TARGET_BYTES);
  const parsed = parseEnv(text);
  const megabytes = Buffer.byteLength(text, 'utf8') / (1024 * 1024);
  console.log(
    `parse bench: ${megabytes.toFixed(2)} MB, ${parsed.entries.length} entries, ${parsed.problems.length} problems, ` +
      `${WARMUP_RUNS} warm-up + ${MEASURED_RUNS} measured rounds, interleaved`,
  );

  const results = measure(text, [
    { name: 'dotenv.parse (default)', run: (s) => dotenv.parse(s) },
    { name: 'dotenv.parse (fast)', run: (s) => dotenv.parse(s, { fast: true }) },
    { name: 'parseEnv', run: (s) => parseEnv(s) },
  ]);
  const [dotenvDefault, dotenvFast, ours] = results;

  console.log('');
  console.log(`${'parser'.padEnd(26)}${'best MB/s'.padStart(12)}${'median MB/s'.padStart(14)}`);
  for (const r of results) {
    console.log(`${r.name.padEnd(26)}${r.bestMBs.toFixed(1).padStart(12)}${r.medianMBs.toFixed(1).padStart(14)}`);
  }
  const vsDefault = ours.medianMBs / dotenvDefault.medianMBs;
  const vsFast = ours.medianMBs / dotenvFast.medianMBs;
  console.log('');
  console.log(
    `ours/dotenv      (median): ${vsDefault.toFixed(2)}x  (best: ${(ours.bestMBs / dotenvDefault.bestMBs).toFixed(2)}x)`,
  );
  console.log(
    `ours/dotenv-fast (median): ${vsFast.toFixed(2)}x  (best: ${(ours.bestMBs / dotenvFast.bestMBs).toFixed(2)}x)`,
  );
  // At least twice dotenv's fast mode, medians of the same interleaved run.
  console.log(`GOAL ours >= 2.0x dotenv fast: ${vsFast >= 2 ? 'PASS' : 'FAIL'}`);
  if (vsFast < 2) process.exitCode = 1;
  benchLinearity();
}

/**
 * Linearity: each case parsed at n and 4n, the two sizes taking turns, best of seven, so load from other
 * processes falls on both sides alike. Linear is a ratio near 4; a quadratic path shows one near 16. The goal
 * allows 10× (and 1 ms of slack for cases near the timer's resolution); the control, a deliberately quadratic
 * scan, must fail the same goal, or the check proves nothing.
 */
function benchLinearity(): void {
  const unit = 1 << 18;
  const bestOf7 = (runSmall: () => unknown, runLarge: () => unknown): [number, number] => {
    const best: [number, number] = [Infinity, Infinity];
    for (let i = 0; i < 7; i++) {
      [runSmall, runLarge].forEach((run, side) => {
        // As in measure: each side pays for its own garbage, not for what the run before it left.
        collectGarbage();
        const t0 = performance.now();
        run();
        best[side] = Math.min(best[side]!, performance.now() - t0);
      });
    }
    return best;
  };
  const looksLinear = (small: number, large: number): boolean => large < 10 * (small + 1);
  console.log('');
  console.log(`${'linearity case'.padEnd(34)}${'n ms'.padStart(9)}${'4n ms'.padStart(9)}${'ratio'.padStart(8)}`);
  let allLinear = true;
  for (const [name, make] of LINEARITY_CASES) {
    const [smallText, largeText] = [make(unit), make(4 * unit)];
    const [small, large] = bestOf7(
      () => parseEnv(smallText),
      () => parseEnv(largeText),
    );
    allLinear &&= looksLinear(small, large);
    console.log(
      `${name.padEnd(34)}${small.toFixed(1).padStart(9)}${large.toFixed(1).padStart(9)}${(large / small).toFixed(1).padStart(8)}`,
    );
  }
  const quadratic = (text: string): number => {
    let found = 0;
    for (let i = 0; i < text.length; i += 8) found += text.lastIndexOf('y', i);
    return found;
  };
  // Large enough that neither the 1 ms of slack nor a slow small side passes it as linear: at unit/32 and unit/8
  // (1.3 / 20.9 ms) and at unit/16 and unit/4 (7.7 / 77.9 ms) loaded runs did, failing the goal for its sake.
  const [smallSoup, largeSoup] = ['x'.repeat(unit / 8), 'x'.repeat(unit / 2)];
  const [quadraticSmall, quadraticLarge] = bestOf7(
    () => quadratic(smallSoup),
    () => quadratic(largeSoup),
  );
  const controlFails = !looksLinear(quadraticSmall, quadraticLarge);
  console.log(
    `control (quadratic scan)${''.padEnd(10)}${quadraticSmall.toFixed(1).padStart(9)}${quadraticLarge.toFixed(1).padStart(9)}${(quadraticLarge / quadraticSmall).toFixed(1).padStart(8)}`,
  );
  console.log(
    `GOAL parse linear (4n < 10x n, every case; control fails): ${allLinear && controlFails ? 'PASS' : 'FAIL'}`,
  );
  if (!allLinear || !controlFails) process.exitCode = 1;
}

function invokedDirectly(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  const strip = (p: string): string => path.resolve(p).replace(/\.[cm]?[jt]s$/, '');
  return strip(entry) === strip(__filename);
}

if (invokedDirectly()) {
  benchParse().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
