import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  compareCodeUnits,
  countOf,
  DEFAULT_SETTINGS,
  isValidKey,
  joinBounded,
  type WritableEnvironment,
} from '../../engine/core';
import { discoverTree } from '../../engine/host';
import { type ApiClient, ApiConfigError, createApiClient } from '../../engine/api';
import {
  everyKey,
  heldBack,
  type KeyChoice,
  type PreparedSync,
  prepareSync,
  type SyncOutcome,
  type SyncPlan,
  syncProject,
  SyncRefusedError,
  withOverwrites,
} from '../../engine/sync';
import { apiSettingsFrom } from './apiSettings';
import { escapeName } from './terminalText';
import { CliUsageError, oneOf, type CliIo } from './io';
import { clientOptionsOf, type RequestLimits } from './requestLimits';

export interface SyncOptions {
  dir: string;
  env: string | undefined;
  dryRun: boolean;
  yes: boolean;
  /** Held keys (kept, conflicting, unverified) to send anyway: the ones named, or all. */
  overwrite?: ReadonlySet<string> | 'all';
  /** Exit 1 when any held key was left unsent (for CI that wants to stop). */
  strict?: boolean;
  limits?: RequestLimits;
}

/** `--overwrite A,B` and `--overwrite-all` as one choice; both at once is a usage error. */
export function overwriteOf(list: string | undefined, all: boolean): ReadonlySet<string> | 'all' | undefined {
  if (all && list !== undefined) throw new CliUsageError('--overwrite and --overwrite-all exclude each other');
  if (all) return 'all';
  if (list === undefined) return undefined;
  const keys = list.split(',').map((key) => key.trim());
  if (keys.some((key) => !isValidKey(key)))
    throw new CliUsageError('--overwrite takes key names separated by commas (A_KEY,OTHER_KEY)');
  return new Set(keys);
}

interface ProjectToSync {
  readonly root: string;
  /** Relative to DIR, '/'-separated; '.' for DIR itself. */
  readonly label: string;
}

/**
 * `sync`: .env.development → development (mirrored to eval), or with `--env production` .env.production →
 * production (deploy: asks, or needs --yes). Every project under DIR in path order; every file is checked before
 * anything is sent, and the first refusal or failure stops the run. Exit 0 done, 1 refused or failed.
 * Output: plan, progress per batch and the report on stdout; refusals and failures on stderr. Names only.
 */
export async function syncCommand(options: SyncOptions, io: CliIo): Promise<number> {
  const environment = oneOf('env', options.env, ['development', 'production'] as const, 'development');
  const root = path.resolve(options.dir);
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new CliUsageError(`${escapeName(options.dir)} is not a folder`);
  const verb = environment === 'production' ? 'deploy' : 'sync';
  const refuse = (message: string): number => {
    io.err(`struere-secrets: ${verb} refused: ${escapeName(message)}`);
    return 1;
  };

  const projects = await projectsUnder(root);
  if (projects.length === 0) {
    io.err(`struere-secrets: no Struere project (struere.json) under ${options.dir}`);
    return 1;
  }

  // Every project's file and the key are checked before the first request, so a refusal sends nothing at all.
  const api = apiSettingsFrom(io.env);
  const apiKey = api.syncKey(environment);
  const prepared: { project: ProjectToSync; sync: PreparedSync }[] = [];
  for (const project of projects) {
    try {
      prepared.push({ project, sync: await prepareSync({ projectRoot: project.root, environment, apiKey }) });
    } catch (error) {
      if (!(error instanceof SyncRefusedError)) throw error;
      return refuse(projects.length > 1 ? `${project.label}: ${error.message}` : error.message);
    }
  }

  // A deploy that could not be confirmed is refused before any request: not even the key travels.
  const confirmable = options.yes || options.dryRun || (io.isInteractive && io.confirm !== undefined);
  if (environment === 'production' && !confirmable) {
    return refuse(
      'deploying to production needs confirmation and there is no terminal to ask; run with --yes to deploy. Nothing was sent.',
    );
  }

  let client: ApiClient;
  try {
    client = createApiClient({ baseUrl: api.apiUrl, apiKey: apiKey!, ...clientOptionsOf(options.limits) });
  } catch (error) {
    if (!(error instanceof ApiConfigError)) throw error;
    return refuse(`${error.message}; nothing was sent`);
  }
  try {
    for (const [index, { project, sync }] of prepared.entries()) {
      if (index > 0) io.out('');
      const code = await syncOne(project, sync, client, options, io, projects.length > 1);
      if (code !== 0) return code;
    }
    return 0;
  } finally {
    await client.close();
  }
}

