import { performance } from 'node:perf_hooks';
import { isIgnoredByPatterns, prepareGitignore } from '../engine/core/model/gitignorePatterns';
import { goalLine, median } from './stats';

/**
 * .gitignore matching on deep paths: a plain .gitignore against the hostile 77-byte line (`**` `/` `*` `/` fifteen
 * times, then `a`) and a line of several `**` split by other segments, each through the host's normalised matcher.
 * The hostile cases must answer about as fast as the plain one (goal: within 3× of it, and under 50 ms a path).
 * The raw `ignore` package on the same hostile line is not run here: on these paths it takes minutes.
 */
const DEPTH = 28;
const folders = Array.from({ length: DEPTH }, (_, i) => `folder-${String(i).padStart(2, '0')}-of-the-tree`).join('/');
const PATHS = [`${folders}/.env.development`, `${folders}/.env.production`, `${folders}/prompts/p.md`];

const CASES: [string, string][] = [
  ['plain .gitignore', 'node_modules/\n.env.development\n*.log\ndist/\n'],
  ['77-byte **/*/ x15 line', `${'**/*/'.repeat(15)}a\n.env.development\n`],
  ['x/ + **/ x20 line', `x/${'**/'.repeat(20)}b\n.env.development\n`],
  ['**/folder-*/**/prompts/** line', '**/folder-*/**/prompts/**\n.env.development\n'],
];

function timePerPath(content: string): number {
  const samples: number[] = [];
  for (let round = 0; round < 15; round++) {
    const started = performance.now();
    // A fresh preparation each round, as a new .gitignore read would be.
    const files = [{ path: '.gitignore', dir: '', prepared: prepareGitignore(content) }];
    for (const path of PATHS) isIgnoredByPatterns(path, files);
    samples.push((performance.now() - started) / PATHS.length);
  }
  return median(samples.slice(3));
}

export async function benchGitignore(): Promise<void> {
  console.log(`\n.gitignore matching, paths ${DEPTH} folders deep (median ms per path)`);
  const measured = CASES.map(([name, content]) => [name, timePerPath(content)] as const);
  const plain = measured[0]![1];
  for (const [name, ms] of measured) {
    console.log(`${goalLine(name, ms, 'ms', 50)}   ${(ms / plain).toFixed(2)}× plain`);
    if (ms > 50 || ms > plain * 3 + 1) process.exitCode = 1;
  }
  await Promise.resolve();
}
