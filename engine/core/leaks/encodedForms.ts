/**
 * The encoded copies of a value that people paste: a Basic-auth header (base64 of `user:token`), a URL query
 * (`%2F`, `%2B`), a JSON-escaped string, a hex dump. Each is one more pattern of the value dictionary, matched in
 * the same Aho–Corasick pass as the literal, and it carries its form so a finding can say "base64 of KEY" without
 * the value or the encoded text. Encodings are of the value's UTF-8 bytes, as every encoder of a string does.
 *
 * Only forms that differ from the literal are returned: a form equal to it is the literal match already, and
 * naming it "percent-encoding" would be wrong. Which values get forms at all is the dictionary's decision
 * ({@link hasEncodedForms}): an encoded copy of an ordinary value (a port, a mode) is no evidence of anything.
 */

import { latin1Of } from '../base/text';
import { isCredentialLike } from './credentials';

/**
 * Which values get encoded forms: the credential-like ones, in every dictionary (`leaked-value`'s, and `redact`'s,
 * which also holds ordinary values of 6+ characters). A hex or base64 copy of `3000` or `production` is short and
 * made of common characters, so it turns up by chance in dumps and IDs; a credential's is long and random.
 * Blanks aside: a passphrase with spaces (only `redact` holds one) is judged without them, so its form-encoded
 * copy (`+` for each space) is replaced too, while prose (`Acme Corporation Ltd`) stays ordinary either way.
 */
export function hasEncodedForms(value: string): boolean {
  return isCredentialLike(value) || (/\s/.test(value) && isCredentialLike(value.replace(/\s+/g, '')));
}

export type EncodedForm = 'base64' | 'base64url' | 'percent-encoding' | 'string escape' | 'hex';

export interface EncodedPattern {
  readonly text: string;
  readonly form: EncodedForm;
}

export function encodedForms(value: string): EncodedPattern[] {
  const bytes = new TextEncoder().encode(value);
  const found = new Map<string, EncodedForm>();
  const add = (form: EncodedForm, text: string): void => {
    // The first form to produce a text names it; the literal is never an encoded form of itself.
    if (text.length > 0 && text !== value && !found.has(text)) found.set(text, form);
  };
  const base64 = base64Patterns(bytes);
  for (const text of base64) add('base64', text);
  for (const text of base64) add('base64url', text.replace(/\+/g, '-').replace(/\//g, '_'));
  for (const text of percentPatterns(bytes)) add('percent-encoding', text);
  for (const text of escapePatterns(value)) add('string escape', text);
  let hex = '';
  for (const byte of bytes) hex += HEX_BYTES[byte];
  add('hex', hex);
  add('hex', hex.toUpperCase());
  return [...found].map(([text, form]) => ({ text, form }));
}

/** Each byte's two lower-case hex digits. */
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * Base64 of the value on its own (with and without `=` padding), and the characters that stay the same wherever
 * the value sits inside a longer base64 run. A run encodes 3 bytes as 4 characters of 6 bits, so the value's
 * characters depend on its offset modulo 3 (its alignment) and on its neighbours only where a character mixes
 * the value's bits with theirs: with p bytes before it, the characters from ceil(8p/6) to floor(8(p+n)/6) hold
 * the value's bits alone. Those three inner parts (p = 0, 1, 2) cover `base64("user:" + token)`, whatever the
 * user name's length.
 */
function base64Patterns(bytes: Uint8Array): string[] {
  const padded = base64Of(bytes);
  const patterns = [padded, padded.replace(/=+$/, '')];
  for (let prefix = 0; prefix < 3; prefix++) {
    const shifted = new Uint8Array(prefix + bytes.length);
    shifted.set(bytes, prefix);
    const first = Math.ceil((8 * prefix) / 6);
    const end = Math.floor((8 * (prefix + bytes.length)) / 6);
    patterns.push(base64Of(shifted).slice(first, end));
  }
  return patterns;
}

/** Base64 with padding; `btoa` (a global of Node and browsers) takes the bytes as a latin1 string. */
function base64Of(bytes: Uint8Array): string {
  return btoa(latin1Of(bytes));
}

/**
 * Percent-encoding as the common encoders write it, each with upper- and lower-case hex digits: every byte but
 * the RFC 3986 unreserved characters (Python's `quote(safe='')`, Go's `PathEscape` of a segment), JavaScript's
 * `encodeURIComponent` (which also keeps `!'()*`), and HTML forms' `application/x-www-form-urlencoded` (keeps
 * `*-._`, a space becomes `+`).
 */
function percentPatterns(bytes: Uint8Array): string[] {
  // A value that every encoder keeps as it is (most tokens) is its own encoding in all three: no work.
  if (bytes.every((byte) => PERCENT_KEPT.every((kept) => kept[byte] === 1))) return [];
  const patterns: string[] = [];
  for (const kept of PERCENT_KEPT) {
    let upper = '';
    let lower = '';
    for (const byte of bytes) {
      if (kept[byte] === 1) {
        const character = String.fromCharCode(byte);
        upper += character;
        lower += character;
      } else if (byte === 0x20 && kept === FORM_KEPT) {
        upper += '+';
        lower += '+';
      } else {
        upper += `%${HEX_BYTES[byte]!.toUpperCase()}`;
        lower += `%${HEX_BYTES[byte]!}`;
      }
    }
    patterns.push(upper, lower);
  }
  return patterns;
}

/** The bytes an encoder writes as they are (1), by its character set. */
function keptBytes(characters: string): Uint8Array {
  const kept = new Uint8Array(256);
  for (let i = 0; i < characters.length; i++) kept[characters.charCodeAt(i)] = 1;
  return kept;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const FORM_KEPT = keptBytes(`${ALPHANUMERIC}*-._`);
/** RFC 3986's unreserved characters first: every encoder keeps them, except `~` in forms. */
const PERCENT_KEPT = [keptBytes(`${ALPHANUMERIC}-._~`), keptBytes(`${ALPHANUMERIC}-._~!'()*`), FORM_KEPT];

/**
 * The value inside a string literal: JSON's escapes (`\"`, `\\`, control characters), JavaScript's `\'` in a
 * single-quoted string, `\/` (PHP's `json_encode` escapes every slash), and `\uXXXX` for every non-ASCII character
 * (Python's `json.dumps`).
 */
function escapePatterns(value: string): string[] {
  // Nothing to escape in any variant (most tokens): no work.
  if (!/[^\x20-\x7e]|["'\\/]/.test(value)) return [];
  // Only the variants that can differ: a second quote style when the value holds a quote, and so on.
  const patterns: string[] = [];
  for (const quote of /["']/.test(value) ? ['"', "'"] : ['"'])
    for (const slash of value.includes('/') ? [false, true] : [false])
      for (const ascii of /[^\x00-\x7f]/.test(value) ? [false, true] : [false])
        patterns.push(escaped(value, quote, slash, ascii));
  return patterns;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't' };

function escaped(value: string, quote: string, slash: boolean, ascii: boolean): string {
  let text = '';
  for (const character of value) {
    const code = character.charCodeAt(0);
    if (character === '\\' || character === quote || (slash && character === '/')) text += `\\${character}`;
    else if (SHORT_ESCAPES[character] !== undefined) text += `\\${SHORT_ESCAPES[character]}`;
    else if (code < 0x20 || (ascii && code > 0x7f))
      // A character outside the BMP is two code units, each escaped (as JSON writes it).
      for (let i = 0; i < character.length; i++) text += `\\u${character.charCodeAt(i).toString(16).padStart(4, '0')}`;
    else text += character;
  }
  return text;
}