/** One prepared project: its header line, then engine/sync's flow with the terminal's confirm and batch lines. */
async function syncOne(
  project: ProjectToSync,
  prepared: PreparedSync,
  client: ApiClient,
  options: SyncOptions,
  io: CliIo,
  many: boolean,
): Promise<number> {
  const { environment, fileName } = prepared;
  const verb = environment === 'production' ? 'deploy' : 'sync';
  const where = many ? `${project.label}: ` : '';
  const keyCount = prepared.values.size;
  io.out(
    `${verb} ${path.join(project.label, fileName).split(path.sep).join('/')} → ${targetName(environment)}: ${countOf(keyCount, 'key')}`,
  );

  let chosen: ReadonlySet<string> = new Set();
  const outcome = await syncProject(prepared, client, {
    confirm: async (plan) => {
      const choice = await confirmOnTerminal(plan, prepared, options, io);
      if (choice) chosen = choice;
      return choice;
    },
    progress: (_keyCount, upload) =>
      upload((p) =>
        io.out(`  batch ${p.batchesDone}/${p.batchesTotal}: ${p.keysWritten} of ${p.keysTotal} keys written`),
      ),
    log: (line) => io.out(escapeName(line)),
    signal: io.signal,
  });
  const code = printOutcome(outcome, prepared, where, options, io);
  return code === 0 && outcome.kind === 'ran' ? heldBackCode(heldBack(outcome.plan, chosen), where, options, io) : code;
}

/**
 * Kept, conflicting and unverified keys left unsent: named on stderr, so a `sync --yes` in CI says so; exit 0, or 1
 * with --strict.
 */
function heldBackCode(held: readonly string[], where: string, options: SyncOptions, io: CliIo): number {
  if (held.length === 0) return 0;
  io.err(
    `struere-secrets: ${where}${countOf(held.length, 'key')} not sent (kept, conflicting or unverified): ${joinBounded(held)}; send them with --overwrite KEY,… or --overwrite-all`,
  );
  return options.strict ? 1 : 0;
}

/** Each ending as the terminal's lines and an exit code: 0 done (or nothing to do), 1 not done. */
function printOutcome(
  outcome: SyncOutcome,
  prepared: PreparedSync,
  where: string,
  options: SyncOptions,
  io: CliIo,
): number {
  const { environment, fileName } = prepared;
  const verb = environment === 'production' ? 'deploy' : 'sync';
  switch (outcome.kind) {
    case 'list-failed':
      io.err(
        `struere-secrets: ${where}${verb} failed before writing anything: listing ${environment} names: ${escapeName(outcome.reason)}`,
      );
      return 1;
    case 'declined':
      if (options.dryRun) {
        io.out('dry run: nothing was sent');
        return 0;
      }
      if (prepared.values.size === 0) {
        io.out(`nothing to ${verb}: ${fileName} defines no keys`);
        return 0;
      }
      io.err(`struere-secrets: ${where}deploy cancelled at confirmation; nothing was sent`);
      return 1;
    case 'refused':
      io.err(`struere-secrets: ${where}${verb} refused: ${escapeName(outcome.error.message)}`);
      return 1;
    case 'ran':
      if (outcome.described.ok) {
        io.out(`${where}${escapeName(outcome.described.summary)}`);
        return 0;
      }
      io.err(`struere-secrets: ${where}${escapeName(outcome.described.summary)}`);
      for (const line of outcome.described.details) io.err(`  ${escapeName(line)}`);
      return 1;
  }
}

/** Every key, unless this is a dry run, there is nothing to send, or a deploy without --yes was declined. */
async function confirmOnTerminal(
  plan: SyncPlan,
  prepared: PreparedSync,
  options: SyncOptions,
  io: CliIo,
): Promise<KeyChoice> {
  if (options.dryRun || prepared.values.size === 0) return undefined;
  const keys = options.overwrite ? withOverwrites(plan, options.overwrite) : everyKey(plan);
  warnUnknownOverwrites(prepared, options, io);
  if (prepared.environment === 'production' && !options.yes && keys.size > 0) {
    const question = `Deploy ${countOf(keys.size, 'key')} to production? [y/N]`;
    // syncCommand refused earlier when there is no one to ask.
    if (io.confirm === undefined || !(await io.confirm(question))) return undefined;
  }
  return keys;
}

/** A name given to --overwrite that the file does not define: said on stderr, never silently ignored. */
function warnUnknownOverwrites(prepared: PreparedSync, options: SyncOptions, io: CliIo): void {
  if (!(options.overwrite instanceof Set)) return;
  const absent = [...options.overwrite].filter((key) => !prepared.values.has(key));
  if (absent.length > 0)
    io.err(`struere-secrets: --overwrite names keys ${prepared.fileName} does not define: ${absent.join(', ')}`);
}

function targetName(environment: WritableEnvironment): string {
  return environment === 'development' ? 'development (mirrored to eval)' : 'production';
}

/** Folders holding struere.json under `root`, in path order. */
async function projectsUnder(root: string): Promise<ProjectToSync[]> {
  const tree = await discoverTree(root, DEFAULT_SETTINGS);
  return tree.projectRoots
    .map((projectRoot) => ({
      root: projectRoot,
      label: escapeName(path.relative(root, projectRoot).split(path.sep).join('/') || '.'),
    }))
    .sort((a, b) => compareCodeUnits(a.label, b.label));
}
