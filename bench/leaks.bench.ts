import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { leakDictionary } from '../engine/core/leaks/dictionary';
import { scanReferences } from '../engine/core/model/references';
import { scanForSecrets } from '../engine/core/leaks/secretScan';
import { envFileState } from '../engine/core/model/workspaceIndex';

const FILES = Number(process.env.BENCH_LEAK_FILES ?? 2_000);
const VALUES = 500;

/**
 * Leak detection on the same generated files, same run: indexing without it (read + reference scan), with the
 * leak-value dictionary (one Aho–Corasick pass per file), our secretlint pass in process, and secretlint's own
 * CLI (the `secretlint` package, same version line, recommended preset) over the same folder.
 */
export async function benchLeaks(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'struere-bench-leaks-'));
  try {
    const { files, bytes, envText } = generate(dir);
    const dictionary = leakDictionary([envFileState('file:///bench/.env.development', envText, 'development')]);
    console.log(
      `\n== leak detection: ${FILES} files, ${(bytes / 1024 / 1024).toFixed(1)} MB, ${dictionary.size} credential-like values ==`,
    );
    const rate = (ms: number) => `${((bytes / 1024 / 1024 / ms) * 1000).toFixed(1)} MB/s`;
    const line = (label: string, ms: number, extra = '') =>
      console.log(`${label.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms  ${rate(ms).padStart(11)}${extra}`);

    let start = performance.now();
    dictionary.matcher();
    line('compiling the leak dictionary (once per env change)', performance.now() - start);

    start = performance.now();
    for (const file of files) scanReferences(readFileSync(file, 'utf8'));
    const plain = performance.now() - start;
    line('indexing without leak detection (read + references)', plain);

    start = performance.now();
    let hits = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      scanReferences(text);
      hits += dictionary.find(text).length;
    }
    const withValues = performance.now() - start;
    line(
      'indexing + leaked-value (one Aho–Corasick pass)',
      withValues,
      `  ${hits} hits, ${(withValues / plain).toFixed(2)}× indexing`,
    );

    start = performance.now();
    let findings = 0;
    for (const file of files) findings += (await scanForSecrets(readFileSync(file, 'utf8'), file)).length;
    const secretlintInProcess = performance.now() - start;
    line('hardcoded-secret (@secretlint/core in process)', secretlintInProcess, `  ${findings} findings`);

    writeFileSync(
      path.join(dir, '.secretlintrc.json'),
      JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }),
    );
    for (const [label, preload] of [
      ['secretlint CLI (same files, process start included)', []],
      // Ours runs with secretlint's profiler off (engine/core/secretScan.ts): the CLI the same way, for a like-for-like
      // figure. As shipped, its profiler looks every mark up in all earlier ones, which grows with the file count.
      ['secretlint CLI, its profiler off as in ours', ['--import', path.join(__dirname, 'secretlintProfilerOff.mjs')]],
    ] as const) {
      const cli = runSecretlintCli(dir, preload);
      if ('error' in cli) {
        console.log(`${label}: failed: ${cli.error}`);
        continue;
      }
      line(label, cli.ms, `  ${cli.findings} findings`);
      if (cli.findings !== findings)
        console.log(`secretlint CLI and the in-process scan disagree: ${cli.findings} vs ${findings} findings`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** secretlint's own CLI over `dir/files`, recommended preset: its time (process start included) and findings. */
function runSecretlintCli(
  dir: string,
  nodeOptions: readonly string[],
): { ms: number; findings: number } | { error: string } {
  const cli = path.resolve(__dirname, '../node_modules/secretlint/bin/secretlint.js');
  // The report goes to a file (--output): secretlint ends with process.exit(), which cuts a report written to a
  // pipe at 64 KB (this bench's JSON is megabytes: the CLI seemed to find 4 tokens where it finds all 20).
  const report = path.join(dir, 'secretlint-report.json');
  rmSync(report, { force: true });
  const args = [...nodeOptions, cli, '--secretlintrc', path.join(dir, '.secretlintrc.json'), '--format', 'json'];
  const start = performance.now();
  const run = spawnSync(process.execPath, [...args, '--output', report, 'files/**/*'], {
    cwd: dir,
    // The preset resolves from this repository's node_modules, like ours.
    env: { ...process.env, NODE_PATH: path.resolve(__dirname, '../node_modules') },
    encoding: 'utf8',
  });
  const ms = performance.now() - start;
  if (run.status !== 0 && run.status !== 1) return { error: `exit ${run.status}: ${run.stderr.split('\n')[0]}` };
  return { ms, findings: countCliFindings(readFileSync(report, 'utf8')) };
}

/** secretlint's JSON formatter: an array of files, each with its messages. */
function countCliFindings(json: string): number {
  const files = JSON.parse(json) as Array<{ messages: unknown[] }>;
  return files.reduce((sum, file) => sum + file.messages.length, 0);
}

function generate(dir: string): { files: string[]; bytes: number; envText: string } {
  // Made-up credential-shaped values; one in every 50 files pastes one of them, one in 100 holds a GitHub-shaped token.
  const values = Array.from({ length: VALUES }, (_, i) => `sk_live_${(i * 7919).toString(36)}Qx7Lm2Vb8Nc4Zr${i}`);
  const envText = values.map((value, i) => `KEY_${i}=${value}`).join('\n') + '\n';
  const filler =
    'You are a helpful agent. Answer briefly, cite the policy, and never reveal internal identifiers. '.repeat(6);
  const files: string[] = [];
  let bytes = 0;
  mkdirSync(path.join(dir, 'files'), { recursive: true });
  for (let n = 0; n < FILES; n++) {
    const leak = n % 50 === 0 ? `Pay with ${values[n % VALUES]}.` : '';
    const token = n % 100 === 1 ? `const t = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";` : '';
    const text = `# Prompt ${n}\n${filler}\nUse {{secrets.KEY_${n % VALUES}}}. ${leak}\n${filler}\n${token}\n${filler}\n`;
    const file = path.join(dir, 'files', `prompt-${n}.md`);
    writeFileSync(file, text);
    files.push(file);
    bytes += Buffer.byteLength(text);
  }
  return { files, bytes, envText };
}
