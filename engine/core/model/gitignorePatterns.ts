import { isIgnoredByGit } from './gitignore';

/**
 * .gitignore patterns made safe to match. The `ignore` package compiles each pattern to a regular expression that
 * backtracks: every `**` segment becomes `(?:\/[^\/]+)*`, and a run such as `**` `/` `*` `/` `**` `/` `*` … lets
 * a deep path's folders be shared out among the runs in exponentially many ways before a miss is certain (a 77-byte
 * line of fifteen such pairs stalled a check for minutes on a path 28 folders deep).
 *
 * Two steps keep the work bounded:
 * 1. A run of whole-segment wildcards before the last segment is rewritten to one `**` followed by its `*`s: `*`
 *    is one folder and `**` any number, so a run holding at least one `**` means "at least as many folders as it
 *    has `*`s", whatever the order. The meaning is git's, unchanged; the expression no longer backtracks.
 * 2. What still backtracks is several `**` separated by other segments (`a/**` `/b/**` `/b/**` …), which costs about
 *    depth^(globstars + 1). A pattern over {@link PATTERN_STEP_BUDGET} for a path's depth is not applied to that
 *    path; it is reported, and the path counts as not ignored (the direction that warns rather than hides).
 */
export const PATTERN_STEP_BUDGET = 10_000_000;

/** A .gitignore's text with every pattern normalised, and the patterns whose cost grows with depth. */
export interface PreparedGitignore {
  readonly content: string;
  /** Patterns with more than one `**` segment that is not their last: 1-based line and their globstar count. */
  readonly costly: readonly { readonly line: number; readonly globstars: number }[];
}

export function prepareGitignore(content: string): PreparedGitignore {
  const costly: { line: number; globstars: number }[] = [];
  const lines = content.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const normalised = normaliseGitignorePattern(line);
    lines[index] = normalised;
    const globstars = innerGlobstars(normalised);
    if (globstars > 1) costly.push({ line: index + 1, globstars });
  }
  return { content: lines.join('\n'), costly };
}

/**
 * Rewrites each run of whole-segment wildcards (before the last segment) that holds a `**` to `**` followed by the
 * run's `*`s. Comments, blank lines and lines with a backslash (escapes change what a segment is) are left as they
 * are. `**` / `*` / `**` / `*` / `a` becomes `**` / `*` / `*` / `a`.
 */
export function normaliseGitignorePattern(line: string): string {
  if (line === '' || line.startsWith('#') || line.includes('\\')) return line;
  const negated = line.startsWith('!');
  const segments = (negated ? line.slice(1) : line).split('/');
  const last = lastNameSegment(segments);
  const out: string[] = [];
  let stars = 0;
  let globstar = false;
  const flush = () => {
    if (globstar) out.push('**');
    for (let i = 0; i < stars; i++) out.push('*');
    stars = 0;
    globstar = false;
  };
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]!;
    if (index < last && /^\*+$/.test(segment)) {
      if (segment.length === 1) stars++;
      else globstar = true;
      continue;
    }
    flush();
    out.push(segment);
  }
  flush();
  return (negated ? '!' : '') + out.join('/');
}

/** The segments a pattern's runs may span: all before its last name (a trailing `/` leaves an empty segment). */
function lastNameSegment(segments: readonly string[]): number {
  let last = segments.length - 1;
  if (last > 0 && segments[last] === '') last--;
  return last;
}

/** `**` segments that are not the pattern's last: each one a backtracking point of the compiled expression. */
function innerGlobstars(line: string): number {
  if (line === '' || line.startsWith('#')) return 0;
  const segments = (line.startsWith('!') ? line.slice(1) : line).split('/');
  const last = lastNameSegment(segments);
  let count = 0;
  for (let index = 0; index < last; index++) if (/^\*{2,}$/.test(segments[index]!)) count++;
  return count;
}

/**
 * About how many steps matching a pattern with `globstars` inner `**` costs on a path `depth` folders deep (the
 * package also tests each parent folder): depth^(globstars + 1). Deterministic, so tests assert on it.
 */
export function patternSteps(globstars: number, depth: number): number {
  return Math.pow(Math.max(depth, 1), globstars + 1);
}

/** The lines of `prepared` not applied to a path `depth` segments deep: over the step budget. */
export function refusedLines(prepared: PreparedGitignore, depth: number): readonly number[] {
  return prepared.costly
    .filter(({ globstars }) => patternSteps(globstars, depth) > PATTERN_STEP_BUDGET)
    .map(({ line }) => line);
}

/** One .gitignore as the host read it: its path, its folder relative to the repository root, its prepared text. */
export interface PreparedGitignoreFile {
  readonly path: string;
  readonly dir: string;
  readonly prepared: PreparedGitignore;
}

/**
 * Whether the .gitignore files ignore `relativePath` (relative to the repository root), with every pattern
 * normalised; a file holding a pattern over the step budget at this depth is passed to `onRefused`, and the path
 * then counts as not ignored.
 */
export function isIgnoredByPatterns(
  relativePath: string,
  files: readonly PreparedGitignoreFile[],
  onRefused: (file: PreparedGitignoreFile, lines: readonly number[], depth: number) => void = () => undefined,
): boolean {
  let refused = false;
  for (const file of files) {
    if (file.prepared.costly.length === 0) continue;
    const prefix = file.dir === '' ? '' : `${file.dir}/`;
    if (!relativePath.startsWith(prefix)) continue;
    const depth = relativePath.slice(prefix.length).split('/').length;
    const lines = refusedLines(file.prepared, depth);
    if (lines.length === 0) continue;
    onRefused(file, lines, depth);
    refused = true;
  }
  if (refused) return false;
  return isIgnoredByGit(
    relativePath,
    files.map(({ dir, prepared }) => ({ dir, content: prepared.content })),
  );
}

/** How a reason names the places of refused patterns: lines of a file, or entries of a list. */
export interface PlaceNoun {
  readonly one: string;
  readonly many: string;
}

const LINES: PlaceNoun = { one: 'line', many: 'lines' };

/**
 * The reason an unreadable-file diagnostic gives for patterns not applied; `places` are 1-based, `noun` what they
 * count (the lines of an ignore file; for patterns taken from a list, its entries).
 */
export function refusedReason(places: readonly number[], depth: number, noun: PlaceNoun = LINES): string {
  const shown = places.slice(0, 3).join(', ') + (places.length > 3 ? ` and ${places.length - 3} more` : '');
  return `${places.length === 1 ? noun.one : noun.many} ${shown}: several ** segments too costly to match ${depth} folders deep; not applied, so files there count as not ignored`;
}
