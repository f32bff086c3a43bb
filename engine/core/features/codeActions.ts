import { Commands } from './commands';
import { agentRulesFix } from './agentFixes';
import type { ProjectAgentFacts } from '../model/agents';
import {
  CodeActionKind,
  type CodeAction,
  type Diagnostic,
  type OptionalVersionedTextDocumentIdentifier,
  type TextDocumentEdit,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-types';
import type { DiagnosticData } from '../rules/diagnosticRules';
import {
  ENV_FILE_NAMES,
  ENVIRONMENTS,
  type Environment,
  type WritableEnvironment,
  WRITABLE_ENVIRONMENTS,
} from '../model/environments';
import { presenceIn } from '../model/presence';
import { planRename } from './rename';
import { suggestValidName } from '../model/environments';
import { LineIndex } from '../base/text';
import { joinUri } from '../base/uris';
import { keyAt } from './navigation';
import { EXAMPLE_FILE_NAME, exampleFileOf } from './envExample';
import { leakedValueFix, moveSecretFix } from '../leaks/leakFixes';
import { ignoreContext, ignoreLineFix, removeUnusedIgnoreFix, type OpenText } from './ignoreFixes';
import { findMisreads, quotedShownValue } from '../rules/misreads';
import { envFileFor, type EnvFileState, type ProjectState } from '../model/workspaceIndex';

/** What the host knows that the model does not: open documents' versions and the project's .gitignore. */
export interface CodeActionHost {
  /** The version of an open document (edits to it are refused by the editor when stale), or null when closed. */
  versionOf(uri: string): number | null;
  /** The project's .gitignore text, undefined when there is none, null when it is not a readable file. */
  readonly gitignoreText: string | undefined | null;
  /** An open document's text (leak fixes check what is under the diagnostic), undefined when closed. */
  documentText?(uri: string): string | undefined;
  /** Whether git would commit the file at `uri` (for the hardcoded-secret fix: .env.development must not be). */
  wouldCommit?(uri: string): boolean;
  /** The AI agents the project shows and their rule files (the agent-readable fix). */
  readonly agentFacts?: ProjectAgentFacts;
  /** Whether the safe writer would write the file at `uri` (the agent-readable fix leaves out the agents it would not). */
  writable?(uri: string): boolean;
}

/** A client command that puts the cursor somewhere after an edit: `[uri, line, character]`. */

/** Quick fixes for our diagnostics in range. Every edit carries the version it was computed for. */
export function codeActions(
  project: ProjectState,
  uri: string,
  diagnostics: readonly Diagnostic[],
  environment: Environment,
  host: CodeActionHost,
): CodeAction[] {
  const actions: CodeAction[] = [];
  const open = openText(uri, host);
  // Only for a request with diagnostics: an editor asks for actions at every cursor move, mostly with none.
  const context = open && diagnostics.length > 0 ? ignoreContext(project, uri, open) : undefined;
  // After every real fix: an ignore hides a finding instead of fixing it, so it is the last thing offered.
  const ignores = new Map<string, CodeAction>();
  for (const diagnostic of diagnostics) {
    const data = (diagnostic.data ?? {}) as DiagnosticData;
    const ignore = context && ignoreLineFix(context, diagnostic);
    // One per code and line: two findings of a code on a line are silenced by the same comment.
    if (ignore) ignores.set(`${String(diagnostic.code)}:${diagnostic.range.start.line}`, ignore);
    switch (diagnostic.code) {
      case 'missing-secret':
        if (data.key) actions.push(...missingSecretFixes(project, data.key, environment, diagnostic, host));
        break;
      case 'invalid-key': {
        // The diagnostic carries no key (it may be a pasted value): the key is the one under its range.
        const key = keyAt(project, uri, diagnostic.range.start)?.key;
        const fix = key === undefined ? undefined : renameFix(project, uri, diagnostic, suggestValidName(key), host);
        if (fix) actions.push(fix);
        break;
      }
      case 'duplicate-key':
        if (data.key) {
          const fix = removeEarlierDefinition(project, uri, data.key, diagnostic, host);
          if (fix) actions.push(fix);
        }
        break;
      case 'not-gitignored':
        if (host.gitignoreText !== null)
          actions.push(
            gitignoreFix(project, diagnostic, host.gitignoreText, host, {
              title: 'Add .env.development and .env.production to .gitignore',
              lines: [ENV_FILE_NAMES.development, ENV_FILE_NAMES.production],
            }),
          );
        break;
      case 'template-ignored': {
        // Only a template at the project root (the project's .gitignore is where a negation for it takes effect),
        // and only a plain name: one with a line break, a glob character or a leading `#` would write another rule.
        const name = uri.slice(project.rootUri.length + 1);
        if (typeof host.gitignoreText === 'string' && /^\.?[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name))
          actions.push(
            gitignoreFix(project, diagnostic, host.gitignoreText, host, {
              title: `Keep ${name} committed: add !${name} to .gitignore`,
              lines: [`!${name}`],
            }),
          );
        break;
      }
      case 'agent-readable': {
        // The information note on agents without a file mechanism has nothing to fix.
        const fix = data.agentRules ? agentRulesFix(project, diagnostic, host.agentFacts, host) : undefined;
        if (fix) actions.push(fix);
        break;
      }
      case 'env-example':
        if (data.key && uri !== exampleFileOf(project)?.uri)
          actions.push(addToExampleFix(project, data.key, diagnostic, host));
        break;
      case 'dotenv-misread': {
        const fix = quoteValueFix(project, uri, diagnostic, host);
        if (fix) actions.push(fix);
        break;
      }
      case 'leaked-value': {
        const fix = leakedValueFix(project, uri, diagnostic, host.documentText?.(uri), host.versionOf(uri));
        if (fix) actions.push(fix);
        break;
      }
      case 'hardcoded-secret': {
        const envUri = joinUri(project.rootUri, ENV_FILE_NAMES.development);
        const fix = moveSecretFix(
          project,
          uri,
          diagnostic,
          host.documentText?.(uri),
          host.versionOf(uri),
          host.wouldCommit?.(envUri) ?? false,
        );
        if (fix) actions.push(fix);
        break;
      }
      case 'unused-ignore': {
        const fix = context && removeUnusedIgnoreFix(context, diagnostic);
        if (fix) actions.push(fix);
        break;
      }
    }
  }
  return [...actions, ...ignores.values()];
}

/** The document's text and version when it is open: the ignore fixes edit only what the editor holds. */
function openText(uri: string, host: CodeActionHost): OpenText | undefined {
  const text = host.documentText?.(uri);
  const version = host.versionOf(uri);
  return text === undefined || version === null ? undefined : { text, version };
}

function missingSecretFixes(
  project: ProjectState,
  key: string,
  environment: Environment,
  diagnostic: Diagnostic,
  host: CodeActionHost,
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const target of WRITABLE_ENVIRONMENTS) {
    // Never where the key is defined already, nor into a file whose keys are unknown (it may hold the key).
    const presence = presenceIn(project, key, target);
    if (presence.local || presence.localUnknown || definedIn(presence.file, key)) continue;
    const { edit, cursor } = appendKey(project, target, key, host);
    actions.push({
      title: `Add ${key} to ${ENV_FILE_NAMES[target]}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: target === (environment === 'production' ? 'production' : 'development'),
      edit,
      command: { title: 'Go to the new key', command: Commands.revealPosition, arguments: cursor },
    });
  }
  for (const other of ENVIRONMENTS) {
    if (other === environment || !presenceIn(project, key, other).isSet) continue;
    actions.push({
      title: `Switch to ${other} (${key} is set there)`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: { title: `Switch to ${other}`, command: Commands.selectEnvironment, arguments: [other] },
    });
  }
  return actions;
}

/** "Add KEY to .env.example": the name with an empty value, never the value of the file that has it. */
function addToExampleFix(project: ProjectState, key: string, diagnostic: Diagnostic, host: CodeActionHost): CodeAction {
  const { edit, cursor } = appendKeyTo(project, exampleFileOf(project), EXAMPLE_FILE_NAME, key, host);
  return {
    title: `Add ${key} to ${EXAMPLE_FILE_NAME}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit,
    command: { title: 'Go to the new key', command: Commands.revealPosition, arguments: cursor },
  };
}

/** `KEY=` on a new last line of the environment's file, creating the file when it does not exist. */
function appendKey(
  project: ProjectState,
  target: WritableEnvironment,
  key: string,
  host: CodeActionHost,
): { edit: WorkspaceEdit; cursor: [string, number, number] } {
  return appendKeyTo(project, envFileFor(project, target), ENV_FILE_NAMES[target], key, host);
}

function appendKeyTo(
  project: ProjectState,
  file: EnvFileState | undefined,
  fileName: string,
  key: string,
  host: CodeActionHost,
): { edit: WorkspaceEdit; cursor: [string, number, number] } {
  const uri = file?.uri ?? joinUri(project.rootUri, fileName);
  if (!file) {
    return {
      edit: {
        documentChanges: [
          { kind: 'create', uri, options: { ignoreIfExists: true } },
          textEdit(uri, null, [insertAt(0, 0, `${key}=\n`)]),
        ],
      },
      cursor: [uri, 0, key.length + 1],
    };
  }
  const text = file.lineIndex.text;
  const end = file.lineIndex.positionAt(text.length);
  const needsBreak = text.length > 0 && !/[\r\n]$/.test(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const line = needsBreak ? end.line + 1 : end.line;
  return {
    edit: {
      documentChanges: [
        textEdit(uri, host.versionOf(uri), [
          insertAt(end.line, end.character, `${needsBreak ? eol : ''}${key}=${eol}`),
        ]),
      ],
    },
    cursor: [uri, line, key.length + 1],
  };
}

function renameFix(
  project: ProjectState,
  uri: string,
  diagnostic: Diagnostic,
  newName: string,
  host: CodeActionHost,
): CodeAction | undefined {
  const plan = planRename(project, uri, diagnostic.range.start, newName);
  if (!plan || 'error' in plan) return undefined;
  return {
    // The new name is the old one with its invalid characters replaced: as much a value as the old one, unquoted.
    title: 'Rename to a valid name (letters, digits and _)',
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    edit: {
      documentChanges: [...plan.edits].map(([editUri, edits]) => textEdit(editUri, host.versionOf(editUri), edits)),
    },
  };
}

function removeEarlierDefinition(
  project: ProjectState,
  uri: string,
  key: string,
  diagnostic: Diagnostic,
  host: CodeActionHost,
): CodeAction | undefined {
  const file = project.envFiles.get(uri);
  if (!file) return undefined;
  const index = file.lineIndex;
  const later = index.offsetAt(diagnostic.range.start);
  const earlier = file.parsed.entries.filter((entry) => entry.key === key && entry.keyStart < later);
  if (earlier.length === 0) return undefined;
  const edits = earlier.map((entry) => {
    // The whole entry, multiline values included, with its line break.
    const startLine = index.positionAt(entry.entryStart).line;
    const endLine = index.positionAt(entry.valueEnd).line;
    return {
      range: { start: { line: startLine, character: 0 }, end: { line: endLine + 1, character: 0 } },
      newText: '',
    };
  });
  return {
    title:
      earlier.length === 1
        ? `Remove the earlier definition of ${key}`
        : `Remove the ${earlier.length} earlier definitions of ${key}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { documentChanges: [textEdit(uri, host.versionOf(uri), edits)] },
  };
}

/**
 * Appends `lines` to the project's .gitignore (creating it when there is none). Appended, never inserted: a later
 * line wins in git, so a negation such as `!.env.example` overrides the broad rule above it.
 */
function gitignoreFix(
  project: ProjectState,
  diagnostic: Diagnostic,
  gitignoreText: string | undefined,
  host: CodeActionHost,
  fix: { readonly title: string; readonly lines: readonly string[] },
): CodeAction {
  const uri = joinUri(project.rootUri, '.gitignore');
  const lines = fix.lines.map((line) => `${line}\n`).join('');
  const title = fix.title;
  if (gitignoreText === undefined) {
    return {
      title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: {
        documentChanges: [
          { kind: 'create', uri, options: { ignoreIfExists: true } },
          textEdit(uri, null, [insertAt(0, 0, lines)]),
        ],
      },
    };
  }
  const text = gitignoreText;
  const end = new LineIndex(text).positionAt(text.length);
  const prefix = text.length > 0 && !/[\r\n]$/.test(text) ? '\n' : '';
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: {
      documentChanges: [textEdit(uri, host.versionOf(uri), [insertAt(end.line, end.character, prefix + lines)])],
    },
  };
}

/** "Quote the value": for a value a glued `#` cuts, the quoted form dotenv reads back whole (see quotedShownValue). */
function quoteValueFix(
  project: ProjectState,
  uri: string,
  diagnostic: Diagnostic,
  host: CodeActionHost,
): CodeAction | undefined {
  const file = project.envFiles.get(uri);
  if (!file) return undefined;
  const { lineIndex, parsed } = file;
  const start = lineIndex.offsetAt(diagnostic.range.start);
  const misread = findMisreads(lineIndex.text, parsed).find((m) => m.kind === 'hash-cut' && m.start === start);
  if (!misread) return undefined;
  const quoted = quotedShownValue(lineIndex.text, parsed, misread);
  if (quoted === undefined) return undefined;
  return {
    title: `Quote the value of ${misread.key} so dotenv keeps the #`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    edit: {
      documentChanges: [
        textEdit(uri, host.versionOf(uri), [{ range: lineIndex.rangeOf(misread.start, misread.end), newText: quoted }]),
      ],
    },
  };
}

/** Any entry of the key, including ones dotenv drops or a later one overrides. */
function definedIn(file: EnvFileState | undefined, key: string): boolean {
  return file?.parsed.entries.some((entry) => entry.key === key) ?? false;
}

function textEdit(uri: string, version: number | null, edits: TextEdit[]): TextDocumentEdit {
  const textDocument: OptionalVersionedTextDocumentIdentifier = { uri, version };
  return { textDocument, edits };
}

function insertAt(line: number, character: number, newText: string): TextEdit {
  return { range: { start: { line, character }, end: { line, character } }, newText };
}
