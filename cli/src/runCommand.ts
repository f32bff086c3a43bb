import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import {
  countOf,
  createByteRedactor,
  ENV_FILE_NAMES,
  redactionDictionary,
  WRITABLE_ENVIRONMENTS,
  type EnvFileState,
  type ProjectState,
  type WritableEnvironment,
} from '../../engine/core';
import { uriToPath } from '../../engine/host';
import { CliUsageError, oneOf, type CliIo } from './io';
import { loadEnvFiles } from './redactCommand';
import { escapeName } from './terminalText';

export interface RunOptions {
  dir: string;
  env: string | undefined;
  /** The environment's values replace variables the shell already has (default: the shell's win, as in dotenv). */
  override: boolean;
  /** Pass the child's output through the redactor (default); off with --no-redact. */
  redact: boolean;
  command: readonly string[];
}

/** Where the child's output goes: the process's own stdout and stderr, or a test's. */
export interface RunOutputs {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Exit codes a shell gives: not found, found but not executable, ended by signal N. */
const NOT_FOUND = 127;
const NOT_EXECUTABLE = 126;
const SIGNAL_BASE = 128;

/**
 * `run [DIR] -- CMD [ARG…]`: CMD runs with the environment's env-file values added to its environment (nothing
 * written to disk), and its stdout and stderr pass through the streaming redactor with `redact`'s dictionary, so a
 * value the child prints reaches the terminal (or an AI agent reading it) as `[SECRET:KEY]`. The exit code is the
 * child's (128+N for signal N, 127 not found, 126 not executable).
 */
export async function runRun(options: RunOptions, io: CliIo, outputs: RunOutputs = process): Promise<number> {
  const environment = oneOf<WritableEnvironment>('env', options.env, WRITABLE_ENVIRONMENTS, 'development');
  const root = path.resolve(options.dir);
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new CliUsageError(`${options.dir} is not a folder`);
  const index = await loadEnvFiles(root, io);
  const project = projectAt(index.allProjects(), root, options.dir);
  const fileName = ENV_FILE_NAMES[environment];
  const envFile = project.envFiles.get(`${project.rootUri}/${fileName}`);
  if (envFile === undefined || envFile.unreadable !== undefined || envFile.skippedBytes !== undefined) {
    io.err(
      `struere-secrets: ${escapeName(fileName)} of ${escapeName(options.dir)} could not be read: nothing to run with`,
    );
    return 2;
  }
  const values = valuesOf(envFile);
  const env = childEnvironment(io.env, values, options.override);
  const kept = [...values.keys()].filter((key) => env[key] !== values.get(key));
  if (kept.length > 0)
    io.err(
      `struere-secrets: ${countOf(kept.length, 'variable')} of the shell kept over ${fileName} (--override to replace)`,
    );
  const dictionary = redactionDictionary(index.allProjects().flatMap((p) => [...p.envFiles.values()]));
  return runChild(options.command, env, options.redact ? dictionary : undefined, io, outputs);
}

/** The project DIR is, or the only one under it: `run` takes one environment's values, never a mix. */
function projectAt(projects: readonly ProjectState[], root: string, dir: string): ProjectState {
  const exact = projects.find((project) => uriToPath(project.rootUri) === root);
  if (exact) return exact;
  if (projects.length === 1) return projects[0]!;
  if (projects.length === 0) throw new CliUsageError(`no Struere project (struere.json) under ${dir}`);
  throw new CliUsageError(`${projects.length} Struere projects under ${dir}: name the one to run in`);
}

/** What dotenv yields for the file: each key's last value; keys dotenv drops (`__proto__`) are not there. */
function valuesOf(file: EnvFileState): Map<string, string> {
  const values = new Map<string, string>();
  for (const entry of file.parsed.entries) if (file.keys.has(entry.key)) values.set(entry.key, entry.value);
  return values;
}

function childEnvironment(
  inherited: Readonly<Record<string, string | undefined>>,
  values: ReadonlyMap<string, string>,
  override: boolean,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(inherited)) if (value !== undefined) env[key] = value;
  for (const [key, value] of values) if (override || env[key] === undefined) env[key] = value;
  return env;
}

async function runChild(
  command: readonly string[],
  env: Record<string, string>,
  dictionary: ReturnType<typeof redactionDictionary> | undefined,
  io: CliIo,
  outputs: RunOutputs,
): Promise<number> {
  const [file, ...args] = command;
  // stdin is the terminal's (a prompt the child shows is answered there); output is piped only to be redacted.
  const piped = dictionary === undefined ? 'inherit' : 'pipe';
  const child = spawn(file!, args, { env, stdio: ['inherit', piped, piped] });
  const forwarded = forwardSignals(child);
  try {
    const pipes =
      dictionary === undefined
        ? []
        : [
            pipeRedacted(child.stdout!, outputs.stdout, dictionary),
            pipeRedacted(child.stderr!, outputs.stderr, dictionary),
          ];
    const [ended] = await Promise.all([exitOf(child), ...pipes]);
    if (ended.kind === 'failed') {
      const notFound = ended.code === 'ENOENT';
      io.err(
        `struere-secrets: ${escapeName(file!)}: ${notFound ? 'command not found' : `cannot run it (${ended.code})`}`,
      );
      return notFound ? NOT_FOUND : NOT_EXECUTABLE;
    }
    return ended.kind === 'signal' ? SIGNAL_BASE + (osConstants.signals[ended.signal] ?? 0) : ended.code;
  } finally {
    forwarded();
  }
}

type ChildEnd =
  { kind: 'exit'; code: number } | { kind: 'signal'; signal: NodeJS.Signals } | { kind: 'failed'; code: string };

function exitOf(child: ChildProcess): Promise<ChildEnd> {
  return new Promise((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'failed', code: error.code ?? 'unknown' }));
    child.once('close', (code, signal) =>
      resolve(signal !== null ? { kind: 'signal', signal } : { kind: 'exit', code: code ?? 0 }),
    );
  });
}

/**
 * A terminal's Ctrl-C reaches the child itself (same process group); signals sent to this process alone (a
 * supervisor's SIGTERM, a closed terminal's SIGHUP) are passed on, so the child can stop cleanly. Returns the undo.
 */
function forwardSignals(child: ChildProcess): () => void {
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP'];
  const handlers = signals.map((signal) => {
    const handler = () => void child.kill(signal);
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}

/**
 * The child's bytes through the byte redactor (what is no value passes byte for byte; text that cannot start a
 * value is written at once, so a prompt without a newline shows before the child waits), honouring the output's
 * backpressure so memory stays bounded however much the child writes. A closed output (`| head`) stops writing
 * quietly and keeps draining the child, so it is never blocked on a full pipe.
 */
function pipeRedacted(
  from: Readable,
  to: NodeJS.WritableStream,
  dictionary: ReturnType<typeof redactionDictionary>,
): Promise<void> {
  const redactor = createByteRedactor(dictionary);
  let closed = false;
  const onError = () => {
    closed = true;
    from.resume();
  };
  to.on('error', onError);
  const write = (text: string) => {
    if (closed || text.length === 0) return;
    if (!to.write(Buffer.from(text, 'latin1'))) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  };
  return new Promise((resolve, reject) => {
    from.on('data', (chunk: Buffer) => write(redactor.write(chunk.toString('latin1'))));
    from.once('error', reject);
    from.once('end', () => {
      write(redactor.end());
      to.off('error', onError);
      resolve();
    });
  });
}
