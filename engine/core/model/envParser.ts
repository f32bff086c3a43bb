/**
 * The .env parser with positions. Its value map is, for every input, the one `dotenv.parse` (v18, default
 * mode) yields: sync sends exactly what dotenv would load, and diagnostics must describe what dotenv does,
 * not what a tidier grammar would do.
 *
 * dotenv's default parser is one global multiline regex run over the text with CRLF/CR turned into LF:
 *
 *   ^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)
 *     (\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$
 *
 * followed by trim, a multiline quote strip and `\n`/`\r` expansion for double quotes. This module is a
 * hand-written scanner that makes the same decisions the regex's backtracking makes, in linear time, over
 * the original text (so offsets need no mapping back); lines of the common shapes take a shorter path
 * (scanPlainEntry) that a property test holds to the general one. What that backtracking amounts to:
 *
 * - A match may start at any line start, where a "line" ends at LF, CR, U+2028 or U+2029 (JS `^`/`$` in
 *   multiline mode). Every `\s` in the regex crosses line breaks: `KEY\n=v`, `export\nKEY=v`, `KEY=\n"v"`
 *   and `KEY:\nv` are all entries.
 * - Key and the whitespace around it never give characters back (nothing after them can start with what
 *   they consume), and with the separator found the match cannot fail any more: an unquoted value
 *   `[^#\r\n]+` is always followed by `#`, a line break or the end, and without a value the tail
 *   `\s*(?:#.*)?$` always succeeds there too. So the lazy `\s*?` / `\s+?` after the separator stays at
 *   its minimum (zero after `=`, one character after `:`).
 * - A quoted value opened by q can close at the first q not preceded by a backslash, or, by backtracking,
 *   at any backslash-preceded q before it (anywhere later in the file when no unescaped q follows); the
 *   rightmost candidate followed by only blanks up to `#`, a line break or the end wins. Without one the
 *   quoted alternatives fail and the unquoted one takes the rest of the line, opening quote included.
 * - The unquoted alternative runs to `#`, LF or CR only: U+2028/U+2029 are inside it, and the quote strip
 *   `/^(['"`])([\s\S]*)\1$/mg` then works per U+2028-separated piece (see stripQuotesMultiline).
 *
 * Problems are what dotenv passes over in silence. `malformed-line`: a line (as dotenv splits them) that
 * is neither blank, a comment, nor inside an entry's span, i.e. one no match ever covers. `unterminated-quote`
 * (the value map is unaffected either way; it is always dotenv's):
 * - the value's opening quote found no close at all. dotenv falls back to the unquoted alternative, so the
 *   value keeps its opening quote and ends at `#` or the line end (`K="abc` yields `"abc`, and `\n` is
 *   still expanded because the value starts with `"`).
 * - it closed only at a backslash-preceded quote on a later line. dotenv swallows every line in between
 *   into the value (and none of them becomes an entry); nobody writes that on purpose.
 * Not reported: a multiline value closed by a plain quote followed by nothing but a comment (dotenv's
 * multiline syntax, even when the swallowed lines look like KEY=VALUE), a close at `\"` on the same line
 * (`K="C:\dir\"` yields `C:\dir\`), and a quote closed before more text (`K="a"b` is the unquoted `"a"b`).
 */

/**
 * One entry as dotenv reads it: eight fields, nothing that follows from them. The key ends at `keyEndOf(entry)`,
 * the entry spans `entryStart` to `valueEnd`, and `isExported(entry)` says whether `export ` precedes the key. A
 * file of thousands of keys makes as many entries per parse, on every keystroke in an open .env file: three fewer
 * fields per entry is less for the young generation to copy (parse ~7% faster, same-process medians).
 */
export interface EnvEntry {
  /** The key exactly as dotenv sees it (dotenv accepts [\w.-]+; validity vs the platform regex is checked elsewhere). */
  key: string;
  /** Exactly the value dotenv.parse yields for this occurrence. */
  value: string;
  /** 0-based line of the key (lines end at LF, CRLF or CR, as in LSP). */
  line: number;
  /** UTF-16 offset of the key into the input text. */
  keyStart: number;
  /** The raw value text including its quotes (empty span right after the separator when there is no value). */
  valueStart: number;
  /** Also the end of the entry: the raw value's end (not the trailing comment). */
  valueEnd: number;
  /** The first char of the entry (incl. `export `). */
  entryStart: number;
  quote: '"' | "'" | '`' | undefined;
}

