import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { pathToUri } from '../../engine/host';
import type { UnsavedBuffers } from '../../engine/tools';

/**
 * What the disk holds is what gets written or sent: a sync uploads the file, a write replaces it. A buffer of the
 * same file with unsaved changes would be left out of a sync, or meet the write at its next save ("the content
 * of the file is newer"), where Overwrite drops what was written — a key the human just typed in, in the agent's
 * request. So the human is asked to save first; nothing happens to a file whose buffer stays unsaved.
 */

/**
 * The editor's buffer of `filePath` when it has unsaved changes, by whichever path either was reached: a workspace
 * opened through a link names its files by the link, and the same file opened by its target is another path
 * string for one file on disk.
 */
export async function unsavedBuffer(
  api: Pick<typeof vscode, 'workspace'>,
  filePath: string,
): Promise<vscode.TextDocument | undefined> {
  const dirty = api.workspace.textDocuments.filter((document) => document.isDirty);
  const same = dirty.find((document) => document.uri.fsPath === filePath);
  if (same || !dirty.some((document) => document.uri.scheme === 'file')) return same;
  const target = await resolvedPath(filePath);
  for (const document of dirty)
    if (document.uri.scheme === 'file' && (await resolvedPath(document.uri.fsPath)) === target) return document;
  return undefined;
}

/**
 * `filePath` with links resolved. A file not there (yet, or any more) is its folder's resolved path and its name:
 * the env file a request creates, or a buffer whose file was deleted; a folder not there either stays as given.
 */
export async function resolvedPath(filePath: string): Promise<string> {
  try {
    return await fs.realpath(filePath);
  } catch {
    return fs.realpath(path.dirname(filePath)).then(
      (folder) => path.join(folder, path.basename(filePath)),
      () => filePath,
    );
  }
}

/** True once `filePath` has no unsaved buffer: there was none, or the human chose to save it (`question`). */
export async function savedFirst(api: typeof vscode, filePath: string, question: string): Promise<boolean> {
  const dirty = await unsavedBuffer(api, filePath);
  if (!dirty) return true;
  // Destructured: VS Code's string extractor (@vscode/l10n-dev) finds `l10n.t(…)`, not `api.l10n.t(…)`.
  const { l10n } = api;
  const saveAndContinue = l10n.t('Save and Continue');
  const choice = await api.window.showWarningMessage(question, { modal: true }, saveAndContinue);
  return choice === saveAndContinue && (await dirty.save());
}

/**
 * Every file the editor holds with unsaved changes, by the URI of its resolved path (the agent tools load folders
 * with links resolved, and name files so): secrets_status and secrets_check answer from what the human sees.
 * secrets_plan does not take them: it is a dry run of a sync, which sends the saved file.
 */
export async function dirtyFileBuffers(api: typeof vscode): Promise<UnsavedBuffers> {
  const dirty = api.workspace.textDocuments.filter((document) => document.isDirty && document.uri.scheme === 'file');
  const entries = await Promise.all(
    dirty.map(async (document) => {
      // A buffer whose file is gone (deleted, renamed) has no place on disk to stand for.
      const real = await fs.realpath(document.uri.fsPath).catch(() => undefined);
      return real === undefined ? [] : [[pathToUri(real), document.getText()] as const];
    }),
  );
  return new Map(entries.flat());
}
