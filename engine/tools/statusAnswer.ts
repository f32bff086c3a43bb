import * as path from 'node:path';
import {
  compareCodeUnits,
  DEFAULT_SETTINGS,
  ENVIRONMENTS,
  formatStatusText,
  type RemoteNameList,
  type RemoteNamesByEnvironment,
  type SecretsService,
  type ServerSettings,
  type StatusRow,
} from '../core';
import { openSecretsService, PROJECT_MANIFEST, readTextFile, uriToPath, WorkspaceHost } from '../host';
import {
  AgentToolRefusal,
  NO_UNSAVED_BUFFERS,
  relativePath,
  type AgentAnswer,
  type FillRemoteNames,
  type UnsavedBuffers,
} from './agentTools';
import { applyUnsaved } from './diagnosticsReport';

/** Each environment's list state, its reason when unknown, and how many names it holds when known. */
export type RemoteSummary = Record<
  string,
  { state: RemoteNameList['state']; reason?: string; count?: number; dropped?: number }
>;

export function remoteSummary(remote: RemoteNamesByEnvironment): RemoteSummary {
  return Object.fromEntries(
    ENVIRONMENTS.map((environment) => {
      const list = remote[environment];
      return [
        environment,
        {
          state: list.state,
          ...(list.reason ? { reason: list.reason } : {}),
          ...(list.state === 'unknown' ? {} : { count: list.names.size }),
          ...(list.dropped ? { dropped: list.dropped } : {}),
        },
      ];
    }),
  );
}

const MANIFEST_MAX_BYTES = 64 * 1024;

/** The "name" of struere.json, when it has one; the folder's name otherwise. */
export async function projectName(projectRoot: string): Promise<string> {
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

interface StatusKey {
  readonly key: string;
  readonly referencedIn: string[];
  readonly environments: StatusRow['environments'];
}

/**
 * The workspace under `root` loaded for a status (`status`, `secrets_status`): its service and project URIs.
 * Status reports names and presence, never a diagnostic: no secretlint pass over every file read (it was about a
 * quarter of `status` at 10k files, and the process waited for it before exiting).
 */
export async function loadForStatus(
  root: string,
  scan: ServerSettings = DEFAULT_SETTINGS,
  unsaved: UnsavedBuffers = NO_UNSAVED_BUFFERS,
): Promise<{ service: SecretsService; projects: string[] }> {
  const host = new WorkspaceHost(scan, { scanAgentFilesOnRead: false, openText: (uri) => unsaved.get(uri) });
  await host.loadFolder(root);
  const service = openSecretsService(host);
  applyUnsaved(service, unsaved);
  return { service, projects: service.projects() };
}

/**
 * `secrets_status`: keys × environments of every project under `root` (absolute, links resolved) — set in the
 * local file, on the platform, or unknown — and the files referencing each key. The status rows carry states
 * only, never a value. `scan` gives the files read, `unsaved` the editor's buffers (see loadWorkspace).
 */
export async function statusAnswer(
  root: string,
  fillRemote: FillRemoteNames,
  scan: ServerSettings = DEFAULT_SETTINGS,
  unsaved: UnsavedBuffers = NO_UNSAVED_BUFFERS,
): Promise<AgentAnswer> {
  const { service, projects: projectUris } = await loadForStatus(root, scan, unsaved);
  if (projectUris.length === 0) throw new AgentToolRefusal('no Struere project (struere.json) in the workspace');
  const listsOf = await fillRemote(service);
  const projects = [];
  for (const projectUri of projectUris) {
    const projectRoot = uriToPath(projectUri);
    const rows = service.statusRows(projectUri) ?? [];
    const keys: StatusKey[] = rows.map(({ key, environments }) => ({
      key,
      referencedIn: service.referencingFiles(projectUri, key).map((uri) => relativePath(root, uriToPath(uri))),
      environments,
    }));
    projects.push({
      projectUri,
      rows,
      path: relativePath(root, projectRoot),
      name: await projectName(projectRoot),
      remote: remoteSummary(listsOf(projectUri)),
      keys,
    });
  }
  projects.sort((a, b) => compareCodeUnits(a.path, b.path));
  const text = projects.map((project) =>
    [
      `${project.name} (${project.path})`,
      '',
      formatStatusText(project.rows, listsOf(project.projectUri)),
      ...referenceLines(project.keys),
    ].join('\n'),
  );
  return {
    text: text.join('\n\n'),
    structured: { projects: projects.map(({ projectUri: _uri, rows: _rows, ...project }) => project) },
  };
}

/** "KEY: a, b" for each referenced key: the text form of `referencedIn`. */
function referenceLines(keys: readonly StatusKey[]): string[] {
  const referenced = keys.filter((row) => row.referencedIn.length > 0);
  if (referenced.length === 0) return [];
  return ['', 'References:', ...referenced.map((row) => `  ${row.key}: ${row.referencedIn.join(', ')}`)];
}
