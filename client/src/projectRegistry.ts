import * as path from 'node:path';
import * as vscode from 'vscode';

/** The projects (folders with struere.json) the server found, and which one a command is about. */
export class ProjectRegistry {
  private uris: string[] = [];

  update(projectUris: readonly string[]): void {
    this.uris = [...projectUris].sort();
  }

  get all(): readonly string[] {
    return this.uris;
  }

  /** The nearest project enclosing `uri`. */
  projectOf(uri: vscode.Uri): string | undefined {
    const text = uri.toString();
    return this.uris.filter((root) => text.startsWith(`${root}/`)).sort((a, b) => b.length - a.length)[0];
  }

  /** The active editor's project, the only project, or the user's pick. */
  async pick(title: string): Promise<string | undefined> {
    const active = vscode.window.activeTextEditor?.document.uri;
    const fromEditor = active ? this.projectOf(active) : undefined;
    if (fromEditor) return fromEditor;
    if (this.uris.length === 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Struere: no project found (a folder with struere.json).'));
      return undefined;
    }
    if (this.uris.length === 1) return this.uris[0];
    const picked = await vscode.window.showQuickPick(
      this.uris.map((uri) => ({
        label: path.basename(vscode.Uri.parse(uri).fsPath),
        description: vscode.workspace.asRelativePath(vscode.Uri.parse(uri)),
        uri,
      })),
      { title },
    );
    return picked?.uri;
  }
}
