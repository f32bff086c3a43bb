import type { Diagnostic, Position, Range } from 'vscode-languageserver-types';
import { makeDiagnostic, type SeverityOverrides } from '../rules/diagnosticRules';
import type { ValueDefinition } from './dictionary';
import { ruleName, suggestedKeyName } from './secretScan';
import type { EnvFileState, ProjectState } from '../model/workspaceIndex';
import { isTemplateEnvFile } from '../model/gitignore';

/**
 * `leaked-value` and `hardcoded-secret` for one committed file. The caller decides "committed" (the host reads
 * .gitignore) and asks only for files that have hits, so the git question is asked for few files.
 * Messages name keys, env files, lines and secretlint rules; the matched text never leaves the model.
 */
export function validateLeaks(uri: string, project: ProjectState, severity: SeverityOverrides): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const leaked: Range[] = [];
  for (const hit of leakHitsOf(uri, project)) {
    const definitions = project.leakValues.definitions.get(hit.value);
    // A value removed from the env files since the scan: the rescan is on its way, and it is no leak now.
    if (!definitions) continue;
    // An encoded copy names its form, never the encoded text: the message says what decoding it would give back.
    const diagnostic = makeDiagnostic(
      'leaked-value',
      hit.range,
      { definedAs: describeDefinitions(definitions), ...(hit.form ? { form: hit.form } : {}) },
      severity,
      { key: definitions[0].key, ...(hit.form ? { form: hit.form } : {}) },
    );
    if (diagnostic) {
      diagnostics.push(diagnostic);
      leaked.push(hit.range);
    }
  }
  for (const finding of project.secretFindings.get(uri) ?? []) {
    // A credential that is an env value too is reported once, as `leaked-value`: it names the key and its fix
    // writes the existing reference, where Move to .env.development would store the value a second time.
    if (leaked.some((range) => overlaps(range, finding.range))) continue;
    const diagnostic = makeDiagnostic(
      'hardcoded-secret',
      finding.range,
      { kind: finding.kind, rule: ruleName(finding.ruleId) },
      severity,
      { suggestedKey: suggestedKeyName(finding) },
    );
    if (diagnostic) diagnostics.push(diagnostic);
  }
  return diagnostics;
}

function overlaps(a: Range, b: Range): boolean {
  return before(a.start, b.end) && before(b.start, a.end);
}

function before(p: Position, q: Position): boolean {
  return p.line < q.line || (p.line === q.line && p.character < q.character);
}

/** Whether the file has anything to report, so the host need not ask git about the others. */
export function hasLeakFindings(uri: string, project: ProjectState): boolean {
  return leakHitsOf(uri, project).length > 0 || project.secretFindings.has(uri);
}

/** Agent files keep their hits; an env template's are found in its kept text (templates are few and small). */
function leakHitsOf(uri: string, project: ProjectState) {
  const agentFile = project.agentFiles.get(uri);
  if (agentFile) return agentFile.leaks;
  const envFile = project.envFiles.get(uri);
  return envFile && envFile.environment === undefined ? templateLeaks(envFile, project) : [];
}

function templateLeaks(file: EnvFileState, project: ProjectState) {
  if (!isTemplateEnvFile(file.fileName)) return [];
  const text = file.lineIndex.text;
  return project.leakValues.find(text).map((hit) => ({ ...hit, range: file.lineIndex.rangeOf(hit.start, hit.end) }));
}

const MAX_NAMED = 3;

function describeDefinitions(definitions: readonly ValueDefinition[]): string {
  const named = definitions
    .slice(0, MAX_NAMED)
    .map((definition) => `${definition.key} (${definition.fileName} line ${definition.line + 1})`);
  const more = definitions.length - named.length;
  return named.join(', ') + (more > 0 ? ` and ${more} more` : '');
}
