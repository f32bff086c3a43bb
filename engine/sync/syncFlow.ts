import * as path from 'node:path';
import * as dotenv from 'dotenv';
import {
  API_KEY_PREFIX,
  DEFAULT_SETTINGS,
  ENV_FILE_NAMES,
  envFileState,
  environmentOfApiKey,
  isDiagnosticCode,
  joinBounded,
  misreadKeys,
  SYNC_BLOCKING_CODES,
  validateEnvFile,
  type WritableEnvironment,
} from '../core';
import { readEnvFile } from '../host';
import type { ApiClient } from '../api';
import type { SyncJournal } from './syncJournal';
import { planSync, type SyncPlan } from './syncPlan';
import {
  executeSync,
  SyncLockedError,
  SyncLockFolderError,
  withSyncLock,
  type BatchLimits,
  type SyncProgress,
  type SyncReport,
} from './syncRun';

export { describePlan, describeReport } from './syncReportText';
export type { SyncPlan } from './syncPlan';
export type { SyncProgress, SyncReport } from './syncRun';

/**
 * The steps of the sync/deploy flow shared by the CLI and the VS Code client (ARCHITECTURE.md "Sync and deploy"):
 * prepare (read, refuse, check the key) → plan (list names) → run (batches under the project lock); syncProject.ts
 * puts the steps after prepare together. Plain functions: no console, no process exit, no 'vscode'. Values live only in `PreparedSync.values` and the
 * upsert body; every message here names files, lines, keys and counts.
 */

/**
 * Why a sync was refused before anything was sent. The first four are decided here; 'untrusted' and 'unsaved'
 * belong to the editor (workspace trust, dirty buffers), which throws them itself; 'locked' comes from runSync.
 */
export type SyncRefusalReason =
  'no-file' | 'unreadable' | 'file-errors' | 'no-api-key' | 'wrong-key' | 'untrusted' | 'unsaved' | 'locked';

/** One offending line of the .env file: what made the sync refuse. */
export interface SyncProblem {
  /** 1-based. */
  readonly line: number;
  /** A diagnostic code: invalid-key, malformed-line or unterminated-quote. */
  readonly code: string;
}

/** Nothing was sent. The message says why and what to do; it never holds a value or an API key. */
export class SyncRefusedError extends Error {
  override readonly name = 'SyncRefusedError';

  constructor(
    readonly reason: SyncRefusalReason,
    message: string,
    readonly problems: readonly SyncProblem[] = [],
  ) {
    super(message);
  }
}

export interface PreparedSync {
  readonly projectRoot: string;
  readonly environment: WritableEnvironment;
  /** Absolute path of the .env file that was read. */
  readonly filePath: string;
  /** `.env.development` / `.env.production`. */
  readonly fileName: string;
  /** Exactly what `dotenv.parse` yields for the file: the only values that will be sent. */
  readonly values: ReadonlyMap<string, string>;
  /** Keys whose line dotenv reads differently from how it looks (`dotenv-misread`). */
  readonly misread: readonly string[];
}

export interface PrepareSyncOptions {
  /** The folder holding struere.json (and the .env files). */
  readonly projectRoot: string;
  readonly environment: WritableEnvironment;
  readonly apiKey: string | undefined;
  /** The size limit every reader of the file applies (struere.files.maxSizeKB); the default when omitted. */
  readonly maxFileBytes?: number;
}

/** The environment variable the CLI reads a key from; the default hint of the 'no-api-key' refusal. */
export const API_KEY_VARIABLES: Readonly<Record<WritableEnvironment, string>> = {
  development: 'STRUERE_API_KEY_DEVELOPMENT',
  production: 'STRUERE_API_KEY_PRODUCTION',
};

/**
 * Reads `.env.<environment>` from disk and decides whether it may be sent. Refuses (SyncRefusedError, nothing
 * sent) on a missing file; on any error diagnostic of the file (invalid-key, malformed-line,
 * unterminated-quote: dotenv would drop or mangle data), naming every offending line; on a missing API key;
 * and on a key whose prefix names another environment (the API would write the wrong one).
 */
export async function prepareSync(options: PrepareSyncOptions): Promise<PreparedSync> {
  const { environment, apiKey } = options;
  const projectRoot = path.resolve(options.projectRoot);
  const fileName = ENV_FILE_NAMES[environment];
  const filePath = path.join(projectRoot, fileName);
  const verb = environment === 'production' ? 'deploy' : 'sync';

  // The one verdict every reader shares (size limit, regular files only, links out of the project refused);
  // decoded as the editor shows it (BOM dropped, invalid UTF-8 as U+FFFD), so lines and values match the buffer.
  const read = await readEnvFile(filePath, projectRoot, options.maxFileBytes ?? DEFAULT_SETTINGS.maxFileBytes);
  if (read.kind === 'missing') {
    throw new SyncRefusedError(
      'no-file',
      `there is no ${fileName} in ${projectRoot}: nothing to ${verb} to ${environment}; nothing was sent`,
    );
  }
  if (read.kind === 'unreadable')
    throw new SyncRefusedError(
      'unreadable',
      `${fileName} in ${projectRoot} could not be read (${read.reason}); nothing was sent`,
    );
  if (read.kind !== 'text') {
    const problems = [{ line: 1, code: 'file-too-large' }];
    throw new SyncRefusedError(
      'file-errors',
      `${fileName} is ${Math.round(read.bytes / 1024)} KB, over the size limit (file-too-large); nothing was sent`,
      problems,
    );
  }
  const text = read.text;

  const problems = fileProblems(text);
  if (problems.length > 0)
    throw new SyncRefusedError('file-errors', describeFileProblems(fileName, problems), problems);

  if (apiKey === undefined || apiKey === '') {
    throw new SyncRefusedError(
      'no-api-key',
      `no API key for ${environment}: set ${API_KEY_VARIABLES[environment]} (or STRUERE_API_KEY) to a key starting with ${API_KEY_PREFIX[environment]}; nothing was sent`,
    );
  }
  const keyEnvironment = environmentOfApiKey(apiKey);
  if (keyEnvironment !== environment) {
    const actual =
      keyEnvironment === undefined
        ? 'has no known prefix'
        : `is a ${keyEnvironment} key (${API_KEY_PREFIX[keyEnvironment]}…)`;
    throw new SyncRefusedError(
      'wrong-key',
      `the API key for ${environment} must start with ${API_KEY_PREFIX[environment]}, but the one given ${actual}; nothing was sent`,
    );
  }

  const values = new Map(Object.entries(dotenv.parse(text)));
  return { projectRoot, environment, filePath, fileName, values, misread: misreadKeys(text) };
}