/** Just after the key: the key is the text from keyStart on. */
export function keyEndOf(entry: EnvEntry): number {
  return entry.keyStart + entry.key.length;
}

/** Whether `export ` precedes the key: only then does the entry start before its key. */
export function isExported(entry: EnvEntry): boolean {
  return entry.entryStart !== entry.keyStart;
}

export interface EnvSyntaxProblem {
  code: 'malformed-line' | 'unterminated-quote';
  start: number;
  end: number;
  /** 0-based line of `start`. */
  line: number;
}

export interface ParsedEnv {
  entries: EnvEntry[];
  problems: EnvSyntaxProblem[];
}

const LF = 10;
const CR = 13;
const HASH = 35;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKTICK = 96;
const BACKSLASH = 92;
const EQUALS = 61;
const COLON = 58;
const LS = 0x2028;
const PS = 0x2029;

/** `[\w.-]`, ASCII only like the regex (no `u` flag). */
const KEY_CHAR = new Uint8Array(128);
for (let c = 48; c <= 57; c++) KEY_CHAR[c] = 1;
for (let c = 65; c <= 90; c++) KEY_CHAR[c] = 1;
for (let c = 97; c <= 122; c++) KEY_CHAR[c] = 1;
KEY_CHAR[45] = 1;
KEY_CHAR[46] = 1;
KEY_CHAR[95] = 1;

function isKeyChar(c: number): boolean {
  // charCodeAt past the end gives NaN, which fails the bound check.
  return c < 128 && KEY_CHAR[c] === 1;
}

/** Regex `\s` and String.prototype.trim agree on this set (WhiteSpace + LineTerminator, BOM included). */
function isWs(c: number): boolean {
  return c <= 32
    ? c === 32 || (c >= 9 && c <= 13)
    : c >= 160 &&
        (c === 160 ||
          c === 0x1680 ||
          (c >= 0x2000 && c <= 0x200a) ||
          c === LS ||
          c === PS ||
          c === 0x202f ||
          c === 0x205f ||
          c === 0x3000 ||
          c === 0xfeff);
}

/** Where JS multiline `^`/`$` see a line break. */
function isBreak(c: number): boolean {
  return c === LF || c === CR || c === LS || c === PS;
}

function isQuote(c: number): boolean {
  return c === DQUOTE || c === SQUOTE || c === BACKTICK;
}

function skipWs(text: string, pos: number, n: number): number {
  while (pos < n && isWs(text.charCodeAt(pos))) pos++;
  return pos;
}

/**
 * The regex tail `\s*(?:#.*)?$` after a closing quote at `pos - 1`: it fails only when blanks on the same
 * line lead to something other than `#`.
 */
function tailAccepts(text: string, pos: number, n: number): boolean {
  let c = text.charCodeAt(pos);
  while (pos < n && isWs(c) && !isBreak(c)) c = text.charCodeAt(++pos);
  return pos >= n || isBreak(c) || c === HASH;
}

/**
 * Where dotenv closes a quoted value opened at `open`, or -1 when the quoted alternatives fail (see the
 * module comment). Scanning stops at the first unescaped quote, so the scans of successive openers of one
 * quote kind never overlap: an opener always follows `=` or a blank, never a backslash.
 */
function findClosingQuote(text: string, open: number, n: number): number {
  const q = text[open];
  let lastGood = -1;
  let i = text.indexOf(q, open + 1);
  while (i !== -1) {
    const escaped = text.charCodeAt(i - 1) === BACKSLASH;
    if (tailAccepts(text, i + 1, n)) lastGood = i;
    if (!escaped) break;
    i = text.indexOf(q, i + 1);
  }
  return lastGood;
}

