import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  compareCodeUnits,
  DEFAULT_SETTINGS,
  ENVIRONMENTS,
  formatStatusText,
  type RemoteNameList,
  type StatusRow,
  type WritableEnvironment,
} from '../../engine/core';
import type { RemoteChange } from '../../engine/sync';
import { openSecretsService, PROJECT_MANIFEST, readTextFile, uriToPath, WorkspaceHost } from '../../engine/host';
import { escapeName } from './terminalText';
import { apiSettingsFrom } from './apiSettings';
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
  remote: Record<string, { state: RemoteNameList['state']; reason?: string; count?: number }>;
  keys: StatusRow[];
  /** Keys the platform changed after this machine's last sync, per environment; only when there are some. */
  changedOnPlatform?: Partial<Record<WritableEnvironment, RemoteChange[]>>;
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

  const host = new WorkspaceHost(DEFAULT_SETTINGS);
  await host.loadFolder(root);
  const service = openSecretsService(host);
  const projects = service.projects();
  if (projects.length === 0) {
    io.err(`struere-secrets: no Struere project (struere.json) under ${options.dir}`);
    return 1;
  }
  const api = apiSettingsFrom(io.env);
  const remote = await fillRemoteNames(service, api, io, root, options.limits);
  const fresh = (environment: WritableEnvironment): boolean => remote[environment].state === 'fresh';
  const changes = await platformChanges(api, projects.map(uriToPath), fresh, options.limits);

  const results: StatusJsonProject[] = [];
  for (const projectUri of projects) {
    const projectRoot = uriToPath(projectUri);
    results.push({
      path: path.relative(root, projectRoot).split(path.sep).join('/') || '.',
      name: await projectName(projectRoot),
      remote: Object.fromEntries(
        ENVIRONMENTS.map((environment) => {
          const list = remote[environment];
          return [
            environment,
            {
              state: list.state,
              ...(list.reason ? { reason: list.reason } : {}),
              ...(list.state === 'unknown' ? {} : { count: list.names.size }),
            },
          ];
        }),
      ),
      keys: service.statusRows(projectUri) ?? [],
      ...changedOf(changes.get(projectRoot)),
    });
  }
  results.sort((a, b) => compareCodeUnits(a.path, b.path));

  if (format === 'json') {
    io.out(JSON.stringify({ projects: results }, null, 2));
    return 0;
  }
  const blocks = results.map((result) =>
    [
      `${escapeName(result.name)} (${escapeName(result.path)})`,
      '',
      formatStatusText(result.keys, remote),
      ...platformChangeLines(result.changedOnPlatform ?? {}),
    ].join('\n'),
  );
  io.out(blocks.join('\n\n'));
  return 0;
}

function changedOf(
  changes: Partial<Record<WritableEnvironment, RemoteChange[]>> | undefined,
): Pick<StatusJsonProject, 'changedOnPlatform'> {
  return changes && Object.keys(changes).length > 0 ? { changedOnPlatform: changes } : {};
}

const MANIFEST_MAX_BYTES = 64 * 1024;

/** The "name" of struere.json, when it has one; the folder's name otherwise. */
async function projectName(projectRoot: string): Promise<string> {
  // An unreadable or invalid manifest still marks a project; its folder name will do.
  const read = await readTextFile(path.join(projectRoot, PROJECT_MANIFEST), MANIFEST_MAX_BYTES, true);
  if (read.kind !== 'text') return path.basename(projectRoot);
  try {
    const manifest = JSON.parse(read.text) as { name?: unknown } | null;
    if (typeof manifest?.name === 'string' && manifest.name.trim() !== '') return manifest.name;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  return path.basename(projectRoot);
}
