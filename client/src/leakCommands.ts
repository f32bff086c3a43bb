import * as vscode from 'vscode';
import { isValidKey } from '../../engine/core/environments';
import { appendedEnvText, type MoveSecretArguments } from '../../engine/core/leakFixes';
import { redactionDictionary, redactText } from '../../engine/core/leaks';
import type { ProjectRegistry } from './projectRegistry';
import { positionAtEnd, projectEnvFiles, readIfExists } from './documentText';

/*
 * The client half of leak protection: **Copy Redacted** and the "Move to .env.development" quick fix. Both need
 * what only the editor has — the clipboard, an input box, the buffer's text — so values are read here and never
 * cross the language server connection. Registered in COMMAND_TABLE (client/src/commands.ts), whose wrapper logs
 * and shows failures.
 */

/** Copies the selection (or the whole file) with every env value of its project replaced by [SECRET:KEY]. */
export async function copyRedacted(projects: ProjectRegistry): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const root = projects.projectOf(editor.document.uri);
  if (!root) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Struere: this file is in no Struere project (no struere.json above it).'),
    );
    return;
  }
  const selection = editor.selection;
  const text = editor.document.getText(selection.isEmpty ? undefined : selection);
  const dictionary = redactionDictionary(await projectEnvFiles(vscode.Uri.parse(root)));
  const redacted = redactText(text, dictionary);
  await vscode.env.clipboard.writeText(redacted);
  const found = redacted !== text;
  const message = selection.isEmpty
    ? found
      ? vscode.l10n.t('Struere: copied the file redacted (env values replaced by [SECRET:KEY]).')
      : vscode.l10n.t('Struere: copied the file redacted (no values found).')
    : found
      ? vscode.l10n.t('Struere: copied the selection redacted (env values replaced by [SECRET:KEY]).')
      : vscode.l10n.t('Struere: copied the selection redacted (no values found).');
  void vscode.window.showInformationMessage(message);
}

/** Internal: the hardcoded-secret quick fix's command; its argument comes from the server's code action. */
export async function moveSecretToEnv(args: unknown): Promise<void> {
  if (!isMoveSecretArguments(args)) throw new Error('malformed arguments');
  const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === args.uri);
  if (!document || document.version !== args.version) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Struere: the file changed since the fix was offered; nothing was moved.'),
    );
    return;
  }
  const value = document.getText(toRange(args.valueRange));
  const envUri = vscode.Uri.parse(args.envUri);
  const existing = await readIfExists(envUri);
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('Move the credential to .env.development'),
    prompt: vscode.l10n.t('Secret name'),
    value: args.suggestedKey,
    validateInput: (name) =>
      !isValidKey(name)
        ? vscode.l10n.t('Letters, digits and _, not starting with a digit')
        : appendedEnvText(existing ?? '', name, value) === undefined
          ? vscode.l10n.t('{0} is already in .env.development (or the value cannot be written back exactly)', name)
          : undefined,
  });
  if (key === undefined) return;
  const line = appendedEnvText(existing ?? '', key, value);
  // Refused rather than applied: the edit must not merge two secrets or drop a value.
  if (line === undefined) throw new Error(`${key} cannot be appended to .env.development without changing a value`);
  const edit = new vscode.WorkspaceEdit();
  if (existing === undefined) edit.createFile(envUri, { ignoreIfExists: true });
  edit.insert(envUri, positionAtEnd(existing ?? ''), line);
  edit.replace(document.uri, toRange(args.replaceRange), args.referenceTemplate.replace('KEY', key));
  if (args.gitignoreUri) await addToGitignore(edit, vscode.Uri.parse(args.gitignoreUri));
  if (document.version !== args.version) return;
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error('the editor refused the edit');
  // Both saved, .gitignore first: the value reaches the disk only in a file git already ignores (an unsaved
  // .gitignore would let `git add .` commit it), and closing an editor cannot lose it.
  if (args.gitignoreUri) await save(vscode.Uri.parse(args.gitignoreUri));
  await save(envUri);
}

async function save(uri: vscode.Uri): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  if (!(await document.save()))
    throw new Error(vscode.l10n.t('could not save {0}', vscode.workspace.asRelativePath(uri)));
}

async function addToGitignore(edit: vscode.WorkspaceEdit, uri: vscode.Uri): Promise<void> {
  const text = await readIfExists(uri);
  if (text === undefined) edit.createFile(uri, { ignoreIfExists: true });
  const prefix = text !== undefined && text.length > 0 && !/[\r\n]$/.test(text) ? '\n' : '';
  edit.insert(uri, positionAtEnd(text ?? ''), `${prefix}.env.development\n`);
}

function toRange(range: { start: { line: number; character: number }; end: { line: number; character: number } }) {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function isMoveSecretArguments(value: unknown): value is MoveSecretArguments {
  const args = value as Partial<Record<keyof MoveSecretArguments, unknown>> | null;
  return (
    typeof args === 'object' &&
    args !== null &&
    typeof args.uri === 'string' &&
    typeof args.version === 'number' &&
    isRange(args.valueRange) &&
    isRange(args.replaceRange) &&
    typeof args.referenceTemplate === 'string' &&
    typeof args.suggestedKey === 'string' &&
    typeof args.envUri === 'string' &&
    (args.gitignoreUri === undefined || typeof args.gitignoreUri === 'string')
  );
}

function isRange(value: unknown): boolean {
  const range = value as { start?: unknown; end?: unknown } | null;
  return typeof range === 'object' && range !== null && isPosition(range.start) && isPosition(range.end);
}

function isPosition(value: unknown): boolean {
  const position = value as { line?: unknown; character?: unknown } | null;
  return (
    typeof position === 'object' &&
    position !== null &&
    typeof position.line === 'number' &&
    typeof position.character === 'number'
  );
}
