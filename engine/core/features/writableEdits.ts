import type { CodeAction, WorkspaceEdit } from 'vscode-languageserver-types';
import { Commands } from './commands';
import type { MoveSecretArguments } from '../leaks/leakFixes';

/**
 * Edits the editor applies for us (quick fixes, rename) are writes into the project the host's safe writer did
 * not check: the editor follows a link and opens a FIFO. So the core offers only edits whose every target the
 * host says the writer would accept (SecretsServiceHost.writable): a regular file inside the project, or nothing
 * yet, with no link on the way.
 */

/** Every file an edit writes: the documents it changes, creates, renames or deletes. */
export function editTargets(edit: WorkspaceEdit): string[] {
  const targets = Object.keys(edit.changes ?? {});
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change) targets.push(change.textDocument.uri);
    else if (change.kind === 'rename') targets.push(change.oldUri, change.newUri);
    else targets.push(change.uri);
  }
  return targets;
}

/** The files a code action writes: its edit's, and those of a command that writes (Move to .env.development). */
export function actionTargets(action: CodeAction): string[] {
  const targets = action.edit ? editTargets(action.edit) : [];
  if (action.command?.command === Commands.moveSecretToEnv) {
    const args = action.command.arguments?.[0] as MoveSecretArguments | undefined;
    if (args) targets.push(args.envUri, ...(args.gitignoreUri !== undefined ? [args.gitignoreUri] : []));
  }
  return targets;
}

/** The actions whose every target is writable. */
export function writableActions(actions: readonly CodeAction[], writable: (uri: string) => boolean): CodeAction[] {
  return actions.filter((action) => actionTargets(action).every(writable));
}
