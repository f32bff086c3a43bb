import * as vscode from 'vscode';
import { ENV_FILE_NAMES } from '../../engine/core/environments';
import { EXAMPLE_FILE_NAME, updateExampleText } from '../../engine/core/envExample';
import { envFileState, type EnvFileState } from '../../engine/core/workspaceIndex';
import type { ProjectRegistry } from './projectRegistry';
import { positionAtEnd, projectEnvFiles, readIfExists } from './documentText';

/**
 * Struere: Update .env.example — the editor's `struere-secrets example`: adds the names of .env.development and
 * .env.production that the project's template lacks, with empty values (updateExampleText in the engine), as one
 * undoable edit. Reads open documents as shown, unsaved changes included. Names only in every message.
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
  for (const environment of ['development', 'production'] as const) {
    const uri = vscode.Uri.joinPath(root, ENV_FILE_NAMES[environment]);
    const text = await readIfExists(uri);
    if (text !== undefined) sources.push(envFileState(uri.toString(), text, environment));
  }
  if (sources.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Struere: no .env.development or .env.production to describe.'),
    );
    return;
  }
  const exampleUri = vscode.Uri.joinPath(root, EXAMPLE_FILE_NAME);
  const exampleText = await readIfExists(exampleUri);
  const existing = exampleText === undefined ? undefined : envFileState(exampleUri.toString(), exampleText, undefined);
  const update = updateExampleText(existing, sources, await projectEnvFiles(root));
  if (update.added.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Struere: {0} is up to date.', EXAMPLE_FILE_NAME));
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  if (exampleText === undefined) {
    edit.createFile(exampleUri, { ignoreIfExists: true });
    edit.insert(exampleUri, new vscode.Position(0, 0), update.text);
  } else {
    // The update only appends: insert what follows the existing text rather than replacing it.
    edit.insert(exampleUri, positionAtEnd(exampleText), update.text.slice(exampleText.length));
  }
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`${EXAMPLE_FILE_NAME} could not be edited`);
  await (await vscode.workspace.openTextDocument(exampleUri)).save();
  const names = update.added.join(', ');
  void vscode.window.showInformationMessage(
    update.added.length === 1
      ? vscode.l10n.t('Struere: added 1 name to {0} (no values): {1}', EXAMPLE_FILE_NAME, names)
      : vscode.l10n.t(
          'Struere: added {0} names to {1} (no values): {2}',
          update.added.length,
          EXAMPLE_FILE_NAME,
          names,
        ),
  );
}