/** Every line carrying an error diagnostic, sorted by line, one entry per (line, code). */
function fileProblems(text: string): SyncProblem[] {
  // The file's own diagnostics, judged by the rule table's blocksSync column (default severities: a user who
  // silences a code in the editor still cannot send a key the platform would never see).
  const file = envFileState('file:///sync/.env', text, undefined);
  const diagnostics = validateEnvFile(file, undefined, {
    environment: 'development',
    severity: {},
    maxFileBytes: Infinity,
  });
  const seen = new Set<string>();
  const problems: SyncProblem[] = [];
  for (const diagnostic of diagnostics) {
    const code = String(diagnostic.code);
    if (!isDiagnosticCode(code) || !SYNC_BLOCKING_CODES.has(code)) continue;
    const line = diagnostic.range.start.line;
    const id = `${line}\u0000${code}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push({ line: line + 1, code });
  }
  return problems.sort((a, b) => a.line - b.line || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** ".env.development has errors on lines 3, 7 (invalid-key, malformed-line); nothing was sent" */
function describeFileProblems(fileName: string, problems: readonly SyncProblem[]): string {
  const lines = [...new Set(problems.map((problem) => problem.line))];
  const codes = [...new Set(problems.map((problem) => problem.code))].sort();
  const where = lines.length === 1 ? `line ${lines[0]}` : `lines ${joinBounded(lines)}`;
  return `${fileName} has ${problems.length === 1 ? 'an error' : 'errors'} on ${where} (${codes.join(', ')}); nothing was sent`;
}

/**
 * Lists the names (and updatedAt) the key's environment holds and plans against the journal (syncPlan.ts); without
 * a journal every key the platform has is unverified.
 */
export async function planRemote(
  prepared: PreparedSync,
  client: Pick<ApiClient, 'listNames'>,
  signal?: AbortSignal,
  journal?: SyncJournal,
): Promise<SyncPlan> {
  const listed = await client.listNames(undefined, signal ? { signal } : {});
  const remote = new Map(listed.secrets.map((secret) => [secret.key, secret.updatedAt]));
  return planSync(prepared.values, remote, prepared.misread, journal);
}

export interface RunSyncOptions {
  /** Stops after the batch in flight; the report then says exactly what was written. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SyncProgress) => void;
  /** Smaller batches (tests, benchmarks); never above API.md's limits. */
  readonly limits?: Partial<BatchLimits>;
  /** Runs after the upload, still under the lock (the journal is recorded there, so two syncs never interleave). */
  readonly afterUpload?: (report: SyncReport) => Promise<void>;
}

/**
 * Upserts the prepared values in batches under the project's sync lock. Another sync of the same project in
 * this process runs first (this one waits); one in another process (the editor vs a terminal) refuses this
 * one: SyncRefusedError('locked'), nothing sent. Cancelled while waiting for the lock: a cancelled report
 * with every key not written.
 */
export async function runSync(
  prepared: PreparedSync,
  client: Pick<ApiClient, 'upsert'>,
  options: RunSyncOptions = {},
): Promise<SyncReport> {
  const { signal } = options;
  try {
    return await withSyncLock(
      prepared.projectRoot,
      async () => {
        const report = await executeSync({
          client,
          values: prepared.values,
          ...(signal ? { signal } : {}),
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
          ...(options.limits ? { limits: options.limits } : {}),
        });
        await options.afterUpload?.(report);
        return report;
      },
      signal ? { signal } : {},
    );
  } catch (error) {
    if (error instanceof SyncLockedError || error instanceof SyncLockFolderError) {
      throw new SyncRefusedError('locked', `${error.message}; nothing was sent`);
    }
    if (signal?.aborted && error === signal.reason) return cancelledBeforeStart(prepared);
    throw error;
  }
}

function cancelledBeforeStart(prepared: PreparedSync): SyncReport {
  return {
    environment: prepared.environment,
    written: [],
    notWritten: [...prepared.values.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    unknown: [],
    created: [],
    updated: [],
    mirrored: [],
    requests: 0,
    batches: 0,
    cancelled: true,
  };
}
