import * as vscode from 'vscode';
import { envFileState, isEnvFileName, type EnvFileState } from '../../engine/core/workspaceIndex';

/** An open document's text (unsaved edits included), else the file's, else undefined when it does not exist. */
export async function readIfExists(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}

/** The position after the last character of `text`, whatever its line ends. */
export function positionAtEnd(text: string): vscode.Position {
  const lines = text.split(/\r\n|\r|\n/);
  return new vscode.Position(lines.length - 1, lines.at(-1)!.length);
}

/** The project's env files as the editor sees them: an open buffer wins over the disk. */
export async function projectEnvFiles(root: vscode.Uri): Promise<EnvFileState[]> {
  const files: EnvFileState[] = [];
  for (const [name, type] of await vscode.workspace.fs.readDirectory(root)) {
    if (type !== vscode.FileType.File || !isEnvFileName(name)) continue;
    const uri = vscode.Uri.joinPath(root, name);
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    const text = open?.getText() ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    files.push(envFileState(uri.toString(), text, undefined));
  }
  return files;
}