/** LSP line breaks in [from, to): LF, CRLF (once) and lone CR. */
function countLineBreaks(text: string, from: number, to: number, hasCr: boolean): number {
  let count = 0;
  if (!hasCr) {
    for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) count++;
    return count;
  }
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) count++;
  }
  return count;
}

/**
 * dotenv's `replace(/^(['"`])([\s\S]*)\1$/mg, '$2')` for an unquoted value that still holds U+2028/U+2029:
 * at every line start opening with a quote, the greedy `[\s\S]*` backtracks to the rightmost same quote
 * that ends a line, which is one position per quote kind for the whole string; computing it once keeps this
 * linear where the regex is quadratic.
 */
function stripQuotesMultiline(v: string): string {
  const len = v.length;
  let lastSingle = -1;
  let lastDouble = -1;
  let lastBacktick = -1;
  for (let j = 0; j < len; j++) {
    const c = v.charCodeAt(j);
    if (isQuote(c) && (j + 1 === len || isBreak(v.charCodeAt(j + 1)))) {
      if (c === SQUOTE) lastSingle = j;
      else if (c === DQUOTE) lastDouble = j;
      else lastBacktick = j;
    }
  }
  let out = '';
  let copied = 0;
  let p = 0;
  while (p < len) {
    const c = v.charCodeAt(p);
    const last = c === SQUOTE ? lastSingle : c === DQUOTE ? lastDouble : c === BACKTICK ? lastBacktick : -1;
    if (last > p) {
      out += v.slice(copied, p) + v.slice(p + 1, last);
      copied = last + 1;
      p = last + 1;
    }
    while (p < len && !isBreak(v.charCodeAt(p))) p++;
    p++;
  }
  return copied === 0 ? v : out + v.slice(copied);
}

function occursIn(text: string, c: number, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === c) return true;
  return false;
}

/**
 * dotenv's `.replace(/\\n/g, '\n').replace(/\\r/g, '\r')` in one pass: the first replace only puts LFs in, so it
 * never makes or breaks a `\r` for the second, and both read backslash pairs left to right the same way.
 */
function expandDoubleQuoteEscapes(v: string): string {
  let i = v.indexOf('\\');
  if (i === -1) return v;
  let out = '';
  let copied = 0;
  while (i !== -1) {
    const next = v.charCodeAt(i + 1);
    if (next === 110 /* n */ || next === 114 /* r */) {
      out += v.slice(copied, i) + (next === 110 ? '\n' : '\r');
      copied = i + 2;
      i = v.indexOf('\\', i + 2);
    } else {
      i = v.indexOf('\\', i + 1);
    }
  }
  return copied === 0 ? v : out + v.slice(copied);
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isWs(text.charCodeAt(end - 1))) end--;
  return end;
}

/**
 * Next occurrence of each line-break character (and `#`) at or after the last query, recomputed only once
 * passed, so every indexOf scans fresh text: linear in total and native speed per line, where a char loop
 * would be slower and an uncached indexOf per line quadratic (a file with one `#` at its end).
 * Invariant: positions passed to each method never decrease, or a cached answer could skip an occurrence.
 */
class LineEnds {
  readonly hasLsPs: boolean;
  private lf = -1;
  private cr: number;
  private ls: number;
  private ps: number;
  private hash = -1;

  constructor(
    private readonly text: string,
    hasCr: boolean,
  ) {
    const n = text.length;
    // U+2028/U+2029 only change anything when present; one scan each keeps them off the hot path.
    this.hasLsPs = text.indexOf('\u2028') !== -1 || text.indexOf('\u2029') !== -1;
    this.cr = hasCr ? -1 : n;
    this.ls = this.hasLsPs ? -1 : n;
    this.ps = this.hasLsPs ? -1 : n;
  }

  private find(ch: string, from: number): number {
    const i = this.text.indexOf(ch, from);
    return i === -1 ? this.text.length : i;
  }

  /** End of the LSP line holding `pos`: the next LF or CR. */
  lspLineEnd(pos: number): number {
    if (this.lf < pos) this.lf = this.find('\n', pos);
    if (this.cr < pos) this.cr = this.find('\r', pos);
    return this.lf < this.cr ? this.lf : this.cr;
  }

