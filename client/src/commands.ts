import * as vscode from 'vscode';
import { type CommandName, Commands, errorText, isEnvironment } from '../../engine/core';
import { clearApiKey, setApiKey } from './apiKeyCommands';
import { keepAgentsOut } from './keepAgentsOutCommand';
import { copyRedacted, moveSecretToEnv } from './leakCommands';
import type { Extension } from './struereExtension';
import { runSetSecretCommand } from './setSecretCommand';
import { runSyncOrDeploy } from './syncCommands';
import { updateEnvExample } from './updateEnvExampleCommand';

type CommandHandler = (...args: unknown[]) => unknown;

/**
 * Every command, one line each: `(extension) => handler`. The ids are `Commands` (engine/core/commands.ts); the
 * type makes this table name each of them exactly once, so a new id without a handler does not compile. A new
 * command is one id there, one line here, and (unless internal) one entry in package.json's `contributes.commands`.
 */
const COMMAND_TABLE: Record<CommandName, (extension: Extension) => CommandHandler> = {
  // With an argument (the "Switch to production" quick fix) it switches at once; without, it asks.
  selectEnvironment: (ext) => async (environment) => {
    if (isEnvironment(environment)) await ext.environmentSwitch.set(environment);
    else if (await ext.environmentSwitch.pick()) ext.walkthrough.environmentPicked();
  },
  sync: (ext) => () => runSyncOrDeploy('development', { kind: 'command' }, ext.syncDependencies),
  deploy: (ext) => () => runSyncOrDeploy('production', { kind: 'command' }, ext.syncDependencies),
  setApiKey: (ext) => async (preset) => {
    if (!(await setApiKey(ext.apiKeyCommandDependencies, preset))) return;
    ext.walkthrough.apiKeyStored();
    await ext.remote.refresh(ext.projects.all);
  },
  clearApiKey: (ext) => async (preset) => {
    await clearApiKey(ext.apiKeyCommandDependencies, preset);
    await ext.remote.refresh(ext.projects.all);
  },
  refreshRemote: (ext) => async () => {
    await ext.remote.refresh(ext.projects.all);
    void vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) Struere: remote secret names refreshed'), 3000);
  },
  showStatus: (ext) => async () => {
    const projectUri = await ext.projects.pick(vscode.l10n.t('Show the secret status of which project?'));
    if (projectUri) await ext.statusView.show(projectUri);
  },
  toggleCloak: (ext) => () => ext.cloak.toggle(),
  setSecret: (ext) => (preset) =>
    runSetSecretCommand(
      vscode,
      { ...ext.syncDependencies, environment: () => ext.environmentSwitch.environment },
      preset,
    ),
  previewPrompt: (ext) => () => ext.promptPreview.open(),
  updateEnvExample: (ext) => () => updateEnvExample(ext.projects),
  keepAgentsOut: (ext) => () => keepAgentsOut(ext.projects),
  copyRedacted: (ext) => () => copyRedacted(ext.projects),
  openWalkthrough: (ext) => () => ext.walkthrough.open(ext.extensionId),
  moveSecretToEnv: () => moveSecretToEnv,
  revealPosition: () => revealPosition,
};

/** Registers every command of the table; a failure is logged with its stack and shown without it. */
export function registerCommands(extension: Extension): vscode.Disposable[] {
  return (Object.keys(COMMAND_TABLE) as CommandName[]).map((name) => {
    const id = Commands[name];
    const handler = COMMAND_TABLE[name](extension);
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await handler(...args);
      } catch (error) {
        // Our errors carry names and statuses only; the stack goes to the log for a bug report.
        extension.log.error(`${id} failed: ${errorText(error, { stack: true })}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('Struere: {0} failed: {1}', name, errorText(error)));
      }
    });
  });
}

/** Internal: quick fixes that add a key put the cursor after its `=`; LSP edits cannot move the cursor themselves. */
async function revealPosition(uri: unknown, line: unknown, character: unknown): Promise<void> {
  if (typeof uri !== 'string' || typeof line !== 'number' || typeof character !== 'number') return;
  const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uri));
  const position = new vscode.Position(line, character);
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position));
}
