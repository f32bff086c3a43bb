import {
  CodeActionKind,
  type CodeAction,
  type Diagnostic,
  type Range,
  type TextEdit,
} from 'vscode-languageserver-types';
import { Commands } from '../features/commands';
import type { DiagnosticData } from '../rules/diagnosticRules';
import { parseEnv } from '../model/envParser';
import { ENV_FILE_NAMES, isValidKey } from '../model/environments';
import { isTemplateEnvFile } from '../model/gitignore';
import { LineIndex } from '../base/text';
import { joinUri } from '../base/uris';
import type { ProjectState } from '../model/workspaceIndex';
import { contextAccessAt } from './contextScope';
import type { EncodedForm } from './encodedForms';

/**
 * The quick fix for `leaked-value`: the pasted value gives way to a reference to its key. In a prompt (Markdown,
 * text, or a longer string in code: a prompt template) the text becomes `{{secrets.KEY}}`; a string literal that
 * is exactly the value becomes `context.secrets.KEY` (tool code); in a committed env template the value is
 * blanked. The edit carries the document version it was computed for, and is offered only while the text
 * under the diagnostic still is one of the env values (or one of their encoded forms), so a stale diagnostic never
 * edits other text.
 *
 * An encoded copy (base64, percent-encoding, hex) has no reference that compiles to it: `{{secrets.KEY}}` and
 * `context.secrets.KEY` give the value itself, so replacing a Basic-auth header's base64 with one would change what
 * the text says. Such a copy gets no edit (the message says why and what to do); only two fixes hold for it: a
 * template's value is blanked whatever form it holds, and a string literal whose escapes decode to exactly the
 * value (`"a\/b"` in tool code) is that value, so the reference replaces the whole literal.
 */
export function leakedValueFix(
  project: ProjectState,
  uri: string,
  diagnostic: Diagnostic,
  text: string | undefined,
  version: number | null,
): CodeAction | undefined {
  const key = (diagnostic.data as DiagnosticData | undefined)?.key;
  if (text === undefined || !key || !isValidKey(key)) return undefined;
  const lineIndex = new LineIndex(text);
  const start = lineIndex.offsetAt(diagnostic.range.start);
  const end = lineIndex.offsetAt(diagnostic.range.end);
  const pattern = project.leakValues.patterns.get(text.slice(start, end));
  if (pattern === undefined) return undefined;
  const replacement = replacementFor(project, uri, text, start, end, key, pattern.form);
  if (!replacement) return undefined;
  const edits: TextEdit[] = [
    { range: lineIndex.rangeOf(replacement.start, replacement.end), newText: replacement.newText },
  ];
  if (replacement.parameterEdit) edits.push(toTextEdit(lineIndex, replacement.parameterEdit));
  return {
    title: replacement.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    edit: { documentChanges: [{ textDocument: { uri, version }, edits }] },
  };
}

interface Replacement {
  start: number;
  end: number;
  newText: string;
  title: string;
  /** The parameters the handler needs for the reference to compile, inserted by the same edit. */
  parameterEdit?: ParameterInsertion;
}

interface ParameterInsertion {
  offset: number;
  newText: string;
}

function toTextEdit(lineIndex: LineIndex, insertion: ParameterInsertion): TextEdit {
  const at = lineIndex.positionAt(insertion.offset);
  return { range: { start: at, end: at }, newText: insertion.newText };
}

/** `NAME.secrets.KEY` where tool code has the handler's context in scope (see contextAccessAt), else undefined. */
function contextReference(
  text: string,
  offset: number,
): { object: string; parameterEdit?: ParameterInsertion } | undefined {
  const access = contextAccessAt(text, offset);
  // The client fills the name in by replacing `KEY` in the template: an object name holding it would be hit first.
  if (access.kind === 'none' || access.name.includes('KEY')) return undefined;
  if (access.kind === 'in-scope') return { object: access.name };
  return { object: access.name, parameterEdit: { offset: access.offset, newText: access.newText } };
}

const PROMPT_EXTENSIONS = /\.(md|mdx|txt|prompt)$/i;

