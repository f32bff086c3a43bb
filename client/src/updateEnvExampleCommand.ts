import * as vscode from 'vscode';
import {
  DEFAULT_SETTINGS,
  ENV_FILE_NAMES,
  envFileState,
  type EnvFileState,
  EXAMPLE_FILE_NAME,
  updateExampleText,
  WRITABLE_ENVIRONMENTS,
} from '../../engine/core';
import { envBufferVerdict, readEnvFile, RefusedWriteError } from '../../engine/host';
import type { ProjectRegistry } from './projectRegistry';
import { projectEnvFiles } from './documentText';
import { refusalMessage, textForUpdate, writeToProject } from './projectFiles';

/**
 * Struere: Update .env.example — the editor's `struere-secrets example`: adds the names of .env.development and
 * .env.production that the project's template lacks, with empty values (updateExampleText in the engine). Reads
 * the env files as shown (unsaved changes included) under the same rules as the language server (no link out of
 * the project), and reads and writes the template through the safe writer: a link, a FIFO or a folder there, or
 * unsaved changes to it, are refused with the reason. Names only in every message.
 */
export async function updateEnvExample(projects: ProjectRegistry): Promise<void> {
  // Run right at activation (its onCommand event), the server may not have listed the projects yet: find them.
  if (projects.all.length === 0) {
    const manifests = await vscode.workspace.findFiles('**/struere.json', '**/node_modules/**');
    projects.update(manifests.map((manifest) => vscode.Uri.joinPath(manifest, '..').toString()));
  }
  const projectUri = await projects.pick(vscode.l10n.t('Update .env.example of which project?'));
  if (projectUri === undefined) return;
  const root = vscode.Uri.parse(projectUri);
  const sources: EnvFileState[] = [];
  for (const environment of WRITABLE_ENVIRONMENTS) {
    const uri = vscode.Uri.joinPath(root, ENV_FILE_NAMES[environment]);
    const text = await envFileText(root, uri);
    if (text !== undefined) sources.push(envFileState(uri.toString(), text, environment));
  }
  if (sources.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Struere: no .env.development or .env.production to describe.'),
    );
    return;
  }
  const exampleUri = vscode.Uri.joinPath(root, EXAMPLE_FILE_NAME);
  let added: readonly string[];
  try {
    const read = await textForUpdate(root, exampleUri);
    // A byte order mark is kept as it was, and parsed as editors read it: not part of the first key.
    const bom = read?.startsWith('\uFEFF') ? '\uFEFF' : '';
    const existing =
      read === undefined ? undefined : envFileState(exampleUri.toString(), read.slice(bom.length), undefined);
    const update = updateExampleText(existing, sources, await projectEnvFiles(root));
    added = update.added;
    if (added.length > 0) await writeToProject(root, exampleUri, bom + update.text);
  } catch (error) {
    if (!(error instanceof RefusedWriteError)) throw error;
    void vscode.window.showErrorMessage(refusalMessage(exampleUri, error));
    return;
  }
  if (added.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Struere: {0} is up to date.', EXAMPLE_FILE_NAME));
    return;
  }
  const names = added.join(', ');
  void vscode.window.showInformationMessage(
    added.length === 1
      ? vscode.l10n.t('Struere: added 1 name to {0} (no values): {1}', EXAMPLE_FILE_NAME, names)
      : vscode.l10n.t('Struere: added {0} names to {1} (no values): {2}', added.length, EXAMPLE_FILE_NAME, names),
  );
}

/** An env file's text as the server takes it: an open buffer first, the disk else; undefined when absent or skipped. */
async function envFileText(root: vscode.Uri, uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  const filePath = uri.fsPath;
  const rootPath = root.fsPath;
  const max = DEFAULT_SETTINGS.maxFileBytes;
  const verdict =
    open !== undefined
      ? envBufferVerdict(filePath, rootPath, open.getText(), max)
      : await readEnvFile(filePath, rootPath, max);
  return verdict.kind === 'text' ? verdict.text : undefined;
}
