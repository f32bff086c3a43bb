import { performance } from 'node:perf_hooks';
import { isCredentialLike } from '../engine/core/leaks/credentials';
import { leakDictionary, ValueDictionary } from '../engine/core/leaks/dictionary';
import { createByteRedactor, createRedactor, MIN_REDACTED_LENGTH } from '../engine/core/leaks/redaction';
import type { Redactor } from '../engine/core/leaks/valueRedaction';
import { envFileState, type EnvFileState } from '../engine/core/model/workspaceIndex';
import { median } from './stats';

const VALUES = 500;
const STREAM_MB = Number(process.env.BENCH_ENCODED_MB ?? 16);
const CHUNK = 64 * 1024;
const ROUNDS = 5;
const GOAL = 1.5;

/**
 * What the encoded forms cost: `redact`'s streaming redactor, `run`'s byte redactor and the leak pass, each over the
 * same generated log with 500 credential values, once with the values only and once with the values and their
 * encoded forms (base64 at three alignments, base64url, percent-encoding, escapes, hex), in the same run. The goal:
 * the encoded forms take at most 1.5× the literal-only time (one Aho–Corasick pass either way).
 */
export async function benchEncodedForms(): Promise<void> {
  const values = Array.from({ length: VALUES }, (_, i) => `sk_live_${(i * 7919).toString(36)}Qx7Lm2Vb8Nc4Zr${i}/+`);
  const envText = values.map((value, i) => `KEY_${i}="${value}"`).join('\n') + '\n';
  const files: EnvFileState[] = [envFileState('file:///bench/.env.development', envText, 'development')];
  const redactable = (value: string) => value.length >= MIN_REDACTED_LENGTH;
  // Building and compiling happen once per env change (a language server) or per command (redact, run): cold figures.
  const timings: [string, number][] = [];
  const timed = <T>(label: string, build: () => T): T => {
    const started = performance.now();
    const result = build();
    timings.push([label, performance.now() - started]);
    return result;
  };
  const literal = timed('building the redaction values, literal-only', () =>
    ValueDictionary.of(files, redactable, undefined, () => false),
  );
  const encoded = timed('building the redaction values + encoded forms', () => ValueDictionary.of(files, redactable));
  const leakLiteral = ValueDictionary.of(files, isCredentialLike, undefined, () => false);
  const leakEncoded = leakDictionary(files);
  const text = generateLog(values);
  const bytes = Buffer.from(text, 'latin1');
  const megabytes = bytes.length / 1024 / 1024;
  console.log(
    `\n== encoded copies: ${megabytes.toFixed(1)} MB of output, ${VALUES} values: ${literal.patterns.size} patterns literal-only, ${encoded.patterns.size} with encoded forms ==`,
  );

  timed('compiling the redactor, literal-only', () => createRedactor(literal).end());
  timed('compiling the redactor, with encoded forms', () => createRedactor(encoded).end());
  timed('compiling the leak matcher, literal-only', () => leakLiteral.matcher());
  timed('compiling the leak matcher, with encoded forms', () => leakEncoded.matcher());
  for (const [label, ms] of timings) console.log(`${label.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms`);
  createByteRedactor(literal).end();
  createByteRedactor(encoded).end();

  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += CHUNK) chunks.push(text.slice(at, at + CHUNK));
  const byteChunks: string[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK) byteChunks.push(bytes.subarray(at, at + CHUNK).toString('latin1'));

  const stream = (redactor: Redactor, input: readonly string[]): number => {
    let out = 0;
    for (const chunk of input) out += redactor.write(chunk).length;
    return out + redactor.end().length;
  };
  const cases: [string, () => number, () => number][] = [
    [
      'redact (streaming, text)',
      () => stream(createRedactor(literal), chunks),
      () => stream(createRedactor(encoded), chunks),
    ],
    [
      'run (streaming, bytes)',
      () => stream(createByteRedactor(literal), byteChunks),
      () => stream(createByteRedactor(encoded), byteChunks),
    ],
    ['leaked-value pass (find)', () => leakLiteral.find(text).length, () => leakEncoded.find(text).length],
  ];
  let failed = false;
  for (const [label, runLiteral, runEncoded] of cases) {
    // Interleaved rounds, median of each: the machine is shared, so both sides see the same load.
    const times: [number[], number[]] = [[], []];
    const outputs: [number, number] = [0, 0];
    for (let round = 0; round < ROUNDS; round++) {
      // Each side goes first in every other round, so neither always runs on the other's warmed-up caches.
      for (const side of round % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const)) {
        const start = performance.now();
        outputs[side] = (side === 0 ? runLiteral : runEncoded)();
        times[side].push(performance.now() - start);
      }
    }
    const [literalMs, encodedMs] = [median(times[0]), median(times[1])];
    const ratio = encodedMs / literalMs;
    const rate = (ms: number) => `${((megabytes / ms) * 1000).toFixed(1)} MB/s`;
    console.log(
      `${label.padEnd(26)} literal-only ${rate(literalMs).padStart(11)}  with encoded forms ${rate(encodedMs).padStart(11)}  ` +
        `${ratio.toFixed(2)}× time (goal ≤ ${GOAL}×)  ${ratio <= GOAL ? 'PASS' : 'FAIL'}`,
    );
    if (label.startsWith('leaked')) console.log(`  hits: ${outputs[0]} literal-only, ${outputs[1]} with encoded forms`);
    failed ||= ratio > GOAL;
  }
  if (failed) process.exitCode = 1;
}

/**
 * Build and test output: mostly ordinary lines (timestamps, paths, hashes), one line in 200 holding a value, and
 * one in 200 an encoded copy of one (a Basic-auth header, a URL query, a JSON string, a hex dump).
 */
function generateLog(values: readonly string[]): string {
  const target = STREAM_MB * 1024 * 1024;
  const lines: string[] = [];
  let size = 0;
  for (let n = 0; size < target; n++) {
    const value = values[n % values.length]!;
    let line = `2026-12-07T06:${String(n % 60).padStart(2, '0')}:00.000Z info [worker ${n % 8}] GET /api/v1/items/${n} 200 ${n % 977}ms sha=${(n * 2654435761).toString(16)} ok`;
    if (n % 200 === 17) line += ` token=${value}`;
    if (n % 200 === 101) {
      const copies = [
        `Authorization: Basic ${Buffer.from(`user${n % 3}:${value}`).toString('base64')}`,
        `url=https://api.example.com/?key=${encodeURIComponent(value)}`,
        `body={"key":${JSON.stringify(value).replace(/\//g, '\\/')}}`,
        `dump ${Buffer.from(value).toString('hex')}`,
      ];
      line += ` ${copies[n % copies.length]}`;
    }
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n') + '\n';
}