  /** End of the dotenv line holding `pos`: the next LF, CR, U+2028 or U+2029. */
  dotenvLineEnd(pos: number): number {
    let end = this.lspLineEnd(pos);
    if (this.hasLsPs) {
      if (this.ls < pos) this.ls = this.find('\u2028', pos);
      if (this.ps < pos) this.ps = this.find('\u2029', pos);
      if (this.ls < end) end = this.ls;
      if (this.ps < end) end = this.ps;
    }
    return end;
  }

  nextHash(pos: number): number {
    if (this.hash < pos) this.hash = this.find('#', pos);
    return this.hash;
  }
}

/** The blanks the fast path lets through: space and tab (the general path also lets line breaks through). */
function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function skipBlanks(text: string, pos: number): number {
  while (isBlank(text.charCodeAt(pos))) pos++;
  return pos;
}

/**
 * The common line shapes, `[export ]KEY = value` and `KEY: value` with an unquoted value or one quoted on the key's
 * line (blanks: spaces and tabs), read from `start` with fewer steps than the general path in scanEnv; undefined
 * for anything else (a line break or another blank where a space or tab would do, nothing or `#` for a value, a
 * line break inside the quotes, an escaped closing quote, a quote closed before more text, U+2028/U+2029 in the
 * file with an unquoted value), which the general path then reads. Wherever it answers, its entry is the general
 * path's (a property test holds the two together): such an unquoted value takes the general path's `[^#\r\n]+`
 * branch and needs no quote strip; a quoted value whose first closing quote is unescaped, on the same line and
 * followed by only blanks up to `#` or a line break is the one candidate findClosingQuote picks, and holds no CR.
 * Its LineEnds queries are at the value's start, and only the key, blanks and the separator lie between that and
 * `start`, so after a refusal the general path's queries from `start` still get right answers.
 */
function scanPlainEntry(text: string, start: number, line: number, breaks: LineEnds): EnvEntry | undefined {
  // An exported entry is one whose key starts after `start` (isExported).
  let keyStart = start;
  if (text.charCodeAt(start) === 101 /* e */ && text.startsWith('export', start)) {
    const afterExport = skipBlanks(text, start + 6);
    if (afterExport > start + 6) {
      // Not a key after `export `: `export = v` and the like are the general path's.
      if (!isKeyChar(text.charCodeAt(afterExport))) return undefined;
      keyStart = afterExport;
    }
  }
  let keyEnd = keyStart + 1;
  while (isKeyChar(text.charCodeAt(keyEnd))) keyEnd++;
  const separator = skipBlanks(text, keyEnd);
  const separatorChar = text.charCodeAt(separator);
  let valueStart: number;
  if (separatorChar === EQUALS) valueStart = skipBlanks(text, separator + 1);
  // `KEY: value`: no blank before the colon, at least one after it.
  else if (separatorChar === COLON && separator === keyEnd && isBlank(text.charCodeAt(keyEnd + 1)))
    valueStart = skipBlanks(text, keyEnd + 2);
  else return undefined;

  const first = text.charCodeAt(valueStart);
  let valueEnd: number;
  let value: string;
  let quote: EnvEntry['quote'];
  if (first === DQUOTE || first === SQUOTE || first === BACKTICK) {
    quote = first === DQUOTE ? '"' : first === SQUOTE ? "'" : '`';
    const close = text.indexOf(quote, valueStart + 1);
    if (close === -1 || close > breaks.lspLineEnd(valueStart) || text.charCodeAt(close - 1) === BACKSLASH)
      return undefined;
    if (!tailAccepts(text, close + 1, text.length)) return undefined;
    valueEnd = close + 1;
    value = text.slice(valueStart + 1, close);
    if (first === DQUOTE) value = expandDoubleQuoteEscapes(value);
  } else {
    // `first > 32` also refuses NaN: nothing after the separator.
    if (!(first > 32) || first === HASH || isWs(first) || breaks.hasLsPs) return undefined;
    const hash = breaks.nextHash(valueStart);
    const lineEnd = breaks.lspLineEnd(valueStart);
    valueEnd = trimEnd(text, valueStart, hash < lineEnd ? hash : lineEnd);
    value = text.slice(valueStart, valueEnd);
  }
  return { key: text.slice(keyStart, keyEnd), value, line, keyStart, valueStart, valueEnd, entryStart: start, quote };
}

