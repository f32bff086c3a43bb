import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { Environment } from '../../engine/core/environments';
import { hasLeakFindings, validateLeaks } from '../../engine/core/leakDiagnostics';
import { validateParity } from '../../engine/core/parity';
import { validateEnvFile, validateSourceFile, type ValidationSettings } from '../../engine/core/validation';
import { uriToPath, type WorkspaceHost } from '../../engine/host/workspaceHost';

/** One diagnostic as the CLI prints it: 1-based lines and columns, path relative to the folder checked. */
export interface CliDiagnostic {
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

/** Every diagnostic of every project the host loaded, sorted by file and position. */
export function collectDiagnostics(host: WorkspaceHost, root: string, settings: ValidationSettings): CliDiagnostic[] {
  const result: CliDiagnostic[] = [];
  const add = (uri: string, diagnostics: readonly Diagnostic[]) => {
    const file = path.relative(root, uriToPath(uri)).split(path.sep).join('/');
    for (const diagnostic of diagnostics) {
      result.push({
        file,
        line: diagnostic.range.start.line + 1,
        column: diagnostic.range.start.character + 1,
        endLine: diagnostic.range.end.line + 1,
        endColumn: diagnostic.range.end.character + 1,
        severity: SEVERITY_NAMES[diagnostic.severity ?? DiagnosticSeverity.Error],
        code: String(diagnostic.code),
        message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
      });
    }
  };
  for (const project of host.index.allProjects()) {
    // h-leaks: only files with findings ask git whether they would be committed.
    const leaks = (uri: string) =>
      hasLeakFindings(uri, project) && host.isCommitted(uri) ? validateLeaks(uri, project, settings.severity) : [];
    for (const file of project.envFiles.values()) {
      add(file.uri, [
        ...validateEnvFile(file, host.gitIgnored.get(file.uri), settings),
        ...validateParity(file, project, settings.severity),
        ...leaks(file.uri),
      ]);
    }
    for (const source of project.sourceFiles.values())
      add(source.uri, [...validateSourceFile(source, project, settings), ...leaks(source.uri)]);
  }
  return result.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/** eslint-like text: a block per file, then a summary line. */
export function formatDiagnosticsText(
  diagnostics: readonly CliDiagnostic[],
  environment: Environment,
  projects: number,
): string {
  const lines: string[] = [];
  let current: string | undefined;
  for (const d of diagnostics) {
    if (d.file !== current) {
      if (current !== undefined) lines.push('');
      lines.push(d.file);
      current = d.file;
    }
    lines.push(
      `  ${`${d.line}:${d.column}`.padEnd(7)}  ${(d.severity === 'information' ? 'info' : d.severity).padEnd(7)}  ${d.message}  ${d.code}`,
    );
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const others = diagnostics.length - errors - warnings;
  if (lines.length > 0) lines.push('');
  const scope = `${projects} project${projects === 1 ? '' : 's'}, environment ${environment}`;
  lines.push(
    diagnostics.length === 0
      ? `✔ no problems (${scope})`
      : `✖ ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${others > 0 ? `, ${others} info` : ''}) (${scope})`,
  );
  return lines.join('\n');
}
