import { CodeActionKind, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { LineIndex } from '../base/text';
import { baseName } from '../base/uris';
import { parseEnv } from '../model/envParser';
import { isEnvFileName, type ProjectState } from '../model/workspaceIndex';
import { isDiagnosticCode, type DiagnosticData } from '../rules/diagnosticRules';
import { IGNORE_MARKER, type EntrySpan } from '../rules/inlineIgnores';
import { lineContexts, type LineContext, type StringLanguage } from './lineContexts';

/**
 * Quick fixes for inline ignores (see rules/inlineIgnores.ts): "Ignore CODE on this line" writes a
 * `struere-secrets-ignore CODE` comment on a new line above a diagnostic, and "Remove this unused ignore" deletes a
 * comment line that silences nothing. Both need the file's comment syntax, known from its extension only: a file
 * whose syntax is not in the table gets neither (a guessed comment could be code, or text a prompt sends).
 * Neither title nor edit carries text of the file beyond the line's indentation: a flagged line may hold a secret.
 */

interface CommentForm {
  readonly open: string;
  /** The closer after the codes, '' for a comment that runs to the end of the line. */
  readonly close: string;
}

interface CommentSyntax extends CommentForm {
  /** Other whole-line comments of the language an ignore may be written in (removed alike; never written). */
  readonly others?: readonly CommentForm[];
}

const BLOCK: CommentForm = { open: '/*', close: '*/' };
const SLASHES: CommentSyntax = { open: '//', close: '', others: [BLOCK] };
const HASH: CommentSyntax = { open: '#', close: '' };
const HTML: CommentSyntax = { open: '<!--', close: '-->' };
const DASHES: CommentSyntax = { open: '--', close: '' };
const SQL: CommentSyntax = { ...DASHES, others: [BLOCK] };

/** What a file's extension says: its comments (the ignore's line) and its strings (where that line may go). */
interface FileSyntax {
  readonly comments: CommentSyntax;
  readonly strings: StringLanguage;
}

const SYNTAX_BY_EXTENSION: ReadonlyMap<string, FileSyntax> = new Map(
  (
    [
      ['ts mts cts js mjs cjs', SLASHES, 'js'],
      ['tsx jsx', SLASHES, 'jsx'],
      ['jsonc go java kt rs c h cpp cs swift dart scala', SLASHES, 'c-like'],
      ['py', HASH, 'python'],
      ['rb sh bash zsh r pl', HASH, 'shell-like'],
      ['toml', HASH, 'toml'],
      ['yaml yml', HASH, 'yaml'],
      ['md mdx markdown html htm xml', HTML, 'markup'],
      ['sql', SQL, 'sql'],
      ['lua', DASHES, 'lua'],
    ] as const
  ).flatMap(([extensions, comments, strings]) =>
    extensions.split(' ').map((ext): [string, FileSyntax] => [ext, { comments, strings }]),
  ),
);

/** The file's syntax, or undefined when it is not one we know (then no fix is offered). */
function fileSyntaxOf(uri: string): FileSyntax | undefined {
  const name = baseName(uri);
  const dot = name.lastIndexOf('.');
  return dot === -1 ? undefined : SYNTAX_BY_EXTENSION.get(name.slice(dot + 1).toLowerCase());
}

/** An open document: its text and the version every edit is computed for. */
export interface OpenText {
  readonly text: string;
  readonly version: number;
}

/**
 * What both fixes read of one open document, worked out once per code action request (its lines, its comment
 * syntax, an env file's entries), not once per diagnostic. Undefined for a file whose comment syntax is unknown.
 */
export interface IgnoreContext {
  readonly uri: string;
  readonly open: OpenText;
  readonly syntax: CommentSyntax;
  readonly lineIndex: LineIndex;
  /** An env file's entries (where a new line would fall inside a value); undefined for other files. */
  readonly entries: readonly EntrySpan[] | undefined;
  /**
   * Whether a line inserted at the start of `line` of another file is code, or text of a string that spans lines
   * (lineContexts.ts). Lexed on first use: most code action requests offer no ignore.
   */
  readonly lineContext: (line: number) => LineContext;
}

export function ignoreContext(project: ProjectState, uri: string, open: OpenText): IgnoreContext | undefined {
  const entries = envEntriesOf(project, uri, open.text);
  const lineIndex = new LineIndex(open.text);
  // An env file is judged by its entries (insideEntry); every other file by its language's strings.
  if (entries) return { uri, open, syntax: HASH, lineIndex, entries, lineContext: () => 'code' };
  const file = fileSyntaxOf(uri);
  if (!file) return undefined;
  let contexts: readonly LineContext[] | undefined;
  const lineContext = (line: number): LineContext => {
    contexts ??= lineContexts(open.text, file.strings);
    return contexts[line] ?? 'unknown';
  };
  return { uri, open, syntax: file.comments, lineIndex, entries, lineContext };
}

/**
 * "Ignore CODE on this line": a new line above the diagnostic's start line (where the diagnostic counts), with that
 * line's indentation and line break. Never for unused-ignore (an ignore of an ignore would only hide the stale one),
 * never in an env file where the new line would fall inside a multi-line value (it would change the value), and
 * never where it would fall inside a string spanning lines in code (a prompt in a template literal, a docstring, a
 * YAML block scalar, a fenced code block): it would change the text the agent sends. Where the lexer cannot tell,
 * no fix either.
 */
export function ignoreLineFix(context: IgnoreContext, diagnostic: Diagnostic): CodeAction | undefined {
  const code = diagnostic.code;
  if (!isDiagnosticCode(code) || code === 'unused-ignore') return undefined;
  const { uri, open, syntax, lineIndex, entries } = context;
  const line = diagnostic.range.start.line;
  if (line >= lineIndex.lineCount) return undefined;
  const lineStart = lineIndex.lineStart(line);
  if (entries && insideEntry(entries, lineStart)) return undefined;
  if (context.lineContext(line) !== 'code') return undefined;
  const indentation = /^[ \t]*/.exec(open.text.slice(lineStart, lineIndex.lineEnd(line)))![0];
  const closer = syntax.close ? ` ${syntax.close}` : '';
  const newText = `${indentation}${syntax.open} ${IGNORE_MARKER} ${code}${closer}${lineBreakOf(lineIndex, line)}`;
  const at = { line, character: 0 };
  return {
    title: `Ignore ${code} on this line (${IGNORE_MARKER} comment)`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: {
      documentChanges: [
        { textDocument: { uri, version: open.version }, edits: [{ range: { start: at, end: at }, newText }] },
      ],
    },
  };
}

/**
 * "Remove this unused ignore": deletes the comment's whole line, but only when the line is nothing but the comment
 * (opener, marker, codes, optional `-- reason`, closer; a `/* … *\/` comment too where the language has one) and
 * none of its codes is in use. A marker after code, or an ignore still silencing one of its codes, needs a human
 * to decide what to keep. Also offered inside a string spanning lines: there the line is an ignore someone wrote
 * into the prompt (the ignore fix did, before it knew strings), and deleting it gives the prompt back its text.
 */
export function removeUnusedIgnoreFix(context: IgnoreContext, diagnostic: Diagnostic): CodeAction | undefined {
  if (diagnostic.code !== 'unused-ignore' || !nothingInUse(diagnostic.data as DiagnosticData | undefined))
    return undefined;
  const { uri, open, syntax, lineIndex, entries } = context;
  const { line, character } = diagnostic.range.start;
  if (line >= lineIndex.lineCount) return undefined;
  const lineStart = lineIndex.lineStart(line);
  const lineText = open.text.slice(lineStart, lineIndex.lineEnd(line));
  // The marker must still be where the diagnostic says (a stale one deletes nothing), and be the line's only one:
  // a second ignore on the line may be in use.
  if (
    !lineText.startsWith(IGNORE_MARKER, character) ||
    lineText.indexOf(IGNORE_MARKER) !== lineText.lastIndexOf(IGNORE_MARKER)
  )
    return undefined;
  const forms = [syntax, ...(syntax.others ?? [])];
  if (!forms.some((form) => wholeCommentPattern(form).test(lineText)) || (entries && insideEntry(entries, lineStart)))
    return undefined;
  return {
    title: 'Remove this unused ignore',
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: {
      documentChanges: [
        { textDocument: { uri, version: open.version }, edits: [{ range: wholeLine(lineIndex, line), newText: '' }] },
      ],
    },
  };
}

/** Every code the ignore names is unused or unknown (a marker naming none silences nothing either). */
function nothingInUse(data: DiagnosticData | undefined): boolean {
  const { unused, unknown, named } = data ?? {};
  return (
    Array.isArray(unused) &&
    typeof unknown === 'number' &&
    typeof named === 'number' &&
    unused.length + unknown === named
  );
}

/** Codes as findInlineIgnores reads them: a letter, then letters, digits and `-`; comma-separated. */
const CODE_LIST = '[A-Za-z][A-Za-z0-9-]*(?:[ \\t]*,[ \\t]*[A-Za-z][A-Za-z0-9-]*)*';

/** A line that is one comment of `syntax` holding the marker, its codes and an optional `-- reason`, and nothing else. */
function wholeCommentPattern(syntax: CommentForm): RegExp {
  const close = syntax.close ? `[ \\t]*${escapeRegExp(syntax.close)}` : '';
  // A reason must not close the comment early: text after a closer is not part of the comment.
  const reasonChar = syntax.close ? `(?:(?!${escapeRegExp(syntax.close)}).)` : '.';
  const marker = escapeRegExp(IGNORE_MARKER);
  return new RegExp(
    `^[ \\t]*${escapeRegExp(syntax.open)}[ \\t]*${marker}(?:[ \\t]+${CODE_LIST})?(?:[ \\t]+--(?:[ \\t]${reasonChar}*)?)?${close}[ \\t]*$`,
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/**
 * An env file's entries (the open text's, so offsets match the document the edit is for), or undefined for a
 * file that is not an env file.
 */
function envEntriesOf(project: ProjectState, uri: string, text: string): readonly EntrySpan[] | undefined {
  const indexed = project.envFiles.get(uri);
  if (indexed && indexed.lineIndex.text === text) return indexed.parsed.entries;
  return indexed || isEnvFileName(baseName(uri)) ? parseEnv(text).entries : undefined;
}

/** Whether a line starting at `lineStart` continues an entry begun on an earlier line (a multi-line value). */
function insideEntry(entries: readonly EntrySpan[], lineStart: number): boolean {
  return entries.some((entry) => entry.entryStart < lineStart && lineStart < entry.valueEnd);
}

/** The break ending `line`, else the file's first, else `\n`: the inserted line keeps the file's line ending. */
function lineBreakOf(lineIndex: LineIndex, line: number): string {
  if (line + 1 < lineIndex.lineCount)
    return lineIndex.text.slice(lineIndex.lineEnd(line), lineIndex.lineStart(line + 1));
  return /\r\n|\r|\n/.exec(lineIndex.text)?.[0] ?? '\n';
}

/** `line` with its line break; the last line takes the break before it, so no empty line is left behind. */
function wholeLine(lineIndex: LineIndex, line: number): Range {
  if (line + 1 < lineIndex.lineCount) return { start: { line, character: 0 }, end: { line: line + 1, character: 0 } };
  const end = lineIndex.text.length;
  return lineIndex.rangeOf(line === 0 ? 0 : lineIndex.lineEnd(line - 1), end);
}
