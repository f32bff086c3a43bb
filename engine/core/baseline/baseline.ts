import { compareCodeUnits, LineIndex } from '../base/text';
import { baseName } from '../base/uris';
import type { ValueDictionary } from '../leaks/dictionary';
import { redactText } from '../leaks/redaction';
import { parseEnv } from '../model/envParser';
import { isEnvFileName } from '../model/workspaceIndex';

/**
 * A baseline: the findings a team accepted when it adopted the checker, committed beside the code, so that
 * `check --baseline FILE` reports only new ones. A finding is known by its code, its file (relative to the
 * baseline's folder, forward slashes), its key and a digest of its line's text with every secret replaced; not by
 * its line number, so a line that moves stays accepted while a line whose text changes is reported again.
 *
 * What a digest covers never holds a value: the line's known values (the redaction dictionary: every value of six
 * characters or more) become `[SECRET:KEY]`, the ranges of leaked-value and hardcoded-secret findings on it (which
 * may be values the dictionary lacks: an old one, an encoded one, a hard-coded credential) become a marker too, and
 * an env file's line is reduced to its key. A digest of a value would let anyone holding the baseline confirm a
 * guess, so none is ever made. The digest itself (SHA-256) comes from the host: the core does no crypto of its own.
 */

export const BASELINE_VERSION = 1;

/** One finding as the baseline knows it. */
export interface BaselineFinding {
  readonly code: string;
  /** Relative to the baseline's folder, forward slashes. */
  readonly path: string;
  /** The key the finding names; '' when it names none. */
  readonly key: string;
  /** The SHA-256 (hex) of the line's fingerprint text (baselineLineText). */
  readonly line: string;
}

/** A finding and how many identical ones were accepted: two identical lines are two findings. */
export interface BaselineEntry extends BaselineFinding {
  readonly count: number;
}

/** A range of a line (0-based character offsets) that holds a secret, and the key it is of when known. */
export interface SecretSpan {
  readonly start: number;
  readonly end: number;
  readonly key?: string;
}

/**
 * The text of `line` of a file that a finding's digest covers: trimmed, with the spans given and every known value
 * replaced by markers; for an env file only `KEY=[SECRET:KEY]` of the entry on that line ('' for any other line).
 */
export function baselineLineText(
  uri: string,
  text: string,
  line: number,
  dictionary: ValueDictionary,
  spans: readonly SecretSpan[],
): string {
  return baselineLines(uri, text, dictionary)(line, spans);
}

/**
 * baselineLineText for many lines of one file: the file (a URI, so its name decodes as every reader's does) is
 * parsed or indexed once, not once per finding.
 */
export function baselineLines(
  uri: string,
  text: string,
  dictionary: ValueDictionary,
): (line: number, spans: readonly SecretSpan[]) => string {
  if (isEnvFileName(baseName(uri))) {
    // The value is what changes in an env file (a rotation), and what must never be digested: the key stands for it.
    const keys = new Map(parseEnv(text).entries.map((entry) => [entry.line, entry.key]));
    return (line) => {
      const key = keys.get(line);
      return key === undefined ? '' : `${key}=[SECRET:${key}]`;
    };
  }
  const lineIndex = new LineIndex(text);
  return (line, spans) => {
    if (line < 0 || line >= lineIndex.lineCount) return '';
    const start = lineIndex.offsetAt({ line, character: 0 });
    const end = line + 1 < lineIndex.lineCount ? lineIndex.offsetAt({ line: line + 1, character: 0 }) : text.length;
    let lineText = text.slice(start, end).replace(/[\r\n]+$/, '');
    // From the last span to the first, so the earlier offsets stay right; overlapping spans are covered as one.
    const sorted = [...spans].sort((a, b) => b.start - a.start);
    let limit = Infinity;
    for (const span of sorted) {
      const spanEnd = Math.min(span.end, limit, lineText.length);
      if (span.start >= spanEnd) continue;
      lineText = `${lineText.slice(0, span.start)}[SECRET${span.key ? `:${span.key}` : ''}]${lineText.slice(spanEnd)}`;
      limit = span.start;
    }
    return redactText(lineText, dictionary).trim();
  };
}

