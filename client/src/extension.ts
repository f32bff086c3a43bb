import type * as vscode from 'vscode';
import { Extension } from './struereExtension';

let extension: Extension | undefined;

/** The entry VS Code calls; everything else is the `Extension` object (client/src/struereExtension.ts). */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extension = new Extension(context);
  await extension.start();
}

export async function deactivate(): Promise<void> {
  await extension?.stop();
}
