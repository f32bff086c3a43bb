import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { compareCodeUnits, DEFAULT_SETTINGS, joinBounded, type WritableEnvironment } from '../../engine/core';
import { discoverTree } from '../../engine/host';
import { type ApiClient, ApiConfigError, createApiClient } from '../../engine/api';
import {
  describeApiError,
  describePlan,
  describeReport,
  planRemote,
  type PreparedSync,
  prepareSync,
  runSync,
  SyncRefusedError,
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
  limits?: RequestLimits;
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
export async function runSyncCommand(options: SyncOptions, io: CliIo): Promise<number> {
  const environment = oneOf('env', options.env, ['development', 'production'] as const, 'development');
  const root = path.resolve(options.dir);
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new CliUsageError(`${options.dir} is not a folder`);
  const verb = environment === 'production' ? 'deploy' : 'sync';
  const refuse = (message: string): number => {
    io.err(`struere-secrets: ${verb} refused: ${message}`);
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
  const target = targetName(environment);
  const where = many ? `${project.label}: ` : '';
  const keyCount = prepared.values.size;
  io.out(
    `${verb} ${path.join(project.label, fileName).split(path.sep).join('/')} → ${target}: ${keyCount} key${keyCount === 1 ? '' : 's'}`,
  );

  let plan;
  try {
    plan = await planRemote(prepared, client, io.signal);
  } catch (error) {
    io.err(
      `struere-secrets: ${where}${verb} failed before writing anything: listing ${environment} names: ${describeApiError(error)}`,
    );
    return 1;
  }
  io.out(`plan: ${describePlan(plan)}`);
  if (plan.create.length > 0) io.out(`  create: ${joinBounded(plan.create)}`);
  if (plan.update.length > 0) io.out(`  update: ${joinBounded(plan.update)}`);
  if (plan.remoteOnly.length > 0) io.out(`  remote-only, kept: ${joinBounded(plan.remoteOnly)}`);

  if (options.dryRun) {
    io.out('dry run: nothing was sent');
    return 0;
  }
  if (keyCount === 0) {
    io.out(`nothing to ${verb}: ${fileName} defines no keys`);
    return 0;
  }
  if (environment === 'production' && !options.yes) {
    const question = `Deploy ${keyCount} key${keyCount === 1 ? '' : 's'} to production? [y/N]`;
    // runSyncCommand refused earlier when there is no one to ask.
    if (io.confirm === undefined || !(await io.confirm(question))) {
      io.err(`struere-secrets: ${where}deploy cancelled at confirmation; nothing was sent`);
      return 1;
    }
  }

  let report;
  try {
    report = await runSync(prepared, client, {
      ...(io.signal ? { signal: io.signal } : {}),
      onProgress: (p) =>
        io.out(`  batch ${p.batchesDone}/${p.batchesTotal}: ${p.keysWritten} of ${p.keysTotal} keys written`),
    });
  } catch (error) {
    if (!(error instanceof SyncRefusedError)) throw error;
    io.err(`struere-secrets: ${where}${verb} refused: ${error.message}`);
    return 1;
  }
  const described = describeReport(report, environment, plan);
  if (described.ok) {
    io.out(`${where}${described.summary}`);
    return 0;
  }
  io.err(`struere-secrets: ${where}${described.summary}`);
  for (const line of described.details) io.err(`  ${line}`);
  return 1;
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
