import { DROPPED_KEYS, parseEnv } from './envParser';
import { isValidKey, type Environment } from './environments';
import { describeInvalidName } from './invalidName';
import type { RemoteNameList } from './remoteNames';
import { promptReferencePattern } from './references';

/**
 * What a prompt compiles to on the platform, without any value: a set secret shows as a mask, an unset one as
 * the literal the platform puts there, `[MISSING_SECRET:KEY]`. Pure: the caller says which keys are set
 * (`isSet`), and no value ever reaches this module, so none can leak out of it.
 *
 * Agent code (`.ts`/`.js`): every `systemPrompt:` string of the file — backtick templates (their `${…}`
 * expressions are kept as written, since they run only on the platform), single- or double-quoted strings,
 * `'a' + 'b'` concatenations, tagged templates (`dedent\`…\``, shown undedented) — with the `name:` of the same
 * object literal. Any other file (`.md`, `.txt`, `.prompt`, …) is one prompt: the whole text.
 */

export interface CompiledPrompt {
  /** The `name:` of the object literal holding the `systemPrompt` (agent code only), when it is a plain string. */
  readonly name?: string;
  readonly compiled: string;
  /** 0-based line where the prompt starts: its opening quote in agent code, 0 for a whole file. */
  readonly startLine: number;
}

export interface CompileResult {
  /** Where the prompts come from: the `systemPrompt:` strings of agent code, or the whole file. */
  readonly origin: 'systemPrompt' | 'whole-file';
  readonly prompts: readonly CompiledPrompt[];
  /** Referenced keys that compile to `[MISSING_SECRET:KEY]`, in order of first appearance, each once. */
  readonly missing: readonly string[];
}

/** What a set secret shows as: never its value, nor its length. */
export const SET_SECRET_MASK = '••••';

export function missingSecretLiteral(key: string): string {
  return `[MISSING_SECRET:${key}]`;
}

const AGENT_LANGUAGES = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact']);
const AGENT_EXTENSION = /\.(?:[cm]?[jt]s|[jt]sx)$/i;

/** Agent code holds prompts in `systemPrompt:` strings; other files are prompts as a whole. */
export function isAgentCode(languageIdOrFileName: string): boolean {
  return AGENT_LANGUAGES.has(languageIdOrFileName) || AGENT_EXTENSION.test(languageIdOrFileName);
}

export function compilePrompt(
  text: string,
  languageIdOrFileName: string,
  isSet: (key: string) => boolean,
): CompileResult {
  const missing = new Set<string>();
  const compile = (template: string) => compileTemplate(template, isSet, missing);
  if (!isAgentCode(languageIdOrFileName))
    return { origin: 'whole-file', prompts: [{ compiled: compile(text), startLine: 0 }], missing: [...missing] };
  const prompts = extractSystemPrompts(text).map((prompt) => ({
    ...(prompt.name !== undefined ? { name: prompt.name } : {}),
    compiled: compile(prompt.text),
    startLine: prompt.startLine,
  }));
  return { origin: 'systemPrompt', prompts, missing: [...missing] };
}

/**
 * Replaces each prompt reference with the mask or the missing literal, adding missing keys to `missing`. A name
 * that fails the key pattern can never be set on the platform (even if a `.env` file has it: dotenv accepts
 * `-` and `.`), so it is always missing; it shows as `[MISSING_SECRET:<a 51-character name with '-' in it>]`.
 */
export function compileTemplate(text: string, isSet: (key: string) => boolean, missing: Set<string>): string {
  return text.replace(promptReferencePattern(), (_match, template: string | undefined, angle: string | undefined) => {
    const key = template ?? angle ?? '';
    if (isValidKey(key) && isSet(key)) return SET_SECRET_MASK;
    // The platform prints the name as written; the preview describes it instead, as it may be a pasted value.
    const shown = isValidKey(key) ? key : `<${describeInvalidName(key)}>`;
    missing.add(shown);
    return missingSecretLiteral(shown);
  });
}

/**
 * The set keys of one environment in the editor's terms: the keys of its local file's text (`.env.development`
 * for development and eval, `.env.production` for production) ∪ the names of its remote list when known.
 */
