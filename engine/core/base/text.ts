import type { Position, Range } from 'vscode-languageserver-types';

/**
 * Offset ↔ position for one text, with LSP's line breaks (\n, \r\n and a lone \r) and UTF-16 columns.
 * Built once per text in one pass; lookups are binary searches, so converting many ranges stays cheap.
 */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    // Without a \r only \n breaks lines: jump from one to the next natively (an .env keystroke indexes the file's
    // lines again; the loop below tests every character).
    if (!text.includes('\r')) {
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
      this.lineStarts = starts;
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) starts.push(i + 1);
      else if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.lineStarts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low] };
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line];
    return Math.min(start + Math.max(0, position.character), this.lineEnd(position.line));
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** Offset of the end of `line`, before its line break. */
  lineEnd(line: number): number {
    if (line + 1 >= this.lineStarts.length) return this.text.length;
    let end = this.lineStarts[line + 1];
    if (end > 0 && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > 0 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))];
  }
}

/** True when `position` lies within `range` (ends inclusive, as editors treat a cursor at a word's end). */
export function rangeContains(range: Range, position: Position): boolean {
  if (position.line < range.start.line || position.line > range.end.line) return false;
  if (position.line === range.start.line && position.character < range.start.character) return false;
  if (position.line === range.end.line && position.character > range.end.character) return false;
  return true;
}

/** Orders strings by UTF-16 code units, the same everywhere (unlike localeCompare): for stable lists of key names. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How many items a text list shows before "… and M more": the full list is in the JSON outputs. */
/** `1 key`, `2 keys`: every count a person reads goes through here, so none says "1 keys". */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export const TEXT_LIST_LIMIT = 20;

/**
 * "A, B, C" or "A, B, … and 498 more": text output stays bounded whatever a repository holds, and each item is one
 * line (escapeName), since the names come from files and servers.
 */
export function joinBounded(items: readonly (string | number)[], limit = TEXT_LIST_LIMIT): string {
  const shown = items.slice(0, limit).map((item) => escapeName(String(item)));
  if (items.length <= limit) return shown.join(', ');
  return `${shown.join(', ')}, … and ${items.length - limit} more`;
}

/**
 * Every character that ends a line for some reader (\n, \r, \v, \f, U+0085 NEL, U+2028, U+2029), the other C0/C1
 * controls and the bidirectional overrides. A CI runner reads each output line as a possible workflow command
 * (`::error …`), so a name from a repository or a server must never start a line of its own.
 */
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * One name (a file, a folder, a key a server listed, a message quoting them) as one line of text output: each
 * unsafe character is written as `\uXXXX`, which is also a valid escape inside a JSON string.
 */
export function escapeName(name: string): string {
  return name.replace(UNSAFE_IN_NAME, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Whether a UTF-16 unit is JavaScript's `\s` (WhiteSpace or LineTerminator), the split `minRun` is defined by. */
export function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Offset of the start of the line holding `offset` (after LF, CRLF or a lone CR). */
export function lineStartAt(text: string, offset: number): number {
  let i = Math.min(text.length, Math.max(0, offset));
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Offset of the end of the line holding `offset`, before its line break (or the end of the text). */
export function lineEndAt(text: string, offset: number): number {
  let i = Math.max(0, offset);
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** Bytes as a latin1 string, one code unit per byte; in slices, since a value may be larger than an argument list. */
export function latin1Of(bytes: Uint8Array): string {
  let text = '';
  for (let at = 0; at < bytes.length; at += 8192) text += String.fromCharCode(...bytes.subarray(at, at + 8192));
  return text;
}
