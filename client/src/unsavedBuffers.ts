import { promises as fs } from 'node:fs';
import type * as vscode from 'vscode';
import { pathToUri } from '../../engine/host';
import type { UnsavedBuffers } from '../../engine/tools';

/**
 * What the disk holds is what gets written or sent: a sync uploads the file, a write replaces it. A buffer of the
 * same file with unsaved changes would be left out of a sync, or meet the write at its next save ("the content
 * of the file is newer"), where Overwrite drops what was written — a key the human just typed in, in the agent's
 * request. So the human is asked to save first; nothing happens to a file whose buffer stays unsaved.
 */

/** The editor's buffer of `filePath` when it has unsaved changes. */
export function unsavedBuffer(api: typeof vscode, filePath: string): vscode.TextDocument | undefined {
  return api.workspace.textDocuments.find((document) => document.uri.fsPath === filePath && document.isDirty);
}

/** True once `filePath` has no unsaved buffer: there was none, or the human chose to save it (`question`). */
export async function savedFirst(api: typeof vscode, filePath: string, question: string): Promise<boolean> {
  const dirty = unsavedBuffer(api, filePath);
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
