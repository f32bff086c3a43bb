import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as dotenv from 'dotenv';
import { ENVIRONMENTS } from '../engine/core/model/environments';
import { createLocalApiServer, type LocalApiServer } from '../local-api/server';
import { errorText } from '../engine/core/base/errorText';

/**
 * `npm start`: the CLI end to end on the example project, offline. Starts the local API (API.md) in this
 * process on a free 127.0.0.1 port, copies examples/support-agent to a temporary folder (the repository is
 * never touched), runs the built CLI (dist/cli.js) as a user would — check, sync, status — and shows what the
 * API now holds. Exit 0 when every step went as expected. Names only: no value is printed.
 */

const REPO = path.resolve(__dirname, '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const EXAMPLE = path.join(REPO, 'examples', 'support-agent');
const PROJECT = 'support-agent';

interface Step {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: readonly string[], cwd: string, env: Record<string, string>): Promise<Step> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function heading(text: string): void {
  process.stdout.write(`\n━━ ${text} ${'━'.repeat(Math.max(3, 72 - text.length))}\n`);
}

function show(step: Step): void {
  if (step.stdout.trim() !== '') process.stdout.write(step.stdout.endsWith('\n') ? step.stdout : `${step.stdout}\n`);
  if (step.stderr.trim() !== '') process.stdout.write(step.stderr.endsWith('\n') ? step.stderr : `${step.stderr}\n`);
  process.stdout.write(`(exit ${step.code})\n`);
}

async function main(): Promise<number> {
  const problems: string[] = [];
  const expect = (condition: boolean, what: string): void => {
    if (!condition) problems.push(what);
  };

  let server: LocalApiServer | undefined;
  const work = mkdtempSync(path.join(tmpdir(), 'struere-demo-'));
  try {
    server = await createLocalApiServer({ port: 0 });
    cpSync(EXAMPLE, path.join(work, PROJECT), { recursive: true });
    const env = {
      PATH: process.env.PATH ?? '',
      STRUERE_API_URL: server.url,
      STRUERE_API_KEY_DEVELOPMENT: 'sk_dev_local',
      // The sync journal of a throw-away project against a throw-away server: kept in the work folder (deleted
      // below), never added to the user's own state folder, where each run would leave one more journal.
      STRUERE_SECRETS_STATE_DIR: path.join(work, 'state'),
    };

    process.stdout.write(
      `Struere Secrets demo: the CLI on a copy of examples/${PROJECT}, against the local API at ${server.url}\n` +
        `(STRUERE_API_URL=${server.url} STRUERE_API_KEY_DEVELOPMENT=sk_dev_… ; no production key, so production stays unknown)\n`,
    );

    heading(`struere-secrets check ${PROJECT}`);
    const check = await runCli(['check', PROJECT], work, env);
    show(check);
    expect(check.code === 0, 'check: exit 0 (warnings only)');
    expect(/\(0 errors\b/.test(check.stdout), 'check: no errors (warnings only)');

    heading(`struere-secrets sync ${PROJECT}`);
    const sync = await runCli(['sync', PROJECT], work, env);
    show(sync);
    expect(sync.code === 0, 'sync: exit 0');

    heading(`struere-secrets status ${PROJECT}`);
    const status = await runCli(['status', PROJECT], work, env);
    show(status);
    expect(status.code === 0, 'status: exit 0');

    heading('what the local API now holds (names only)');
    const local = new Map(
      Object.entries(dotenv.parse(readFileSync(path.join(work, PROJECT, '.env.development'), 'utf8'))),
    );
    for (const environment of ENVIRONMENTS) {
      const names = server.store.names(environment);
      process.stdout.write(
        `${environment.padEnd(11)} ${String(names.length).padStart(2)}: ${names.length > 0 ? names.join(', ') : '—'}\n`,
      );
    }
    const expected = [...local.keys()].sort();
    expect(
      JSON.stringify(server.store.names('development')) === JSON.stringify(expected),
      'development holds exactly the keys of .env.development',
    );
    expect(JSON.stringify(server.store.names('eval')) === JSON.stringify(expected), 'eval mirrors development');
    expect(server.store.names('production').length === 0, 'production is untouched (no deploy ran)');
    const stored = server.store.values('development');
    expect(
      [...local].every(([key, value]) => stored.get(key) === value),
      'stored values equal dotenv.parse of the file',
    );
  } finally {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  }

  heading('result');
  if (problems.length === 0) {
    process.stdout.write(
      "✔ check, sync and status went as expected: development and its eval mirror hold the example's keys.\n",
    );
    return 0;
  }
  for (const problem of problems) process.stdout.write(`✖ not as expected: ${problem}\n`);
  return 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${errorText(error)}\n`);
    process.exitCode = 1;
  },
);
