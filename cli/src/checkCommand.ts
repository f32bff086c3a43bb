import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ENVIRONMENTS } from '../../engine/core/environments';
import { DEFAULT_SETTINGS } from '../../engine/core/settings';
import { PROJECT_MANIFEST } from '../../engine/host/discover';
import { openSecretsService } from '../../engine/host/serviceHost';
import { WorkspaceHost } from '../../engine/host/workspaceHost';
import { apiSettingsFrom } from './apiSettings';
import { collectDiagnostics, formatDiagnosticsText } from './diagnosticsReport';
import { CliUsageError, oneOf, type CliIo } from './io';
import { fillRemoteNames } from './remoteNames';
import { escapeName } from './terminalText';

export interface CheckOptions {
  /** Folders and files (a pre-commit hook passes the staged files); a file reports its own diagnostics only. */
  paths: readonly string[];
  env: string | undefined;
  format: string | undefined;
}

/** `check`: every diagnostic of every project under the folders given (or of the files given); exit 1 when any is an error. */
export async function runCheck(options: CheckOptions, io: CliIo): Promise<number> {
  const environment = oneOf('env', options.env, ENVIRONMENTS, 'development');
  const format = oneOf('format', options.format, ['text', 'json'] as const, 'text');
  const targets = await resolveTargets(options.paths);
  // Paths print relative to the one folder given, else to the working directory.
  const root = targets.length === 1 && targets[0].isFolder ? targets[0].path : process.cwd();

  const settings = { ...DEFAULT_SETTINGS, environment };
  const host = new WorkspaceHost(settings);
  for (const folder of new Set(targets.map((target) => target.folder))) await host.loadFolder(folder);
  const projects = host.index.allProjects().length;
  if (projects === 0) {
    io.err(
      `struere-secrets: no Struere project (struere.json) under ${(options.paths.length > 0 ? options.paths : ['.']).map(escapeName).join(', ')}`,
    );
    return 1;
  }
  // "Set" means local ∪ remote, as in the editor: with a key the remote lists count, without one they are unknown.
  const service = openSecretsService(host);
  service.configure(settings);
  await fillRemoteNames(service, apiSettingsFrom(io.env), io, root);
  // hardcoded-secret findings are computed in the background: all of them before the report.
  await host.leakScanner.idle();
  const files = targets.filter((target) => !target.isFolder).map((target) => target.path);
  const diagnostics = collectDiagnostics(service, root).filter(
    (diagnostic) => files.length === 0 || files.includes(path.resolve(root, diagnostic.file)),
  );
  io.out(
    format === 'json'
      ? JSON.stringify({ diagnostics }, null, 2)
      : formatDiagnosticsText(diagnostics, environment, projects),
  );
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error') ? 1 : 0;
}

interface CheckTarget {
  /** Absolute path as given. */
  readonly path: string;
  readonly isFolder: boolean;
  /** What to load: the folder itself, or the project folder (nearest struere.json) enclosing the file. */
  readonly folder: string;
}

async function resolveTargets(paths: readonly string[]): Promise<CheckTarget[]> {
  const targets: CheckTarget[] = [];
  for (const given of paths.length > 0 ? paths : ['.']) {
    const absolute = path.resolve(given);
    const stat = await fs.stat(absolute).catch(() => undefined);
    if (stat?.isDirectory()) targets.push({ path: absolute, isFolder: true, folder: absolute });
    else if (stat?.isFile()) {
      const folder = await enclosingProject(path.dirname(absolute));
      if (folder === undefined) throw new CliUsageError(`${given} is in no Struere project (no struere.json above it)`);
      targets.push({ path: absolute, isFolder: false, folder });
    } else throw new CliUsageError(`${given} is not a file or folder`);
  }
  return targets;
}

async function enclosingProject(start: string): Promise<string | undefined> {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (await fs.stat(path.join(dir, PROJECT_MANIFEST)).catch(() => undefined)) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}
