import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { LineIndex } from '../base/text';
import { isDiagnosticCode, makeDiagnostic, type SeverityOverrides } from './diagnosticRules';

/**
 * Inline ignores: `struere-secrets-ignore CODE[,CODE] [-- reason]` in a comment silences those codes on its own
 * line and on the line below. The marker is found as text on the line, whatever the comment syntax (`#`, `//`,
 * `<!-- -->`, `/* *\/`), so every prompt and tool language works without a grammar; in an env file it must follow
 * a `#`, so a value that happens to hold the words is not an ignore. The ignores are worked out when a file's text
 * enters the model and applied in the service's `diagnose`, so the CLI and the language server honour the same
 * ones. An ignore that silences nothing, or names a code that does not exist, is itself reported (unused-ignore):
 * stale ignores must not pile up unseen.
 */

export const IGNORE_MARKER = 'struere-secrets-ignore';

export interface InlineIgnore {
  /** The 0-based line of the comment: it covers this line and the next. */
  readonly line: number;
  /** The marker and its codes, where unused-ignore points. */
  readonly range: Range;
  /** The codes named, in order, as written (unknown ones included: they are reported). */
  readonly codes: readonly string[];
}

/** A code as an ignore names it: letters, digits and `-`, starting with a letter (so `-->` or `--` is not one). */
const CODES = /^[ \t]+([A-Za-z][A-Za-z0-9-]*(?:[ \t]*,[ \t]*[A-Za-z][A-Za-z0-9-]*)*)/;

/**
 * The ignores of a file's text; `envFile` asks for a `#` before the marker. Nearly every file has none, and one
 * `includes` over the text is all it costs then.
 */
export function findInlineIgnores(text: string, envFile: boolean): InlineIgnore[] {
  if (!text.includes(IGNORE_MARKER)) return [];
  const lineIndex = new LineIndex(text);
  const ignores: InlineIgnore[] = [];
  for (let at = text.indexOf(IGNORE_MARKER); at !== -1; at = text.indexOf(IGNORE_MARKER, at + IGNORE_MARKER.length)) {
    const start = lineIndex.positionAt(at);
    if (envFile && !text.slice(at - start.character, at).includes('#')) continue;
    const after = at + IGNORE_MARKER.length;
    // The marker must stand alone: `struere-secrets-ignored` or `xstruere-secrets-ignore` is other text.
    if (/[A-Za-z0-9_-]/.test(text.charAt(after)) || (start.character > 0 && /[A-Za-z0-9_-]/.test(text.charAt(at - 1))))
      continue;
    const named = CODES.exec(text.slice(after, after + 2000));
    const codes = named ? named[1]!.split(',').map((code) => code.trim()) : [];
    const end = after + (named ? named[0].length : 0);
    ignores.push({ line: start.line, range: lineIndex.rangeOf(at, end), codes });
  }
  return ignores;
}

/**
 * The diagnostics left once the ignores have silenced theirs (a diagnostic counts on the line its range starts),
 * followed by one unused-ignore per ignore that silenced nothing or named a code that does not exist.
 */
export function applyInlineIgnores(
  diagnostics: readonly Diagnostic[],
  ignores: readonly InlineIgnore[] | undefined,
  severity: SeverityOverrides,
): Diagnostic[] {
  if (ignores === undefined || ignores.length === 0) return [...diagnostics];
  const used = ignores.map((ignore) => ignore.codes.map(() => false));
  const kept = diagnostics.filter((diagnostic) => {
    const line = diagnostic.range.start.line;
    let silenced = false;
    ignores.forEach((ignore, i) => {
      if (ignore.line !== line && ignore.line !== line - 1) return;
      ignore.codes.forEach((code, j) => {
        if (code !== diagnostic.code) return;
        used[i]![j] = true;
        silenced = true;
      });
    });
    return !silenced;
  });
  ignores.forEach((ignore, i) => {
    const unknown = ignore.codes.filter((code) => !isDiagnosticCode(code));
    const unused = ignore.codes.filter((code, j) => isDiagnosticCode(code) && !used[i]![j]);
    if (unknown.length === 0 && unused.length === 0 && ignore.codes.length > 0) return;
    const diagnostic = makeDiagnostic(
      'unused-ignore',
      ignore.range,
      { unused, unknown: unknown.map(shownCode), named: ignore.codes.length },
      severity,
    );
    if (diagnostic) kept.push(diagnostic);
  });
  return kept;
}

/**
 * An unknown code is named only when it looks like one (lower-case words and `-`, short): anything else written
 * after the marker may be pasted text, and a diagnostic never repeats what might be a value.
 */
function shownCode(code: string): string {
  return /^[a-z]+(?:-[a-z]+)*$/.test(code) && code.length <= 32 ? code : 'a name';
}
