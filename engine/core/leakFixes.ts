import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver-types';
import type { DiagnosticData } from './diagnosticRules';
import { isValidKey } from './environments';
import { isTemplateEnvFile } from './gitignore';
import { LineIndex } from './text';
import type { ProjectState } from './workspaceIndex';

/**
 * The quick fix for `leaked-value`: the pasted value gives way to a reference to its key. In a prompt (Markdown,
 * text, or a longer string in code: a prompt template) the text becomes `{{secrets.KEY}}`; a string literal that
 * is exactly the value becomes `context.secrets.KEY` (tool code); in a committed env template the value is
 * blanked. The edit carries the document version it was computed for, and is offered only while the text
 * under the diagnostic still is one of the env values, so a stale diagnostic never edits other text.
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
  if (!project.leakValues.definitions.has(text.slice(start, end))) return undefined;
  const replacement = replacementFor(project, uri, text, start, end, key);
  if (!replacement) return undefined;
  const edit: TextEdit = { range: lineIndex.rangeOf(replacement.start, replacement.end), newText: replacement.newText };
  return {
    title: replacement.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    edit: { documentChanges: [{ textDocument: { uri, version }, edits: [edit] }] },
  };
}

interface Replacement {
  start: number;
  end: number;
  newText: string;
  title: string;
}

const PROMPT_EXTENSIONS = /\.(md|mdx|txt|prompt)$/i;

function replacementFor(
  project: ProjectState,
  uri: string,
  text: string,
  start: number,
  end: number,
  key: string,
): Replacement | undefined {
  const envFile = project.envFiles.get(uri);
  if (envFile) {
    if (!isTemplateEnvFile(envFile.fileName)) return undefined;
    const entry = envFile.parsed.entries.find((e) => e.valueStart <= start && end <= e.valueEnd);
    if (!entry) return undefined;
    return { start: entry.valueStart, end: entry.valueEnd, newText: '', title: `Blank the value of ${entry.key}` };
  }
  const quote = text.charAt(start - 1);
  const isWholeLiteral = !PROMPT_EXTENSIONS.test(uri) && /["'`]/.test(quote) && text.charAt(end) === quote;
  if (isWholeLiteral)
    return {
      start: start - 1,
      end: end + 1,
      newText: `context.secrets.${key}`,
      title: `Replace with context.secrets.${key}`,
    };
  return { start, end, newText: `{{secrets.${key}}}`, title: `Replace with {{secrets.${key}}}` };
}
