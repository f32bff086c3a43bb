import { DROPPED_KEYS, parseEnv, type EnvEntry, type ParsedEnv } from '../model/envParser';

/**
 * `dotenv-misread`: lines dotenv reads differently from how they look. The value map stays dotenv's (the parser's
 * contract); this module only says where what a reader sees and what dotenv yields part ways:
 *
 * - `hash-cut`: an unquoted value with a `#` glued to it (`abc#def`, `#fff`, `http://x/#frag`). dotenv ends the
 *   value at any `#`, so the rest is read as a comment. A `#` after a blank (`abc # note`) is dotenv's documented
 *   inline comment and looks like one, so it is not reported.
 * - `unexpanded`: `${NAME}` in an unquoted or double-quoted value. Shells, docker compose and dotenv-expand expand
 *   it there; dotenv does not, so the value is the literal text. In single quotes nothing expands anywhere, so it
 *   looks literal and is not reported.
 * - `escaped-quote`: a backslash before the value's own quote character inside the quotes (`"a\"b"`). dotenv
 *   ends the value at the last quote that fits and unescapes nothing but `\n` and `\r`, so the backslash stays.
 *
 * Nothing here reads or returns a value's text beyond offsets: callers build messages from the key and the kind.
 */
export type MisreadKind = 'hash-cut' | 'unexpanded' | 'escaped-quote';

export interface Misread {
  readonly key: string;
  readonly kind: MisreadKind;
  /**
   * UTF-16 offsets of the value as the line shows it (for `hash-cut` up to the end of what the `#` cut off; an empty
   * value starts at the glued `#`).
   */
  readonly start: number;
  readonly end: number;
  /** The entry as the parser read it. */
  readonly entry: EnvEntry;
}

const HASH = 35;

/** `${NAME}` and the shell's `${NAME:-default}`-style forms. */
const EXPANSION = /\$\{[A-Za-z_][A-Za-z0-9_]*(?:[:?+=-][^}\r\n]*)?\}/;

export function findMisreads(text: string, parsed: ParsedEnv): Misread[] {
  const misreads: Misread[] = [];
  // Most values hold neither `#`, `${` nor a backslash: each check looks for its trigger in the value's span before
  // it slices anything, through a cursor per trigger (entries come in text order), so the file is searched once
  // per trigger in all.
  const dollar = new NextOccurrence(text, '${');
  const escapedQuote = {
    '"': new NextOccurrence(text, '\\"'),
    "'": new NextOccurrence(text, "\\'"),
    '`': new NextOccurrence(text, '\\`'),
  };
  for (const entry of parsed.entries) {
    const { valueStart, valueEnd, quote } = entry;
    if (quote === undefined) {
      // A value opening with a quote it never closes is `unterminated-quote`'s, not ours.
      if (isQuote(text.charCodeAt(valueStart)) && valueEnd > valueStart) continue;
      const shownEnd = hashCutEnd(text, entry);
      if (shownEnd !== undefined)
        misreads.push({ key: entry.key, kind: 'hash-cut', start: valueStart, end: shownEnd, entry });
      if (hasExpansion(text, dollar.from(valueStart), valueEnd)) misreads.push(onValue(entry, 'unexpanded'));
      continue;
    }
    if (quote === '"' && hasExpansion(text, dollar.from(valueStart + 1), valueEnd - 1))
      misreads.push(onValue(entry, 'unexpanded'));
    const escaped = escapedQuote[quote].from(valueStart + 1);
    if (escaped !== -1 && escaped + 2 < valueEnd) misreads.push(onValue(entry, 'escaped-quote'));
  }
  return misreads;
}

/** Whether the text from the first `${` at or after the value's start (`dollar`, -1 for none) to `end` expands. */
function hasExpansion(text: string, dollar: number, end: number): boolean {
  return dollar !== -1 && dollar < end && EXPANSION.test(text.slice(dollar, end));
}

/**
 * `text.indexOf(needle, pos)`, remembering the last answer: while the positions asked for do not decrease, an
 * answer at or after the new position is still the first one there, so each stretch of text is searched once. An
 * indexOf per entry instead searched to the end of the file for every entry whose value lacked the needle, which
 * made validating an env file of a few thousand keys quadratic (most of an .env edit's time at 2,000 keys).
 */
class NextOccurrence {
  /** `found` is the first occurrence at or after `asked` (-1: none); nothing asked yet, so the first call searches. */
  private asked = Number.POSITIVE_INFINITY;
  private found = -1;

