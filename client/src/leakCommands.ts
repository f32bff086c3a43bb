import * as vscode from 'vscode';
import {
  appendedEnvText,
  isValidKey,
  type MoveSecretArguments,
  redactionDictionary,
  redactText,
} from '../../engine/core';
import { RefusedWriteError } from '../../engine/host';
import type { ProjectRegistry } from './projectRegistry';
import { projectEnvFiles } from './documentText';
import { refusalMessage, textForUpdate, writeToProject } from './projectFiles';

/*
 * The client half of leak protection: **Copy Redacted** and the "Move to .env.development" quick fix. Both need
 * what only the editor has — the clipboard, an input box, the buffer's text — so values are read here and never
 * cross the language server connection. Registered in COMMAND_TABLE (client/src/commands.ts), whose wrapper logs
 * and shows failures.
 */

/**
 * Copies the selection (or the whole file) with every env value of its project, and every encoded copy of a
 * credential-like one (base64, percent-encoding, escapes, hex: redaction.ts), replaced by [SECRET:KEY].
 */
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

/**
 * Internal: the hardcoded-secret quick fix's command; its argument comes from the server's code action. The value
 * is appended to .env.development and .env.development to .gitignore through the safe writer (projectFiles.ts),
 * .gitignore first, so the value reaches the disk only in a file git already ignores; then the literal gives way
 * to the reference in the (unsaved) buffer.
 */
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
  // The env file sits at the project's root (the server names it so): that folder is the project for the writer.
  const root = vscode.Uri.joinPath(envUri, '..');
  const gitignoreUri = args.gitignoreUri === undefined ? undefined : vscode.Uri.parse(args.gitignoreUri);
  let existing: string | undefined;
  let gitignore: string | undefined;
  try {
    existing = await textForUpdate(root, envUri);
    if (gitignoreUri) gitignore = await textForUpdate(root, gitignoreUri);
  } catch (error) {
    if (!(error instanceof RefusedWriteError)) throw error;
    void vscode.window.showErrorMessage(refusalMessage(vscode.Uri.file(error.filePath), error));
    return;
  }
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
  if (document.version !== args.version) return;
  try {
    if (gitignoreUri) {
      const prefix = gitignore !== undefined && gitignore.length > 0 && !/[\r\n]$/.test(gitignore) ? '\n' : '';
      await writeToProject(root, gitignoreUri, `${gitignore ?? ''}${prefix}.env.development\n`);
    }
    await writeToProject(root, envUri, (existing ?? '') + line);
  } catch (error) {
    if (!(error instanceof RefusedWriteError)) throw error;
    void vscode.window.showErrorMessage(refusalMessage(vscode.Uri.file(error.filePath), error));
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, toRange(args.replaceRange), args.referenceTemplate.replace('KEY', key));
  // The handler parameters the reference needs to compile, in the same edit (ranges are of the same version).
  if (args.parameterEdit) edit.replace(document.uri, toRange(args.parameterEdit.range), args.parameterEdit.newText);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error('the editor refused the edit');
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
    (args.parameterEdit === undefined || isParameterEdit(args.parameterEdit)) &&
    (args.gitignoreUri === undefined || typeof args.gitignoreUri === 'string')
  );
}

function isParameterEdit(value: unknown): boolean {
  const edit = value as { range?: unknown; newText?: unknown } | null;
  return typeof edit === 'object' && edit !== null && isRange(edit.range) && typeof edit.newText === 'string';
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
