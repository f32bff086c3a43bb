import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createLocalApiServer } from '../local-api/server';
import { goalLine, median } from './stats';

/**
 * How fast an offline CI job fails: the built CLI (dist/cli.js, child processes, Node start-up included) against a
 * refused loopback port and against the local API answering after 20 s, with the defaults and with
 * `--retries 0 --timeout 1`. Medians of a few runs; the defaults against the slow server are not run (minutes).
 *
 *   node --import tsx bench/offline.bench.ts
 */

const RUNS = 3;
const SLOW_LATENCY_MS = 20_000;
const GOAL_REFUSED_MS = 1_000;
const GOAL_SLOW_MS = 2_500;
const CLI = path.resolve(__dirname, '../dist/cli.js');

function timeCli(args: string[], env: Record<string, string>): Promise<{ ms: number; code: number | null }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, code }));
  });
}

async function medianOf(args: string[], env: Record<string, string>, runs = RUNS): Promise<number> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) samples.push((await timeCli(args, env)).ms);
  return median(samples);
}

export async function benchOffline(): Promise<void> {
  const project = mkdtempSync(path.join(tmpdir(), 'struere-bench-offline-'));
  writeFileSync(path.join(project, 'struere.json'), '{}');
  writeFileSync(path.join(project, '.env.development'), 'A=1\n');
  const refused = await createLocalApiServer();
  const refusedUrl = refused.url;
  await refused.close();
  const slow = await createLocalApiServer({ latencyMs: SLOW_LATENCY_MS });
  try {
    const key = { STRUERE_API_KEY_DEVELOPMENT: 'sk_dev_local' };
    const fast = ['--retries', '0', '--timeout', '1'];
    const atRefused = { STRUERE_API_URL: refusedUrl, ...key };
    const atSlow = { STRUERE_API_URL: slow.url, ...key };
    const version = await medianOf(['--help'], {});
    const rows: [string, number, number | undefined][] = [
      ['node start-up (struere-secrets --help)', version, undefined],
      ['sync --dry-run, refused port, defaults', await medianOf(['sync', project, '--dry-run'], atRefused), undefined],
      [
        'sync --dry-run, refused port, fast',
        await medianOf(['sync', project, '--dry-run', ...fast], atRefused),
        GOAL_REFUSED_MS,
      ],
      ['check, refused port, defaults', await medianOf(['check', project], atRefused), undefined],
      ['check, refused port, fast', await medianOf(['check', project, ...fast], atRefused), GOAL_REFUSED_MS],
      [
        'sync --dry-run, 20 s server, fast',
        await medianOf(['sync', project, '--dry-run', ...fast], atSlow, 1),
        GOAL_SLOW_MS,
      ],
      ['check, 20 s server, fast', await medianOf(['check', project, ...fast], atSlow, 1), GOAL_SLOW_MS],
    ];
    console.log(`offline benchmark: dist/cli.js as a child process, median of ${RUNS} (1 against the slow server)`);
    let failed = false;
    for (const [name, ms, goal] of rows) {
      if (goal === undefined) console.log(`${name.padEnd(44)} ${ms.toFixed(1).padStart(9)} ms`);
      else {
        console.log(goalLine(name, ms, 'ms', goal));
        failed ||= ms > goal;
      }
    }
    if (failed) process.exitCode = 1;
  } finally {
    await slow.close();
    rmSync(project, { recursive: true, force: true });
  }
}

if (require.main === module) void benchOffline();
