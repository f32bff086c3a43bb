import * as vscode from 'vscode';
import { DEFAULT_SETTINGS } from '../../engine/core';
import { readForUpdate, RefusedWriteError, writeProjectFile } from '../../engine/host';

/*
 * The editor's writes into a project (Update .env.example, Move to .env.development, its .gitignore line) go
 * through the engine's safe writer, as the CLI's do: a link, a FIFO or a folder at the path is refused, and the
 * file is replaced atomically. An open buffer of the file is reloaded by the editor from the disk; one with
 * unsaved changes is refused rather than overwritten.
 */

/** The current text of a file of the project at `root` that a command is about to update; undefined when absent. */
export async function textForUpdate(root: vscode.Uri, uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open?.isDirty)
    throw new RefusedWriteError(uri.fsPath, 'it has unsaved changes in the editor: save or revert it first');
  return readForUpdate(onDisk(root).fsPath, onDisk(uri).fsPath, DEFAULT_SETTINGS.maxFileBytes);
}

/** Creates or replaces a file of the project at `root` (the safe writer's rules). */
export async function writeToProject(root: vscode.Uri, uri: vscode.Uri, text: string): Promise<void> {
  await writeProjectFile(onDisk(root).fsPath, onDisk(uri).fsPath, text);
}

/** What the user is told when the writer refused: the path and why. */
export function refusalMessage(uri: vscode.Uri, error: RefusedWriteError): string {
  return vscode.l10n.t('Struere: {0} was not written: {1}', vscode.workspace.asRelativePath(uri), error.reason);
}

/** The writer works on the local disk: a virtual or remote file system is refused, not guessed at. */
function onDisk(uri: vscode.Uri): vscode.Uri {
  if (uri.scheme !== 'file') throw new RefusedWriteError(uri.toString(), "it is not a file on this machine's disk");
  return uri;
}
