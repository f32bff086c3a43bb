import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  compareCodeUnits,
  formatStatusText,
  type RemoteNamesByEnvironment,
  type StatusRow,
  type WritableEnvironment,
} from '../../engine/core';
import type { RemoteChange } from '../../engine/sync';
import { uriToPath } from '../../engine/host';
import { loadForStatus, projectName, relativePath, remoteSummary, type RemoteSummary } from '../../engine/tools';
import { escapeName } from './terminalText';
import { apiSettingsFrom, type CliApiSettings } from './apiSettings';
import { CliUsageError, oneOf, type CliIo } from './io';
import type { RequestLimits } from './requestLimits';
import { fillRemoteNames } from './remoteNames';
import { platformChangeLines, platformChanges } from './platformChanges';

export interface StatusOptions {
  dir: string;
  format: string | undefined;
  limits?: RequestLimits;
}

/** One project in `status --format json`. */
export interface StatusJsonProject {
  /** Relative to DIR, '/'-separated; '.' for DIR itself. */
  path: string;
  /** struere.json's "name", else the folder's name. */
  name: string;
  remote: RemoteSummary;
  keys: StatusRow[];
  /** Keys the platform changed after this machine's last sync, per environment; only when there are some. */
  changedOnPlatform?: Partial<Record<WritableEnvironment, RemoteChange[]>>;
}

/** What `status` finds under a folder: one entry per project, and the remote lists every project shares. */
export interface StatusReport {
  readonly projects: StatusJsonProject[];
  readonly remote: RemoteNamesByEnvironment;
}

/**
 * `status`: keys × environments for every project under DIR: local file, remote list (filled when a key is
 * available), references. Informational: exit 0 whenever it could look.
 */
export async function runStatus(options: StatusOptions, io: CliIo): Promise<number> {
  const format = oneOf('format', options.format, ['text', 'json'] as const, 'text');
  const root = path.resolve(options.dir);
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new CliUsageError(`${options.dir} is not a folder`);

  const report = await readStatus(root, apiSettingsFrom(io.env), io, options.limits);
  if (report === undefined) {
    io.err(`struere-secrets: no Struere project (struere.json) under ${options.dir}`);
    return 1;
  }
  if (format === 'json') {
    io.out(JSON.stringify({ projects: report.projects }, null, 2));
    return 0;
  }
  const blocks = report.projects.map((result) =>
    [
      `${escapeName(result.name)} (${escapeName(result.path)})`,
      '',
      formatStatusText(result.keys, report.remote),
      ...platformChangeLines(result.changedOnPlatform ?? {}),
    ].join('\n'),
  );
  io.out(blocks.join('\n\n'));
  return 0;
}

/**
 * Keys × environments of every project under the folder `root` (absolute), with the remote lists filled as
 * `api` allows; undefined when there is no project.
 */
export async function readStatus(
  root: string,
  api: CliApiSettings,
  io: CliIo,
  limits?: RequestLimits,
): Promise<StatusReport | undefined> {
  const { service, projects } = await loadForStatus(root);
  if (projects.length === 0) return undefined;
  const remote = await fillRemoteNames(service, api, io, root, limits);
  const fresh = (environment: WritableEnvironment): boolean => remote[environment].state === 'fresh';
  const changes = await platformChanges(api, projects.map(uriToPath), fresh, limits);
  const results: StatusJsonProject[] = [];
  for (const projectUri of projects) {
    const projectRoot = uriToPath(projectUri);
    results.push({
      path: relativePath(root, projectRoot),
      name: await projectName(projectRoot),
      remote: remoteSummary(remote),
      keys: service.statusRows(projectUri) ?? [],
      ...changedOf(changes.get(projectRoot)),
    });
  }
  results.sort((a, b) => compareCodeUnits(a.path, b.path));
  return { projects: results, remote };
}

function changedOf(
  changes: Partial<Record<WritableEnvironment, RemoteChange[]>> | undefined,
): Pick<StatusJsonProject, 'changedOnPlatform'> {
  return changes && Object.keys(changes).length > 0 ? { changedOnPlatform: changes } : {};
}