export function parseEnv(text: string): ParsedEnv {
  return scanEnv(text, true);
}

/** parseEnv without scanPlainEntry, every line through the general path: what the property test compares with. */
export function parseEnvGeneralPath(text: string): ParsedEnv {
  return scanEnv(text, false);
}

function scanEnv(text: string, plainEntries: boolean): ParsedEnv {
  const entries: EnvEntry[] = [];
  const problems: EnvSyntaxProblem[] = [];
  // Made before the loop, not after it: code V8 optimizes while inside the loop then has no feedback for a result
  // object made after it, and was thrown away at the end of every large parse (seen with --trace-deopt).
  const parsed: ParsedEnv = { entries, problems };
  if (typeof text !== 'string') return parsed;
  const n = text.length;
  const hasCr = text.indexOf('\r') !== -1;
  const breaks = new LineEnds(text, hasCr);

  let pos = 0;
  let line = 0; // LSP line of `pos` once blanks are skipped
  for (;;) {
    // Blanks between entries, blank lines included, counting LSP lines as they pass.
    let c = 0;
    while (pos < n) {
      c = text.charCodeAt(pos);
      if (c === LF) line++;
      else if (c === CR) {
        if (text.charCodeAt(pos + 1) !== LF) line++;
      } else if (!isWs(c)) break;
      pos++;
    }
    if (pos >= n) break;
    const start = pos;
    if (plainEntries && isKeyChar(c)) {
      const entry = scanPlainEntry(text, start, line, breaks);
      if (entry !== undefined) {
        entries.push(entry);
        // The value holds no line break, and only blanks can lie between its end and `#` or the line's end.
        pos = breaks.dotenvLineEnd(entry.valueEnd);
        continue;
      }
    }
    const startLineEnd = breaks.lspLineEnd(start);

    if (c === HASH) {
      pos = breaks.dotenvLineEnd(start);
      continue;
    }

    // Key, with `export ` tried first as the regex does; see the module comment for why nothing here
    // needs to backtrack further.
    let keyStart = -1;
    let keyEnd = -1;
    let sepEnd = -1; // just after `=` or `:`
    let valueFrom = -1; // where the value group starts (after `=`, or after `:` and one blank)
    if (c === 101 /* e */ && text.startsWith('export', start) && isWs(text.charCodeAt(start + 6))) {
      const k = skipWs(text, start + 7, n);
      const kc = text.charCodeAt(k);
      if (isKeyChar(kc)) {
        keyStart = k;
      } else if (kc === EQUALS) {
        // `export =v` is the key "export" (the `export\s+` branch found no key to prefix).
        keyStart = start;
        keyEnd = start + 6;
        sepEnd = valueFrom = k + 1;
      }
    } else if (isKeyChar(c)) {
      keyStart = start;
    }
    if (keyStart !== -1 && sepEnd === -1) {
      let k = keyStart + 1;
      while (isKeyChar(text.charCodeAt(k))) k++;
      keyEnd = k;
      const afterBlanks = skipWs(text, k, n);
      if (text.charCodeAt(afterBlanks) === EQUALS) {
        sepEnd = valueFrom = afterBlanks + 1;
      } else if (text.charCodeAt(k) === COLON && isWs(text.charCodeAt(k + 1))) {
        sepEnd = k + 1;
        // dotenv sees CRLF as one LF, so `\s+?` takes both characters.
        valueFrom = text.charCodeAt(k + 1) === CR && text.charCodeAt(k + 2) === LF ? k + 3 : k + 2;
      }
    }

    if (sepEnd === -1) {
      const end = breaks.dotenvLineEnd(start);
      problems.push({ code: 'malformed-line', start, end: trimEnd(text, start, end), line });
      pos = end;
      continue;
    }

    let value: string;
    let valueStart: number;
    let valueEnd: number;
    let quote: EnvEntry['quote'];
    let unterminatedAt = -1;
    let rest: number; // where the trailing blanks/comment of the entry start

    const open = skipWs(text, valueFrom, n);
    const openChar = text.charCodeAt(open);
    const close = isQuote(openChar) ? findClosingQuote(text, open, n) : -1;
    if (close !== -1) {
      quote = text[open] as EnvEntry['quote'];
      valueStart = open;
      valueEnd = close + 1;
      value = text.slice(open + 1, close);
      if (hasCr && value.indexOf('\r') !== -1) value = value.replace(/\r\n?/g, '\n');
      if (openChar === DQUOTE) value = expandDoubleQuoteEscapes(value);
      // The swallowing unterminated case (module comment): the value stands, the problem is reported.
      if (text.charCodeAt(close - 1) === BACKSLASH && close > breaks.lspLineEnd(open)) unterminatedAt = open;
      rest = close + 1;
    } else {
      const vc = text.charCodeAt(valueFrom);
      if (valueFrom < n && vc !== HASH && vc !== LF && vc !== CR) {
        // `[^#\r\n]+`: runs over U+2028/U+2029, so the LSP line end bounds it, not the dotenv one.
        const nextHash = breaks.nextHash(valueFrom);
        const lineEnd = breaks.lspLineEnd(valueFrom);
        const rawEnd = nextHash < lineEnd ? nextHash : lineEnd;
        let f = valueFrom;
        while (f < rawEnd && isWs(text.charCodeAt(f))) f++;
        const h = trimEnd(text, f, rawEnd);
        rest = rawEnd;
        if (f === h) {
          value = '';
          valueStart = valueEnd = sepEnd;
        } else {
          valueStart = f;
          valueEnd = h;
          const first = text.charCodeAt(f);
          value = text.slice(f, h);
          if (breaks.hasLsPs && (value.indexOf('\u2028') !== -1 || value.indexOf('\u2029') !== -1)) {
            value = stripQuotesMultiline(value);
          } else if (isQuote(first) && h - f >= 2 && text.charCodeAt(h - 1) === first) {
            value = text.slice(f + 1, h - 1);
          }
          if (first === DQUOTE) value = expandDoubleQuoteEscapes(value);
          // No partner for the opening quote anywhere in the value: the first unterminated case above.
          if (isQuote(first) && !occursIn(text, first, f + 1, h)) unterminatedAt = f;
        }
      } else {
        value = '';
        valueStart = valueEnd = sepEnd;
        rest = valueFrom;
      }
    }

    const keyLine = keyStart > startLineEnd ? line + countLineBreaks(text, startLineEnd, keyStart, hasCr) : line;
    entries.push({
      key: text.slice(keyStart, keyEnd),
      value,
      line: keyLine,
      keyStart,
      valueStart,
      valueEnd,
      entryStart: start,
      quote,
    });
    if (unterminatedAt !== -1) {
      const quoteLine =
        unterminatedAt > startLineEnd ? line + countLineBreaks(text, startLineEnd, unterminatedAt, hasCr) : line;
      const end = trimEnd(text, unterminatedAt, breaks.lspLineEnd(unterminatedAt));
      problems.push({ code: 'unterminated-quote', start: unterminatedAt, end, line: quoteLine });
    }

    pos = breaks.dotenvLineEnd(rest);
    if (pos > startLineEnd) line += countLineBreaks(text, startLineEnd, pos, hasCr);
  }
  return parsed;
}

/**
 * Keys dotenv.parse silently drops: it assigns into a plain object, where `__proto__` hits the prototype setter
 * and a string value is lost. Such a key is never set anywhere (the dropped-key diagnostic says so). A property
 * test holds this set to dotenv for every name of Object.prototype.
 */
export const DROPPED_KEYS: ReadonlySet<string> = new Set(['__proto__']);

/**
 * Same map as dotenv.parse(text): later duplicates win. `__proto__` is left out because dotenv assigns
 * into a plain object, where that name hits the prototype setter and a string value is dropped.
 */
export function toValueMap(parsed: ParsedEnv): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of parsed.entries) {
    if (!DROPPED_KEYS.has(entry.key)) map.set(entry.key, entry.value);
  }
  return map;
}