  constructor(
    private readonly text: string,
    private readonly needle: string,
  ) {}

  from(pos: number): number {
    // `found === -1`: none at or after `asked`, so none at or after a later position either.
    if (pos < this.asked || (this.found !== -1 && this.found < pos)) this.found = this.text.indexOf(this.needle, pos);
    this.asked = pos;
    return this.found;
  }
}

function isQuote(c: number): boolean {
  return c === 34 || c === 39 || c === 96;
}

/**
 * The keys whose value, as dotenv yields it, is not what their line shows: the last definition of each key decides
 * (it is the one dotenv keeps), and keys dotenv drops are never set, so never listed. For the sync flow: sync on save
 * skips these keys, and the sync plan names them.
 */
export function misreadKeys(text: string): string[] {
  const parsed = parseEnv(text);
  const last = new Map<string, EnvEntry>();
  for (const entry of parsed.entries) if (!DROPPED_KEYS.has(entry.key)) last.set(entry.key, entry);
  const keys = new Set<string>();
  for (const misread of findMisreads(text, parsed)) if (last.get(misread.key) === misread.entry) keys.add(misread.key);
  return [...keys];
}

function onValue(entry: EnvEntry, kind: MisreadKind): Misread {
  return { key: entry.key, kind, start: entry.valueStart, end: entry.valueEnd, entry };
}

/**
 * When an unquoted value has a `#` glued to it (no blank between), where the value the line shows ends: at the first
 * blank followed by `#` (an inline comment), or at the line's end, trailing blanks left out. Undefined otherwise.
 */
function hashCutEnd(text: string, entry: EnvEntry): number | undefined {
  if (text.charCodeAt(entry.valueEnd) !== HASH) return undefined;
  let end = entry.valueEnd;
  const n = text.length;
  for (let i = entry.valueEnd; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    if (c === HASH && i > entry.valueEnd && isBlank(text.charCodeAt(i - 1))) break;
    if (!isBlank(c)) end = i + 1;
  }
  return end;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * The fix for `hash-cut`: the shown value in quotes, with a quote chosen so dotenv reads exactly the shown text back.
 * The whole edited text is parsed again: every other entry must keep its key and value, or the fix is refused.
 * Undefined when no quote does (the value holds all three quote characters, or `\n` that double quotes would
 * expand and both other quote characters).
 */
export function quotedShownValue(text: string, parsed: ParsedEnv, misread: Misread): string | undefined {
  if (misread.kind !== 'hash-cut') return undefined;
  const shown = text.slice(misread.start, misread.end);
  const at = parsed.entries.indexOf(misread.entry);
  if (at === -1) return undefined;
  for (const quote of ['"', "'", '`']) {
    if (shown.includes(quote)) continue;
    const quoted = quote + shown + quote;
    const entries = parseEnv(text.slice(0, misread.start) + quoted + text.slice(misread.end)).entries;
    const readsBack =
      entries.length === parsed.entries.length &&
      entries.every((entry, i) => {
        const before = parsed.entries[i];
        return entry.key === before.key && entry.value === (i === at ? shown : before.value);
      });
    if (readsBack) return quoted;
  }
  return undefined;
}

export interface NonAsciiKey {
  /** The name as written, up to the separator. */
  readonly key: string;
  /** 0-based UTF-16 index of the first character dotenv refuses. */
  readonly index: number;
  /** e.g. `U+00C9`. */
  readonly codePoint: string;
}

/**
 * A line that looks like `KEY=VALUE` (or `export KEY=VALUE`, `KEY: VALUE`) but whose key holds a character outside
 * ASCII: dotenv's key class `[\w.-]` is ASCII only, so it drops the line, and "not KEY=VALUE" would mislead.
 */
export function nonAsciiKeyOf(line: string): NonAsciiKey | undefined {
  const match = /^\s*(?:export\s+)?([^\s=:#"'`]+)\s*(?:=|:\s)/.exec(line);
  if (match === null) return undefined;
  const key = match[1];
  if (!/^[\w.\-\u0080-\uffff]+$/.test(key)) return undefined;
  const index = key.search(/[^\x00-\x7f]/);
  if (index === -1) return undefined;
  const codePoint = key.codePointAt(index)!.toString(16).toUpperCase().padStart(4, '0');
  return { key, index, codePoint: `U+${codePoint}` };
}