export function setKeysFrom(localEnvText: string | undefined, remote: RemoteNameList): ReadonlySet<string> {
  const keys = new Set<string>();
  if (localEnvText !== undefined)
    for (const entry of parseEnv(localEnvText).entries) if (!DROPPED_KEYS.has(entry.key)) keys.add(entry.key);
  if (remote.state !== 'unknown') for (const name of remote.names) keys.add(name);
  return keys;
}

export interface PreviewHeading {
  /** How the file is named to the reader (project-relative path). */
  readonly file: string;
  readonly environment: Environment;
  /** Where "set" comes from, e.g. ".env.development ∪ remote development list (unknown: no API key)". */
  readonly setMeans?: string;
}

/** The text both front ends show: a header naming the environment and the missing keys, then each prompt. */
export function formatPromptPreview(result: CompileResult, heading: PreviewHeading): string {
  const lines = [
    `Compiled prompt of ${heading.file} for ${heading.environment}`,
    `Set secrets show as ${SET_SECRET_MASK} (values are never shown); unset ones compile to ${missingSecretLiteral('KEY')}, as on the platform.`,
  ];
  if (heading.setMeans !== undefined) lines.push(`Set in ${heading.environment} means: ${heading.setMeans}.`);
  lines.push(
    result.missing.length === 0
      ? `Missing in ${heading.environment}: none`
      : `Missing in ${heading.environment}: ${result.missing.join(', ')}`,
  );
  if (result.prompts.length === 0) {
    lines.push('', 'No systemPrompt string in this file (agent files hold prompts as systemPrompt: `…`).');
    return lines.join('\n');
  }
  for (const prompt of result.prompts) {
    const title =
      result.origin === 'whole-file'
        ? 'whole file'
        : `systemPrompt${prompt.name !== undefined ? ` of ${prompt.name}` : ''}, line ${prompt.startLine + 1}`;
    lines.push('', `── ${title} ──`, prompt.compiled);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// systemPrompt extraction: a small JavaScript lexer (comments, strings, templates with nested `${…}`, regex
// literals) so that quotes inside comments or regexes never derail it, and brace tracking so a prompt is
// paired with the `name:` of its own object literal.

export interface ExtractedPrompt {
  readonly name?: string;
  /** The string's value as JavaScript would build it, `${…}` expressions kept as written. */
  readonly text: string;
  readonly startLine: number;
}

type TokenType = 'word' | 'string' | 'template' | 'regex' | 'punct';

interface Token {
  readonly type: TokenType;
  readonly start: number;
  readonly end: number;
}

/** Keywords after which `/` starts a regex, not a division. */
const REGEX_AFTER_WORD = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 128;
}

function isBlank(c: number): boolean {
  return (
    c === 32 ||
    c === 9 ||
    c === 10 ||
    c === 13 ||
    c === 11 ||
    c === 12 ||
    c === 0xa0 ||
    c === 0xfeff ||
    c === 0x2028 ||
    c === 0x2029
  );
}

/** Tokens carry absolute offsets into `text`; `pos` is where lexing starts. */
class Lexer {
  private previous: Token | undefined;

  constructor(
    private readonly text: string,
    private pos = 0,
  ) {}

  /** The next significant token (blanks and comments skipped), or undefined at the end. */
  next(): Token | undefined {
    const text = this.text;
    const n = text.length;
    for (;;) {
      while (this.pos < n && isBlank(text.charCodeAt(this.pos))) this.pos++;
      if (this.pos >= n) return undefined;
      if (text.startsWith('//', this.pos)) {
        this.pos = lineEnd(text, this.pos);
        continue;
      }
      if (text.startsWith('/*', this.pos)) {
        const close = text.indexOf('*/', this.pos + 2);
        this.pos = close === -1 ? n : close + 2;
        continue;
      }
      break;
    }
    const start = this.pos;
    const c = text.charCodeAt(start);
    let token: Token;
    if (c === 39 /* ' */ || c === 34 /* " */)
      token = { type: 'string', start, end: (this.pos = skipQuoted(text, start)) };
    else if (c === 96 /* ` */) token = { type: 'template', start, end: (this.pos = skipTemplate(text, start)) };
    else if (isWordChar(c)) {
      let end = start + 1;
      while (end < n && isWordChar(text.charCodeAt(end))) end++;
      token = { type: 'word', start, end: (this.pos = end) };
    } else if (c === 47 /* / */ && this.regexAllowed()) {
      const end = skipRegex(text, start);
      token =
        end === -1
          ? { type: 'punct', start, end: (this.pos = start + 1) }
          : { type: 'regex', start, end: (this.pos = end) };
    } else token = { type: 'punct', start, end: (this.pos = start + 1) };
    this.previous = token;
    return token;
  }

  private regexAllowed(): boolean {
    const previous = this.previous;
    if (previous === undefined) return true;
    if (previous.type === 'word') return REGEX_AFTER_WORD.has(this.text.slice(previous.start, previous.end));
    if (previous.type === 'punct') return !')]}'.includes(this.text[previous.start]);
    return false;
  }
}

function lineEnd(text: string, pos: number): number {
  while (pos < text.length && text[pos] !== '\n' && text[pos] !== '\r') pos++;
  return pos;
}

/** End (exclusive) of a '…' or "…" string opened at `start`; an unterminated one ends at its line end. */
function skipQuoted(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === quote) return i + 1;
    else if (ch === '\n' || ch === '\r') return i;
  }
  return text.length;
}

