/*
 * Tokenizes text with the extension's TextMate grammars the way VS Code does: vscode-textmate over the
 * oniguruma wasm, grammars and injections resolved from package.json's `contributes.grammars` (so the
 * manifest entry is exercised too), plus stand-in host grammars a test supplies for scopes VS Code would
 * provide (source.ts, text.html.markdown, …).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

interface ManifestGrammar {
  scopeName: string;
  path: string;
  injectTo?: string[];
}

function manifestGrammars(): ManifestGrammar[] {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    contributes: { grammars: ManifestGrammar[] };
  };
  return manifest.contributes.grammars;
}

let onigLib: Promise<vsctm.IOnigLib> | undefined;

/** loadWASM may run only once per process; every registry shares the result. */
function loadOnigLib(): Promise<vsctm.IOnigLib> {
  onigLib ??= (async () => {
    const wasm = readFileSync(path.join(REPO_ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    return {
      createOnigScanner: (patterns: string[]) => oniguruma.createOnigScanner(patterns),
      createOnigString: (text: string) => oniguruma.createOnigString(text),
    };
  })();
  return onigLib;
}

/** A grammar given inline, standing in for one VS Code ships (its JSON shape, as an object). */
export interface HostGrammar {
  scopeName: string;
  [key: string]: unknown;
}

/** Loads `scopeName` from the manifest or from `hosts`, with the manifest's injections applied. */
export async function loadGrammar(
  scopeName: string,
  hosts: readonly HostGrammar[] = [],
  theme?: vsctm.IRawTheme,
): Promise<vsctm.IGrammar> {
  return (await loadThemed(scopeName, hosts, theme)).grammar;
}

/** The grammar and the colour map a theme resolves to (index = foreground id in tokenizeLine2's metadata). */
export async function loadThemed(
  scopeName: string,
  hosts: readonly HostGrammar[] = [],
  theme?: vsctm.IRawTheme,
): Promise<{ grammar: vsctm.IGrammar; colorMap: string[] }> {
  const contributed = manifestGrammars();
  const registry = new vsctm.Registry({
    theme,
    onigLib: loadOnigLib(),
    loadGrammar: async (name) => {
      const host = hosts.find((grammar) => grammar.scopeName === name);
      if (host) return vsctm.parseRawGrammar(JSON.stringify(host), `${name}.json`);
      const entry = contributed.find((grammar) => grammar.scopeName === name);
      if (!entry) return null;
      const file = path.join(REPO_ROOT, entry.path);
      return vsctm.parseRawGrammar(readFileSync(file, 'utf8'), file);
    },
    getInjections: (name) =>
      contributed.filter((grammar) => grammar.injectTo?.includes(name)).map((grammar) => grammar.scopeName),
  });
  const grammar = await registry.loadGrammar(scopeName);
  if (!grammar) throw new Error(`no grammar for ${scopeName}`);
  return { grammar, colorMap: registry.getColorMap() };
}

/** vscode-textmate's encoded token metadata: the foreground colour id sits in bits 15–23. */
const FOREGROUND_OFFSET = 15;
const FOREGROUND_MASK = 0b111111111 << FOREGROUND_OFFSET;

/** The foreground colour of every character of `text` (per line, the rule stack carried as the editor does). */
export function foregrounds(grammar: vsctm.IGrammar, colorMap: readonly string[], text: string): string[][] {
  let state = vsctm.INITIAL;
  return text.split(/\r\n|\r|\n/).map((lineText) => {
    const result = grammar.tokenizeLine2(lineText, state);
    state = result.ruleStack;
    const colours: string[] = [];
    const tokens = result.tokens;
    for (let i = 0; i < tokens.length; i += 2) {
      const start = tokens[i];
      const end = i + 2 < tokens.length ? tokens[i + 2] : lineText.length;
      const colour = colorMap[(tokens[i + 1] & FOREGROUND_MASK) >>> FOREGROUND_OFFSET];
      for (let at = start; at < end; at++) colours[at] = colour;
    }
    return colours;
  });
}

export interface Token {
  /** 0-based line of the fixture. */
  readonly line: number;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly text: string;
  /** Outermost first, the grammar's root scope included. */
  readonly scopes: readonly string[];
}

/** Tokenizes `text` line by line, carrying the rule stack across lines as the editor does. */
export function tokenize(grammar: vsctm.IGrammar, text: string): Token[] {
  const tokens: Token[] = [];
  let state = vsctm.INITIAL;
  text.split(/\r\n|\r|\n/).forEach((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, state);
    for (const token of result.tokens) {
      const endIndex = Math.min(token.endIndex, lineText.length);
      if (endIndex <= token.startIndex) continue;
      tokens.push({
        line,
        startIndex: token.startIndex,
        endIndex,
        text: lineText.slice(token.startIndex, endIndex),
        scopes: token.scopes,
      });
    }
    state = result.ruleStack;
  });
  return tokens;
}

/**
 * The scopes every token overlapping `needle` carries (so a scope is reported only when it covers all of
 * the needle). `needle` is found on a single line; `«…»` inside it narrows to that part, which lets a
 * test say which occurrence it means: `scopesAt(tokens, 'export «KEY»=')`. `nth` picks a later occurrence.
 */
export function scopesAt(tokens: readonly Token[], needle: string, nth = 0): string[] {
  const open = needle.indexOf('«');
  const close = needle.indexOf('»');
  const context =
    open === -1 ? needle : needle.slice(0, open) + needle.slice(open + 1, close) + needle.slice(close + 1);
  const from = open === -1 ? 0 : open;
  const length = open === -1 ? needle.length : close - open - 1;
  if (length <= 0) throw new Error(`empty needle: ${needle}`);

  const lines = new Map<number, Token[]>();
  for (const token of tokens) {
    const list = lines.get(token.line) ?? [];
    list.push(token);
    lines.set(token.line, list);
  }
  let seen = 0;
  for (const lineTokens of lines.values()) {
    const lineText = lineTokens.map((token) => token.text).join('');
    const lineStart = lineTokens[0].startIndex;
    for (let at = lineText.indexOf(context); at !== -1; at = lineText.indexOf(context, at + 1)) {
      if (seen++ < nth) continue;
      const start = lineStart + at + from;
      const end = start + length;
      const covering = lineTokens.filter((token) => token.startIndex < end && token.endIndex > start);
      return covering[0].scopes.filter((scope) => covering.every((token) => token.scopes.includes(scope)));
    }
  }
  throw new Error(`"${context}" not found in the tokenized text`);
}

/** TextMate selector semantics for one scope: `string.quoted` matches `string.quoted.double.dotenv`. */
export function hasScope(scopes: readonly string[], selector: string): boolean {
  return scopes.some((scope) => scope === selector || scope.startsWith(`${selector}.`));
}

/**
 * One line per token: `L<line> "text" → scopes`, the root scope left out. Whitespace-only tokens that carry
 * nothing but the root scope are skipped to keep snapshots readable.
 */
export function renderTokens(tokens: readonly Token[]): string {
  return tokens
    .filter((token) => token.scopes.length > 1 || token.text.trim() !== '')
    .map((token) => `L${token.line + 1} ${JSON.stringify(token.text)} → ${token.scopes.slice(1).join(' ')}`.trimEnd())
    .join('\n');
}
