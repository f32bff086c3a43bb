import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { lineContexts, type LineContext } from '../../../engine/core/features/lineContexts';
import { disagreements } from './lineContextsAgreement';

// The JavaScript lexer of lineContexts.ts decides where "Ignore CODE on this line" may insert a comment line, with
// two heuristics of its own (where a `/` opens a regular expression; JSX). Here it is held against TypeScript's
// parser on real code: a line that starts inside a string, template literal or JSX text by the parser's syntax
// tree must not be 'code' to the lexer (the fix would edit the text an agent sends), and a line the parser puts in
// code should be 'code' (else the fix is withheld there). 'unknown' is always allowed. The corpus: this
// repository's own sources, and the minified bundles of two pinned dependencies (prettier's plugins, playwright's web views), dense in template literals and
// regular expressions (where a `return/re/` once made the lexer take a template literal's lines for code).

const ROOT = path.join(__dirname, '..', '..', '..');
const CORPUS = [
  'engine',
  'client',
  'server',
  'cli',
  'bench',
  'scripts',
  'test',
  'node_modules/prettier/plugins',
  'node_modules/playwright-core/lib/vite',
];
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

const TEXT_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.JsxText,
]);

/** Per line (split at LF, as lineContexts), whether the parser puts its start inside a text token. */
function parserContexts(text: string, fileName: string): ('code' | 'string')[] {
  const jsx = /x$/.test(fileName);
  const kind = jsx ? ts.ScriptKind.TSX : /\.[cm]?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  const spans: [number, number][] = [];
  const visit = (node: ts.Node): void => {
    if (TEXT_KINDS.has(node.kind)) spans.push([node.getStart(source), node.end]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  spans.sort((a, b) => a[0] - b[0]);
  const contexts: ('code' | 'string')[] = ['code'];
  let next = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    const lineStart = at + 1;
    while (next < spans.length && spans[next]![1] <= lineStart) next++;
    // Tokens do not nest: the first one not yet ended is the only one that can hold the line start.
    const span = spans[next];
    contexts.push(span !== undefined && span[0] < lineStart ? 'string' : 'code');
  }
  return contexts;
}

/** Every line where the lexer's context is not the parser's (and not 'unknown'). */
function parserDisagreements(text: string, fileName: string, lexed: readonly LineContext[]): string[] {
  return disagreements(fileName, lexed, parserContexts(text, fileName), 'parser');
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', 'dist', '.cache', 'corpus'].includes(entry.name)) yield* sourceFiles(full);
    } else if (entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

void test('the JavaScript lexer agrees with TypeScript’s parser on every line of real code', () => {
  let files = 0;
  let lines = 0;
  const found: string[] = [];
  for (const folder of CORPUS)
    for (const file of sourceFiles(path.join(ROOT, folder))) {
      const text = fs.readFileSync(file, 'utf8');
      const name = path.relative(ROOT, file);
      const lexed = lineContexts(text, /x$/.test(file) ? 'jsx' : 'js');
      found.push(...parserDisagreements(text, name, lexed));
      files++;
      lines += lexed.length;
    }
  assert.ok(files > 300 && lines > 40_000, `the corpus is there (${files} files, ${lines} lines)`);
  assert.deepEqual(found.slice(0, 20), [], `${found.length} lines disagree`);
});

void test('control: the comparison finds a line the lexer gets wrong', () => {
  // JSX text lexed as plain JavaScript: the apostrophe opens a "string" that runs over the next lines.
  const text = ["const A = () => <p>Don't</p>;", 'const t = `a', 'b`;', 'const u = 1;', ''].join('\n');
  assert.notDeepEqual(parserDisagreements(text, 'control.tsx', lineContexts(text, 'js')), []);
  assert.deepEqual(parserDisagreements(text, 'control.tsx', lineContexts(text, 'jsx')), []);
});
