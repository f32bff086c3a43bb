import type * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import { maskValues, type ValueCloak } from './valueCloak';
import { isEnvFileName } from '../../engine/core';

/**
 * Reference lists and peeks draw each location's line text themselves (VS Code's `FilePreview.preview` and the
 * References view's `getPreviewChunks` take the text from the range's end to the end of its line), outside any
 * editor we can decorate: a location on `STRIPE_KEY` in `.env.production` would be listed as `STRIPE_KEY=<value>`
 * whatever its range. So while an env file is cloaked, the client points such locations at a masked view of it: a
 * read-only document of this scheme whose text is the file's with every value replaced by `••••••`, lines and key
 * positions unchanged. The list shows `STRIPE_KEY=••••••`, the peek's embedded editor the masked text, the
 * Ctrl+hover preview too. The server keeps answering with real file locations (editor-neutral: other editors and
 * clients need them); this is the VS Code client's presentation.
 *
 * Go to Definition opens the location in an editor: when a masked view lands in a tab, it is replaced at once by
 * the real file at the same selection (whose values the grammar and the decorations hide), so navigation still
 * ends where the key is defined, editable.
 */
export const MASKED_SCHEME = 'struere-masked-env';

export class MaskedEnvView implements vscode.Disposable {
  private readonly changes: vscode.EventEmitter<vscode.Uri>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly vscodeApi: typeof vscode,
    private readonly cloak: ValueCloak,
  ) {
    const { workspace, window } = vscodeApi;
    this.changes = new vscodeApi.EventEmitter<vscode.Uri>();
    this.disposables.push(
      this.changes,
      workspace.registerTextDocumentContentProvider(MASKED_SCHEME, {
        onDidChange: this.changes.event,
        provideTextDocumentContent: (uri) => this.maskedContent(uri),
      }),
      workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.scheme === 'file' && isEnvFilePath(event.document.uri.path))
          this.changes.fire(this.maskedUri(event.document.uri));
      }),
      window.onDidChangeActiveTextEditor((editor) => {
        if (editor?.document.uri.scheme === MASKED_SCHEME) void this.openRealFile(editor);
      }),
    );
  }

  /** Language client middleware: env-file locations of definitions and references go to the masked view. */
  readonly middleware: Middleware = {
    provideDefinition: async (document, position, token, next) => {
      const result = await next(document, position, token);
      if (!result) return result;
      if (!Array.isArray(result)) return this.maskLocation(result);
      return (result as (vscode.Location | vscode.LocationLink)[]).map((item) =>
        'targetUri' in item ? { ...item, targetUri: this.maskIfCloaked(item.targetUri) } : this.maskLocation(item),
      ) as vscode.Location[] | vscode.LocationLink[];
    },
    provideReferences: async (document, position, options, token, next) => {
      const result = await next(document, position, options, token);
      return result?.map((location) => this.maskLocation(location));
    },
  };

  private maskLocation(location: vscode.Location): vscode.Location {
    const uri = this.maskIfCloaked(location.uri);
    return uri === location.uri ? location : new this.vscodeApi.Location(uri, location.range);
  }

  private maskIfCloaked(uri: vscode.Uri): vscode.Uri {
    if (uri.scheme !== 'file' || !isEnvFilePath(uri.path) || !this.cloak.isCloakedUri(uri)) return uri;
    return this.maskedUri(uri);
  }

  /** Same path (so the language is dotenv by file name and the list names the file), the real URI in the query. */
  private maskedUri(real: vscode.Uri): vscode.Uri {
    return real.with({ scheme: MASKED_SCHEME, query: real.toString() });
  }

  private realUri(masked: vscode.Uri): vscode.Uri {
    return this.vscodeApi.Uri.parse(masked.query);
  }

  private async maskedContent(uri: vscode.Uri): Promise<string> {
    const real = this.realUri(uri);
    const open = this.vscodeApi.workspace.textDocuments.find((doc) => doc.uri.toString() === real.toString());
    const text = open ? open.getText() : new TextDecoder().decode(await this.vscodeApi.workspace.fs.readFile(real));
    return maskValues(text);
  }

  /** A masked view opened in a tab (not a peek, which has no tab): the real file replaces it, same place. */
  private async openRealFile(editor: vscode.TextEditor): Promise<void> {
    const { window } = this.vscodeApi;
    const maskedUri = editor.document.uri.toString();
    const tab = window.tabGroups.all
      .flatMap((group) => group.tabs)
      .find((candidate) => {
        const input = candidate.input as { uri?: vscode.Uri } | undefined;
        return input?.uri?.toString() === maskedUri;
      });
    if (!tab) return;
    await window.showTextDocument(this.realUri(editor.document.uri), {
      viewColumn: tab.group.viewColumn,
      selection: editor.selection,
      preview: tab.isPreview,
    });
    await window.tabGroups.close(tab);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** Whether a path names an env file (the dotenv language's names: `.env`, `.env.*`, `*.env`). */
export function isEnvFilePath(path: string): boolean {
  return isEnvFileName(path.slice(path.lastIndexOf('/') + 1));
}
