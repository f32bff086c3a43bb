import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SecretStatusRequest, type SecretStatusResult } from '../../engine/protocol';

export const STATUS_SCHEME = 'struere-status';

/**
 * "Show Secret Status": a read-only Markdown document (keys × environments, local and remote presence, never a
 * value) rendered by VS Code's Markdown preview. The server builds the table from the same model as diagnostics.
 */
export class SecretStatusView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly registration: vscode.Disposable;

  constructor(private readonly client: LanguageClient) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(STATUS_SCHEME, this);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const projectUri = decodeURIComponent(uri.query);
    const result: SecretStatusResult = await this.client.sendRequest(SecretStatusRequest.type, { projectUri });
    return result.markdown;
  }

  async show(projectUri: string): Promise<void> {
    const name = vscode.Uri.parse(projectUri).path.split('/').pop() ?? 'project';
    const uri = vscode.Uri.from({
      scheme: STATUS_SCHEME,
      path: `/${name} secrets.md`,
      query: encodeURIComponent(projectUri),
    });
    this.emitter.fire(uri);
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  }

  refresh(): void {
    for (const document of vscode.workspace.textDocuments)
      if (document.uri.scheme === STATUS_SCHEME) this.emitter.fire(document.uri);
  }

  dispose(): void {
    this.registration.dispose();
    this.emitter.dispose();
  }
}
