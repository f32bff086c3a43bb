import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import {
  countOf,
  DEFAULT_SETTINGS,
  escapeName,
  type Environment,
  type SecretsService,
  type ServerSettings,
} from '../core';
import { openSecretsService, uriToPath, WorkspaceHost } from '../host';
import { NO_UNSAVED_BUFFERS, type UnsavedBuffers } from './agentTools';

/** One diagnostic as `check` and the agent tools report it: 1-based lines and columns, path relative to the folder checked. */
export interface ReportedDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning' | 'information' | 'hint';
  code: string;
  message: string;
}

const SEVERITY_NAMES = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'information',
  [DiagnosticSeverity.Hint]: 'hint',
} as const;

/** A workspace loaded for `check` or `secrets_check`: its host, its service and the folders of its projects. */
export interface LoadedWorkspace {
  readonly host: WorkspaceHost;
  readonly service: SecretsService;
  /** The folders of the projects found, absolute. */
  readonly projectRoots: readonly string[];
}

/**
 * Loads `folders` as one workspace with `environment` selected; nothing is sent anywhere. `scan` gives the files
 * read and their severities: the defaults for the CLI, the user's settings in the editor (so an agent's check
 * sees the files and codes the editor shows); `unsaved`, the editor's buffers that differ from the disk.
 */
export async function loadWorkspace(
  folders: readonly string[],
  environment: Environment,
  scan: ServerSettings = DEFAULT_SETTINGS,
  unsaved: UnsavedBuffers = NO_UNSAVED_BUFFERS,
): Promise<LoadedWorkspace> {
  const settings = { ...scan, environment };
  const host = new WorkspaceHost(settings, { openText: (uri) => unsaved.get(uri) });
  for (const folder of folders) await host.loadFolder(folder);
  const service = openSecretsService(host);
  applyUnsaved(service, unsaved);
  service.configure(settings);
  const projectRoots = host.index.allProjects().map((project) => uriToPath(project.rootUri));
  return { host, service, projectRoots };
}

/**
 * Every diagnostic of a loaded workspace, paths relative to `root`, once `fillRemote` has filled the remote lists
 * ("set" means local ∪ remote, as in the editor: with a key the remote lists count, without one they are unknown)
 * and the background secret scan has found every hard-coded credential. The front end decides before calling this
 * whether the workspace may be checked at all: filling the remote lists sends requests.
 */
export async function diagnoseLoaded(
  loaded: LoadedWorkspace,
  root: string,
  fillRemote: (service: SecretsService) => Promise<unknown>,
  includes: (filePath: string) => boolean = () => true,
): Promise<ReportedDiagnostic[]> {
  await fillRemote(loaded.service);
  await loaded.host.leakScanner.idle();
  return collectDiagnostics(loaded.service, root, includes);
}

/**
 * The key a diagnostic names (its data: the key, or the name a hard-coded credential's fix suggests), kept beside
 * the reported shape rather than in it: the JSON report's fields are a contract, and only the baseline reads this.
 */
const KEYS = new WeakMap<ReportedDiagnostic, string>();

/** The key `diagnostic` names, '' when none; for diagnostics made by collectDiagnostics. */
export function keyOfDiagnostic(diagnostic: ReportedDiagnostic): string {
  return KEYS.get(diagnostic) ?? '';
}

/**
 * Every diagnostic of the indexed files `includes` (absolute path) keeps, sorted by file and position; paths
 * relative to `root`. Files left out are not diagnosed: a check of one file costs that file, not the workspace.
 */
export function collectDiagnostics(
  service: SecretsService,
  root: string,
  includes: (filePath: string) => boolean = () => true,
): ReportedDiagnostic[] {
  const result: ReportedDiagnostic[] = [];
  for (const uri of service.indexedFiles()) {
    const filePath = uriToPath(uri);
    if (!includes(filePath)) continue;
    const file = path.relative(root, filePath).split(path.sep).join('/');
    for (const diagnostic of service.diagnose(uri)) {
      const shown = toReportedDiagnostic(file, diagnostic);
      const data = diagnostic.data as { key?: unknown; suggestedKey?: unknown } | undefined;
      const key = typeof data?.key === 'string' ? data.key : data?.suggestedKey;
      if (typeof key === 'string') KEYS.set(shown, key);
      result.push(shown);
    }
  }
  return result.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

function toReportedDiagnostic(file: string, diagnostic: Diagnostic): ReportedDiagnostic {
  return {
    file,
    line: diagnostic.range.start.line + 1,
    column: diagnostic.range.start.character + 1,
    endLine: diagnostic.range.end.line + 1,
    endColumn: diagnostic.range.end.character + 1,
    severity: SEVERITY_NAMES[diagnostic.severity ?? DiagnosticSeverity.Error],
    code: String(diagnostic.code),
    message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
  };
}

/** How many diagnostics the text format prints; the rest are counted, and `--format json` lists them all. */
export const TEXT_DIAGNOSTICS_LIMIT = 200;

/** eslint-like text: a block per file (at most TEXT_DIAGNOSTICS_LIMIT diagnostics), then a summary line. */
export function formatDiagnosticsText(
  diagnostics: readonly ReportedDiagnostic[],
  environment: Environment,
  projects: number,
  limit = TEXT_DIAGNOSTICS_LIMIT,
): string {
  const lines: string[] = [];
  let current: string | undefined;
  for (const d of diagnostics.slice(0, limit)) {
    if (d.file !== current) {
      if (current !== undefined) lines.push('');
      lines.push(escapeName(d.file));
      current = d.file;
    }
    lines.push(
      `  ${`${d.line}:${d.column}`.padEnd(7)}  ${(d.severity === 'information' ? 'info' : d.severity).padEnd(7)}  ${escapeName(d.message)}  ${d.code}`,
    );
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const others = diagnostics.length - errors - warnings;
  if (diagnostics.length > limit)
    lines.push('', `… and ${diagnostics.length - limit} more (--format json lists them all)`);
  if (lines.length > 0) lines.push('');
  const unread = new Set(diagnostics.filter((d) => d.code === 'unreadable-file').map((d) => d.file)).size;
  const scope = `${countOf(projects, 'project')}, environment ${environment}${unread > 0 ? `; could not read ${countOf(unread, 'file')}` : ''}`;
  lines.push(
    diagnostics.length === 0
      ? `✔ no problems (${scope})`
      : `✖ ${countOf(diagnostics.length, 'problem')} (${countOf(errors, 'error')}, ${countOf(warnings, 'warning')}${others > 0 ? `, ${others} info` : ''}) (${scope})`,
  );
  return lines.join('\n');
}

/** The editor's unsaved buffers over what the disk said, as the language server takes an open buffer in. */
export function applyUnsaved(service: SecretsService, unsaved: UnsavedBuffers): void {
  for (const [uri, text] of unsaved) service.updateDocument(uri, text);
}
