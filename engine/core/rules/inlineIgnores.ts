import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { LineIndex } from '../base/text';
import {
  DIAGNOSTIC_CODES,
  isDiagnosticCode,
  makeDiagnostic,
  type DiagnosticCode,
  type SeverityOverrides,
} from './diagnosticRules';

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

/** Where an env file's entry lies, key to the end of its value (quotes included; a value may span lines). */
export interface EntrySpan {
  readonly entryStart: number;
  readonly valueEnd: number;
}

/**
 * In an env file the marker must be in a comment: after a `#` on its line, and outside every entry's value, so a
 * value holding `#` and the words (`K="a#b struere-secrets-ignore …"`) is not an ignore. Markers are rare, so a
 * scan of the entries per marker costs nothing worth indexing.
 */
function inEnvComment(text: string, at: number, column: number, entries: readonly EntrySpan[]): boolean {
  if (!text.slice(at - column, at).includes('#')) return false;
  return !entries.some((entry) => entry.entryStart <= at && at < entry.valueEnd);
}

/**
 * The ignores of a file's text; `envEntries` (an env file's parsed entries) asks for a comment around the marker. Nearly every file has none, and one
 * `includes` over the text is all it costs then.
 */
export function findInlineIgnores(text: string, envEntries?: readonly EntrySpan[]): InlineIgnore[] {
  if (!text.includes(IGNORE_MARKER)) return [];
  const lineIndex = new LineIndex(text);
  const ignores: InlineIgnore[] = [];
  for (let at = text.indexOf(IGNORE_MARKER); at !== -1; at = text.indexOf(IGNORE_MARKER, at + IGNORE_MARKER.length)) {
    const start = lineIndex.positionAt(at);
    if (envEntries && !inEnvComment(text, at, start.character, envEntries)) continue;
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
  diagnostics: Diagnostic[],
  ignores: readonly InlineIgnore[] | undefined,
  severity: SeverityOverrides,
): Diagnostic[] {
  if (ignores === undefined || ignores.length === 0) return diagnostics;
  // The ignores covering each line, so a file with many of both costs one lookup per diagnostic.
  const covering = new Map<number, number[]>();
  ignores.forEach((ignore, i) => {
    for (const line of [ignore.line, ignore.line + 1]) {
      const list = covering.get(line);
      if (list) list.push(i);
      else covering.set(line, [i]);
    }
  });
  const used = ignores.map((ignore) => ignore.codes.map(() => false));
  const kept = diagnostics.filter((diagnostic) => {
    let silenced = false;
    for (const i of covering.get(diagnostic.range.start.line) ?? [])
      ignores[i]!.codes.forEach((code, j) => {
        if (code !== diagnostic.code) return;
        used[i]![j] = true;
        silenced = true;
      });
    return !silenced;
  });
  ignores.forEach((ignore, i) => {
    const unknown = ignore.codes.filter((code) => !isDiagnosticCode(code));
    const unused = ignore.codes.filter(
      (code, j) => isDiagnosticCode(code) && !used[i]![j] && canTellUnused(code, severity),
    );
    if (unknown.length === 0 && unused.length === 0 && ignore.codes.length > 0) return;
    const counts = { unused, unknown: unknown.length, named: ignore.codes.length };
    const suggestions = [...new Set(unknown.flatMap((name) => closestCode(name) ?? []))];
    // The counts go in the data too: the removal fix offers to delete only an ignore nothing of which is in use.
    const diagnostic = makeDiagnostic('unused-ignore', ignore.range, { ...counts, suggestions }, severity, counts);
    if (diagnostic) kept.push(diagnostic);
  });
  return kept;
}

/**
 * Whether an ignore of `code` that silenced nothing here is stale. Not when the code is switched off in this
 * user's settings (a teammate's may have it on, and the ignore is theirs too), nor for missing-secret, whose
 * findings depend on the selected environment and the remote list: silent in development, the same line may be
 * flagged in production, and calling the ignore stale would invite removing one still needed.
 */
function canTellUnused(code: DiagnosticCode, severity: SeverityOverrides): boolean {
  return severity[code] !== 'off' && !ENVIRONMENT_DEPENDENT.has(code);
}

const ENVIRONMENT_DEPENDENT: ReadonlySet<DiagnosticCode> = new Set(['missing-secret']);

/**
 * The known code a name that is not one is a misspelling of, when one is close. The name itself is never shown
 * (text after the marker may be pasted, and a diagnostic never repeats what might be a value); a known code gives
 * nothing away.
 */
function closestCode(name: string): string | undefined {
  let best: { code: string; distance: number } | undefined;
  for (const code of DIAGNOSTIC_CODES) {
    const distance = editDistance(name.toLowerCase(), code, MAX_TYPO_DISTANCE);
    if (distance <= MAX_TYPO_DISTANCE && (best === undefined || distance < best.distance)) best = { code, distance };
  }
  return best?.code;
}

const MAX_TYPO_DISTANCE = 2;

/** Levenshtein distance, or more than `limit` as soon as it must be (names are short; codes are few). */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
