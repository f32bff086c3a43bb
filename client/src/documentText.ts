import * as vscode from 'vscode';
import { envFileState, type EnvFileState, isEnvFileName } from '../../engine/core';

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
