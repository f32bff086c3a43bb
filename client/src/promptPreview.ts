import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  compilePrompt,
  describeRemote,
  ENV_FILE_NAMES,
  type Environment,
  formatPromptPreview,
  isEnvFileName,
  redactionDictionary,
  redactText,
  type RemoteNameList,
  setKeysFrom,
  writableEnvironmentOf,
} from '../../engine/core';
import { envFileBehind } from '../../engine/host';
import { projectEnvFiles } from './documentText';
import type { EnvironmentSwitch } from './environmentSwitch';
import type { ProjectRegistry } from './projectRegistry';
import type { RemoteNamesBridge } from './remoteNamesBridge';

export const PROMPT_PREVIEW_SCHEME = 'struere-prompt';

/**
 * Struere: Preview Compiled Prompt — a read-only virtual document beside the editor showing what the active
 * file's prompts compile to in the selected environment (set secrets masked, unset ones as
 * `[MISSING_SECRET:KEY]`) and every env value of the project redacted, refreshed on edits of the file or of the project's .env files, on environment
 * switches and when the remote lists change. The compiler is only told which keys are set: no value is read into
 * the preview. The preview's URI carries the source URI in its query; the environment is read at render time.
 */
export class PromptPreview implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly environmentSwitch: EnvironmentSwitch,
    private readonly projects: ProjectRegistry,
    private readonly remote: RemoteNamesBridge,
  ) {
    const envWatcher = vscode.workspace.createFileSystemWatcher(`**/{${Object.values(ENV_FILE_NAMES).join(',')}}`);
    const envChangedOnDisk = () => this.refresh(() => true);
    this.disposables.push(
      this.changed,
      envWatcher,
      vscode.workspace.registerTextDocumentContentProvider(PROMPT_PREVIEW_SCHEME, this),
      vscode.workspace.onDidChangeTextDocument(({ document }) => {
        if (document.uri.scheme === PROMPT_PREVIEW_SCHEME) return;
        const edited = document.uri.toString();
        const project = this.projects.projectOf(document.uri);
        const isEnv = isEnvFileName(path.basename(document.uri.fsPath));
        this.refresh(
          (source) =>
            source.toString() === edited ||
            (isEnv && project !== undefined && this.projects.projectOf(source) === project),
        );
      }),
      envWatcher.onDidChange(envChangedOnDisk),
      envWatcher.onDidCreate(envChangedOnDisk),
      envWatcher.onDidDelete(envChangedOnDisk),
      environmentSwitch.onDidChange(() => this.refresh(() => true)),
      remote.onDidChange((projectUri) => this.refresh((source) => this.projects.projectOf(source) === projectUri)),
    );
  }

  /** Opens (or reveals) the preview of the active editor's file beside it. */
  async open(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Struere: open an agent, prompt or text file to preview its compiled prompt.'),
      );
      return;
    }
    const document = editor.document;
    if (document.uri.scheme === PROMPT_PREVIEW_SCHEME) return;
    if (document.languageId === 'dotenv' || isEnvFileName(path.basename(document.uri.fsPath))) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Struere: .env files hold values, not prompts: open an agent or prompt file to preview it.'),
      );
      return;
    }
    const previewUri = vscode.Uri.from({
      scheme: PROMPT_PREVIEW_SCHEME,
      path: `/${vscode.l10n.t('{0} (compiled prompt)', path.basename(document.uri.path))}`,
      query: encodeURIComponent(document.uri.toString()),
    });
    const preview = await vscode.workspace.openTextDocument(previewUri);
    await vscode.window.showTextDocument(preview, {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: true,
      preview: true,
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = vscode.Uri.parse(decodeURIComponent(uri.query));
    const environment = this.environmentSwitch.environment;
    const projectUri = this.projects.projectOf(source);
    const label = vscode.workspace.asRelativePath(source);
    if (!projectUri)
      return vscode.l10n.t(
        '{0} is not inside a Struere project (a folder with struere.json), so there is nothing to compile it against.',
        label,
      );
    const root = vscode.Uri.parse(projectUri);
    const envFiles = await projectEnvFiles(root);
    if (source.scheme === 'file') {
      const envPaths = envFiles.map((file) => vscode.Uri.parse(file.uri).fsPath);
      const behind = await envFileBehind(source.fsPath, root.fsPath, envPaths);
      if (behind !== undefined)
        return vscode.l10n.t('{0} {1}: the preview compiles prompts and never shows values.', label, behind);
    }
    const text = await readText(source);
    if (text === undefined) return vscode.l10n.t('{0} could not be read.', label);
    const envFile = vscode.Uri.joinPath(root, ENV_FILE_NAMES[writableEnvironmentOf(environment)]);
    const remote = this.remote.listsFor(projectUri)[environment];
    const set = setKeysFrom(await readText(envFile), remote);
    // The file name decides agent code vs whole-file prompt, whether or not the source is still open.
    const result = compilePrompt(text, source.path, (key) => set.has(key));
    const preview = formatPromptPreview(result, {
      file: label,
      environment,
      setMeans: describeSetMeaning(environment, remote),
    });
    // A value pasted into the prompt, or reaching it any other way, shows as [SECRET:KEY], as Copy Redacted does.
    return redactText(preview, redactionDictionary(envFiles));
  }

  /** Re-renders the open previews whose source file matches. */
  private refresh(matches: (source: vscode.Uri) => boolean): void {
    for (const document of vscode.workspace.textDocuments) {
      if (
        document.uri.scheme === PROMPT_PREVIEW_SCHEME &&
        matches(vscode.Uri.parse(decodeURIComponent(document.uri.query)))
      )
        this.changed.fire(document.uri);
    }
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function describeSetMeaning(environment: Environment, remote: RemoteNameList): string {
  return vscode.l10n.t(
    '{0} ∪ the remote {1} list ({2})',
    ENV_FILE_NAMES[writableEnvironmentOf(environment)],
    environment,
    describeRemote(remote),
  );
}

/** An open buffer's text (unsaved edits count, as in the language server), else the file on disk; undefined if absent. */
async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError) return undefined;
    throw error;
  }
}