function replacementFor(
  project: ProjectState,
  uri: string,
  text: string,
  start: number,
  end: number,
  key: string,
  form: EncodedForm | undefined,
): Replacement | undefined {
  const envFile = project.envFiles.get(uri);
  if (envFile) {
    if (!isTemplateEnvFile(envFile.fileName)) return undefined;
    const entry = envFile.parsed.entries.find((e) => e.valueStart <= start && end <= e.valueEnd);
    if (!entry) return undefined;
    return { start: entry.valueStart, end: entry.valueEnd, newText: '', title: `Blank the value of ${entry.key}` };
  }
  const quote = text.charAt(start - 1);
  // Escapes are read the same in '…' and "…" (every escape our forms write is JavaScript's); in `…` a `${` would not be.
  const quotes = form === undefined ? /["'`]/ : form === 'string escape' ? /["']/ : undefined;
  if (quotes === undefined) return undefined;
  const isWholeLiteral = !PROMPT_EXTENSIONS.test(uri) && quotes.test(quote) && text.charAt(end) === quote;
  if (form !== undefined && !isWholeLiteral) return undefined;
  if (isWholeLiteral) {
    // Offered only where the reference compiles: the handler's context in scope, or added by this edit.
    const reference = contextReference(text, start);
    if (!reference) return undefined;
    return {
      start: start - 1,
      end: end + 1,
      newText: `${reference.object}.secrets.${key}`,
      title: reference.parameterEdit
        ? `Replace with ${reference.object}.secrets.${key} (adds the handler's ${reference.object} parameter)`
        : `Replace with ${reference.object}.secrets.${key}`,
      ...(reference.parameterEdit ? { parameterEdit: reference.parameterEdit } : {}),
    };
  }
  return { start, end, newText: `{{secrets.${key}}}`, title: `Replace with {{secrets.${key}}}` };
}

/** What the client needs to move a hard-coded credential into `.env.development` (names and ranges, no value). */
export interface MoveSecretArguments {
  readonly uri: string;
  /** The document version the ranges belong to; the client refuses to edit another. */
  readonly version: number;
  /** The credential itself: the client reads the value from its own buffer. */
  readonly valueRange: Range;
  /** What the reference replaces: the whole string literal in tool code, else the credential text. */
  readonly replaceRange: Range;
  /** `context.secrets.KEY` (or `ctx.secrets.KEY`) or `{{secrets.KEY}}`, with `KEY` to be replaced by the chosen name. */
  readonly referenceTemplate: string;
  /** Parameters the tool handler needs for the reference to compile (`_args, context`), inserted by the same edit. */
  readonly parameterEdit?: { readonly range: Range; readonly newText: string };
  readonly suggestedKey: string;
  readonly envUri: string;
  /** Set when git would commit `.env.development`: the client adds it to this .gitignore. */
  readonly gitignoreUri: string | undefined;
}

/** The quick fix for `hardcoded-secret`: a command, since the name is asked for and the value read on the client. */
export function moveSecretFix(
  project: ProjectState,
  uri: string,
  diagnostic: Diagnostic,
  text: string | undefined,
  version: number | null,
  envWouldBeCommitted: boolean,
): CodeAction | undefined {
  const suggestedKey = (diagnostic.data as DiagnosticData | undefined)?.suggestedKey;
  if (text === undefined || version === null || !suggestedKey) return undefined;
  const lineIndex = new LineIndex(text);
  const start = lineIndex.offsetAt(diagnostic.range.start);
  const end = lineIndex.offsetAt(diagnostic.range.end);
  const quote = text.charAt(start - 1);
  const isWholeLiteral = !PROMPT_EXTENSIONS.test(uri) && /["'`]/.test(quote) && text.charAt(end) === quote;
  const reference = isWholeLiteral ? contextReference(text, start) : undefined;
  // A literal in tool code where no handler's context can be reached: a reference there would not compile.
  if (isWholeLiteral && !reference) return undefined;
  const args: MoveSecretArguments = {
    uri,
    version,
    valueRange: diagnostic.range,
    replaceRange: isWholeLiteral ? lineIndex.rangeOf(start - 1, end + 1) : diagnostic.range,
    referenceTemplate: reference ? `${reference.object}.secrets.KEY` : '{{secrets.KEY}}',
    ...(reference?.parameterEdit ? { parameterEdit: toTextEdit(lineIndex, reference.parameterEdit) } : {}),
    suggestedKey,
    envUri: joinUri(project.rootUri, ENV_FILE_NAMES.development),
    gitignoreUri: envWouldBeCommitted ? joinUri(project.rootUri, '.gitignore') : undefined,
  };
  return {
    title: `Move to ${ENV_FILE_NAMES.development} as ${suggestedKey}…`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    command: { title: 'Move to .env.development', command: Commands.moveSecretToEnv, arguments: [args] },
  };
}

/**
 * The line that appends `key=value` to an env file so that dotenv reads back exactly `value` and every entry
 * already there keeps its value; undefined when no quoting achieves that (the fix is then refused: an edit
 * never merges or drops a secret). Also undefined when the key is already defined.
 */
export function appendedEnvText(existing: string, key: string, value: string): string | undefined {
  const before = parseEnv(existing).entries;
  if (!isValidKey(key) || before.some((entry) => entry.key === key)) return undefined;
  const separator = existing.length > 0 && !/[\r\n]$/.test(existing) ? (existing.includes('\r\n') ? '\r\n' : '\n') : '';
  for (const quoted of [value, `"${value}"`, `'${value}'`, `\`${value}\``]) {
    const candidate = `${separator}${key}=${quoted}\n`;
    const after = parseEnv(existing + candidate).entries;
    const added = after.filter((entry) => entry.key === key);
    const kept =
      after.length === before.length + 1 &&
      before.every((entry, i) => after[i].key === entry.key && after[i].value === entry.value);
    if (kept && added.length === 1 && added[0].value === value) return candidate;
  }
  return undefined;
}

/**
 * The text with the value of `key`'s last definition (the one dotenv keeps) replaced so that dotenv reads back
 * exactly `value`, every other entry keeping its value; undefined when the key is not defined or no quoting
 * achieves that. Earlier definitions stay as they are: they are dead for dotenv, but removing them would drop text
 * the user wrote.
 */
export function replacedEnvText(existing: string, key: string, value: string): string | undefined {
  const before = parseEnv(existing).entries;
  let last = -1;
  before.forEach((entry, i) => (last = entry.key === key ? i : last));
  if (!isValidKey(key) || last < 0) return undefined;
  const { valueStart, valueEnd } = before[last]!;
  for (const quoted of [value, `"${value}"`, `'${value}'`, `\`${value}\``]) {
    const candidate = existing.slice(0, valueStart) + quoted + existing.slice(valueEnd);
    const after = parseEnv(candidate).entries;
    const kept =
      after.length === before.length &&
      before.every((entry, i) => after[i]!.key === entry.key && (i === last || after[i]!.value === entry.value));
    if (kept && after[last]!.value === value) return candidate;
  }
  return undefined;
}