/** The baseline file's text: entries counted and sorted (a stable order, so the committed file diffs well). */
export function formatBaseline(findings: Iterable<BaselineFinding>): string {
  const counted = new Map<string, BaselineEntry>();
  for (const finding of findings) {
    const id = identity(finding);
    const known = counted.get(id);
    counted.set(id, { ...pick(finding), count: (known?.count ?? 0) + 1 });
  }
  const entries = [...counted.values()].sort(
    (a, b) =>
      compareCodeUnits(a.path, b.path) ||
      compareCodeUnits(a.code, b.code) ||
      compareCodeUnits(a.key, b.key) ||
      compareCodeUnits(a.line, b.line),
  );
  const lines = entries.map((entry) => `    ${JSON.stringify(entry)}`);
  return `{\n  "version": ${BASELINE_VERSION},\n  "findings": [${lines.length > 0 ? `\n${lines.join(',\n')}\n  ` : ''}]\n}\n`;
}

/** A baseline text that is not one this version reads: why, in words that never repeat the text. */
export class BaselineFormatError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'BaselineFormatError';
  }
}

/** The entries of a baseline file's text; throws BaselineFormatError when it is malformed or from a newer version. */
export function parseBaseline(text: string): BaselineEntry[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new BaselineFormatError('is not valid JSON');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw new BaselineFormatError('is not a baseline (expected a JSON object with "version" and "findings")');
  const { version, findings } = document as { version?: unknown; findings?: unknown };
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new BaselineFormatError('has no valid "version"');
  if (version > BASELINE_VERSION)
    throw new BaselineFormatError(
      `was written by a newer struere-secrets (baseline version ${version}; this one reads version ${BASELINE_VERSION}): update struere-secrets`,
    );
  if (!Array.isArray(findings)) throw new BaselineFormatError('has no "findings" list');
  return findings.map((entry: unknown, i) => {
    const where = `finding ${i + 1}`;
    if (typeof entry !== 'object' || entry === null) throw new BaselineFormatError(`${where} is not an object`);
    const { code, path, key, line, count } = entry as Record<string, unknown>;
    if (typeof code !== 'string' || typeof path !== 'string' || typeof key !== 'string')
      throw new BaselineFormatError(`${where} needs "code", "path" and "key" strings`);
    if (typeof line !== 'string' || !/^[0-9a-f]{64}$/.test(line))
      throw new BaselineFormatError(`${where} needs "line", a SHA-256 in hex`);
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
      throw new BaselineFormatError(`${where} needs "count", a whole number of at least 1`);
    return { code, path, key, line, count };
  });
}

/**
 * The findings the baseline does not accept, in their order, and how many it accepted. Each entry accepts up to
 * `count` identical findings: a third copy of a line baselined twice is new.
 */
export function subtractBaseline<T>(
  findings: readonly T[],
  fingerprintOf: (finding: T) => BaselineFinding,
  entries: readonly BaselineEntry[],
): { fresh: T[]; accepted: number } {
  const remaining = new Map<string, number>();
  for (const entry of entries) remaining.set(identity(entry), (remaining.get(identity(entry)) ?? 0) + entry.count);
  const fresh: T[] = [];
  let accepted = 0;
  for (const finding of findings) {
    const id = identity(fingerprintOf(finding));
    const left = remaining.get(id) ?? 0;
    if (left > 0) {
      remaining.set(id, left - 1);
      accepted++;
    } else fresh.push(finding);
  }
  return { fresh, accepted };
}

function pick({ code, path, key, line }: BaselineFinding): BaselineFinding {
  return { code, path, key, line };
}

function identity(finding: BaselineFinding): string {
  return JSON.stringify([finding.code, finding.path, finding.key, finding.line]);
}
