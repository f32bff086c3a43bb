import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { testStateDir } from './stateDir';

// STRUERE_TEST_CLI runs the same tests against another build (e.g. main's, to see a test fail before a fix).
export const CLI_JS = process.env.STRUERE_TEST_CLI ?? path.resolve(__dirname, '../../dist/cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the run outlived `limitMs` and was killed: a hang, reported instead of hanging the test. */
  hung?: boolean;
}

export interface RunCliOptions {
  env?: Record<string, string>;
  cwd?: string;
  input?: string;
  /** Kills the CLI after this long and reports it as hung (a failure bound, not a readiness wait). */
  limitMs?: number;
  /** Runs the CLI as another user through `setpriv` (tests run as root, which reads everything). */
  asUser?: { uid: number; gid: number };
  /**
   * Runs the CLI in a session of its own (setsid), so it has no controlling terminal even when the tests run in
   * one: a question it would ask at /dev/tty is then refused, as in CI, instead of waiting for a person.
   */
  noTerminal?: boolean;
  /** Called with each stdout chunk and the child, e.g. to send a signal once a line appears. */
  onStdout?: (stdoutSoFar: string, child: import('node:child_process').ChildProcess) => void;
}

/** Runs the built CLI as a user would, with a clean environment plus `env`. */
export function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const command = options.asUser
      ? [
          'setpriv',
          `--reuid=${options.asUser.uid}`,
          `--regid=${options.asUser.gid}`,
          '--clear-groups',
          process.execPath,
          CLI_JS,
          ...args,
        ]
      : [process.execPath, CLI_JS, ...args];
    const child = spawn(command[0]!, command.slice(1), {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', STRUERE_SECRETS_STATE_DIR: testStateDir(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: options.noTerminal === true,
    });
    let stdout = '';
    let stderr = '';
    let hung = false;
    const limit =
      options.limitMs === undefined
        ? undefined
        : setTimeout(() => {
            hung = true;
            child.kill('SIGKILL');
          }, options.limitMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (limit) clearTimeout(limit);
      resolve({ code: code ?? (signal ? null : code), stdout, stderr, ...(hung ? { hung } : {}) });
    });
    child.stdin.end(options.input ?? '');
  });
}