/** End (exclusive) of a template opened at `start`, skipping its `${…}` expressions (which may nest templates). */
function skipTemplate(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '`') return i + 1;
    else if (ch === '$' && text[i + 1] === '{') i = skipExpression(text, i + 2) - 1;
  }
  return text.length;
}

/** End (exclusive, just past the closing `}`) of a `${…}` expression whose body starts at `start`. */
function skipExpression(text: string, start: number): number {
  const lexer = new Lexer(text, start);
  let depth = 0;
  for (let token = lexer.next(); token !== undefined; token = lexer.next()) {
    if (token.type !== 'punct') continue;
    const ch = text[token.start];
    if (ch === '{') depth++;
    else if (ch === '}') {
      if (depth === 0) return token.end;
      depth--;
    }
  }
  return text.length;
}

/** End (exclusive) of a regex literal at `start`, flags included, or -1 when none closes on this line. */
function skipRegex(text: string, start: number): number {
  let inClass = false;
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n' || ch === '\r') return -1;
    if (ch === '\\') i++;
    else if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (ch === '/' && !inClass) {
      let end = i + 1;
      while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
      return end;
    }
  }
  return -1;
}

/** Every `systemPrompt:` string literal of an agent file, in order. */
export function extractSystemPrompts(text: string): ExtractedPrompt[] {
  const tokens: Token[] = [];
  const lexer = new Lexer(text);
  for (let token = lexer.next(); token !== undefined; token = lexer.next()) tokens.push(token);

  const source = (token: Token) => text.slice(token.start, token.end);
  const isPunct = (token: Token | undefined, ch: string) =>
    token !== undefined && token.type === 'punct' && text[token.start] === ch;

  interface Found {
    text: string;
    start: number;
    name?: string;
  }
  const found: Found[] = [];
  /**
   * One frame per open `{`: the object literal's `name:` and the prompts found in it. A prompt takes the name of
   * the nearest enclosing object that has one (`name:` may come before or after `systemPrompt:`).
   */
  const frames: { name?: string; prompts: Found[] }[] = [];

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (isPunct(token, '{')) {
      frames.push({ prompts: [] });
      continue;
    }
    if (isPunct(token, '}')) {
      const frame = frames.pop();
      if (frame?.name !== undefined) for (const prompt of frame.prompts) prompt.name = frame.name;
      else if (frame) frames[frames.length - 1]?.prompts.push(...frame.prompts);
      continue;
    }
    // A property key: a word or a quoted name right after `{` or `,`, followed by `:`.
    if (
      !(token.type === 'word' || token.type === 'string') ||
      !(isPunct(tokens[i - 1], '{') || isPunct(tokens[i - 1], ',')) ||
      !isPunct(tokens[i + 1], ':')
    )
      continue;
    const property = token.type === 'word' ? source(token) : cookString(text, token);
    if (property !== 'systemPrompt' && property !== 'name') continue;
    const value = readStringExpression(text, tokens, i + 2);
    if (value === undefined) continue;
    const frame = frames[frames.length - 1];
    if (property === 'name') {
      if (frame && frame.name === undefined && !value.hasExpressions) frame.name = value.text;
    } else {
      const prompt: Found = { text: value.text, start: value.start };
      found.push(prompt);
      frame?.prompts.push(prompt);
    }
  }
  return found.map((prompt) => ({
    ...(prompt.name !== undefined ? { name: prompt.name } : {}),
    text: prompt.text,
    startLine: lineOf(text, prompt.start),
  }));
}

/**
 * A string-valued expression starting at tokens[index]: a literal, a tagged template (`dedent\`…\``,
 * `String.raw\`…\``), or literals joined by `+`. Anything else (a variable, a call) is not a literal prompt.
 */
function readStringExpression(
  text: string,
  tokens: readonly Token[],
  index: number,
): { text: string; start: number; hasExpressions: boolean } | undefined {
  const isPunct = (token: Token | undefined, ch: string) =>
    token !== undefined && token.type === 'punct' && text[token.start] === ch;
  let parts = '';
  let start = -1;
  let hasExpressions = false;
  for (let i = index; ;) {
    // A tag, `word(.word)*` directly followed by a template, is skipped: the template is the prompt.
    let k = i;
    while (tokens[k]?.type === 'word' && isPunct(tokens[k + 1], '.') && tokens[k + 2]?.type === 'word') k += 2;
    const at = tokens[k]?.type === 'word' && tokens[k + 1]?.type === 'template' ? k + 1 : i;
    const token = tokens[at];
    if (token === undefined || (token.type !== 'string' && token.type !== 'template')) break;
    if (start === -1) start = token.start;
    if (token.type === 'template') {
      const cooked = cookTemplate(text, token);
      parts += cooked.text;
      hasExpressions ||= cooked.hasExpressions;
    } else parts += cookString(text, token);
    if (!isPunct(tokens[at + 1], '+')) break;
    i = at + 2;
  }
  return start === -1 ? undefined : { text: parts, start, hasExpressions };
}

function cookString(text: string, token: Token): string {
  const closed = token.end - token.start >= 2 && text[token.end - 1] === text[token.start];
  return cookEscapes(text.slice(token.start + 1, closed ? token.end - 1 : token.end));
}

/** A template's value with its literal parts cooked and its `${…}` expressions kept as written. */
function cookTemplate(text: string, token: Token): { text: string; hasExpressions: boolean } {
  const end = text[token.end - 1] === '`' && token.end - token.start >= 2 ? token.end - 1 : token.end;
  let out = '';
  let literalStart = token.start + 1;
  let hasExpressions = false;
  for (let i = literalStart; i < end; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '$' && text[i + 1] === '{') {
      const close = Math.min(skipExpression(text, i + 2), end);
      out += cookEscapes(text.slice(literalStart, i).replace(/\r\n?/g, '\n')) + text.slice(i, close);
      hasExpressions = true;
      literalStart = close;
      i = close - 1;
    }
  }
  // Template literals normalise CRLF and CR to LF (ECMAScript TV/TRV rules).
  return { text: out + cookEscapes(text.slice(literalStart, end).replace(/\r\n?/g, '\n')), hasExpressions };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v' };

/** JavaScript string escapes: `\n`, `\xHH`, `\uHHHH`, `\u{…}`, line continuations, and `\c` → `c` for the rest. */
function cookEscapes(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(
    /\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|0(?![0-9])|\r\n|[\s\S])/g,
    (_match, escape: string) => {
      if (escape.startsWith('u{')) {
        const code = parseInt(escape.slice(2, -1), 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : escape;
      }
      if (escape.length > 1 && (escape[0] === 'u' || escape[0] === 'x'))
        return String.fromCharCode(parseInt(escape.slice(1), 16));
      if (escape === '0') return '\0';
      if (escape === '\n' || escape === '\r' || escape === '\r\n' || escape === '\u2028' || escape === '\u2029')
        return '';
      return SIMPLE_ESCAPES[escape] ?? escape;
    },
  );
}

/** 0-based line of `offset`, with LSP's line breaks (LF, CRLF, lone CR). */
function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}
