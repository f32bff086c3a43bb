import * as path from 'node:path';
import * as vscode from 'vscode';
import { API_KEY_PREFIX, Commands, ENV_FILE_NAMES, type WritableEnvironment } from '../../engine/core';
import { createApiClient } from '../../engine/api';
import {
  type DescribedReport,
  describePlan,
  everyKey,
  everyKeyReadAsWritten,
  heldBack,
  type KeyChoice,
  platformDate,
  type PreparedSync,
  prepareSync,
  type ShowProgress,
  type SyncOutcome,
  type SyncPlan,
  type SyncProgress,
  syncProject,
  SyncRefusedError,
} from '../../engine/sync';
import type { ApiKeyStore } from './apiKeyStore';
import type { ClientSettings } from './clientSettings';
import type { OutputLog } from './outputLog';
import type { ProjectRegistry } from './projectRegistry';
import type { RemoteNamesBridge } from './remoteNamesBridge';
import { savedFirst } from './unsavedBuffers';

export interface SyncDependencies {
  keys: ApiKeyStore;
  settings: () => ClientSettings;
  log: OutputLog;
  projects: ProjectRegistry;
  remote: RemoteNamesBridge;
  /** Told after a sync or deploy that wrote everything (the walkthrough checks its step). */
  onSucceeded?: (environment: WritableEnvironment) => void;
}

/** How a run was started: a command (asks, notifies) or a save with struere.syncOnSave (quiet unless it fails). */
export type SyncTrigger = { kind: 'command' } | { kind: 'save'; projectUri: string };

/** The verb as the log and the messages say it. */
function verbOf(environment: WritableEnvironment): string {
  return environment === 'development' ? vscode.l10n.t('sync') : vscode.l10n.t('deploy');
}

/**
 * Sync (.env.development → development, mirrored to eval) and deploy (.env.production → production): VS Code's
 * side of engine/sync's flow. Refuse with reasons (sending nothing), then syncProject with a modal confirm for
 * deploys and a cancellable progress notification, then the outcome as a notification; the remote lists refresh.
 */
export async function runSyncOrDeploy(
  environment: WritableEnvironment,
  trigger: SyncTrigger,
  deps: SyncDependencies,
): Promise<void> {
  const run = await checkPreconditions(environment, trigger, deps);
  if (!run) return;
  const prepared = await prepareOrRefuse(run, deps);
  if (!prepared) return;
  const client = createApiClient({
    baseUrl: deps.settings().apiUrl,
    apiKey: run.apiKey,
    log: (line) => deps.log.info(line),
  });
  const cancel = new AbortController();
  try {
    const outcome = await syncProject(prepared, client, {
      confirm: (plan) => confirmDeploy(run, plan),
      progress: showProgress(run, deps, cancel),
      log: (line) => deps.log.info(line),
      signal: cancel.signal,
    });
    await showOutcome(run, outcome, deps);
  } finally {
    await client.close();
  }
}

/** One run's facts, settled before anything is read or sent. */
interface SyncRun {
  readonly environment: WritableEnvironment;
  readonly trigger: SyncTrigger;
  readonly verb: string;
  readonly projectUri: string;
  readonly projectRoot: string;
  readonly fileName: string;
  readonly apiKey: string;
}

function refuse(run: { verb: string }, reason: string, ...actions: string[]): Thenable<string | undefined> {
  return vscode.window.showErrorMessage(vscode.l10n.t('Struere: {0} refused: {1}', run.verb, reason), ...actions);
}

/** Trust, project, a saved file, an API key: without all four nothing is read or sent. */
async function checkPreconditions(
  environment: WritableEnvironment,
  trigger: SyncTrigger,
  deps: SyncDependencies,
): Promise<SyncRun | undefined> {
  const verb = verbOf(environment);
  if (!vscode.workspace.isTrusted) {
    await refuse(
      { verb },
      vscode.l10n.t(
        'this workspace is not trusted, so no API key is sent. Trust the workspace (Manage Workspace Trust) to sync.',
      ),
    );
    return undefined;
  }
  const projectUri =
    trigger.kind === 'save'
      ? trigger.projectUri
      : await deps.projects.pick(vscode.l10n.t('Which project do you want to {0}?', verb));
  if (!projectUri) return undefined;
  const projectRoot = vscode.Uri.parse(projectUri).fsPath;
  const fileName = ENV_FILE_NAMES[environment];
  if (!(await saveIfDirty(verb, path.join(projectRoot, fileName), fileName))) return undefined;

  const resolved = await deps.keys.resolve(projectUri, environment);
  if (!resolved) {
    const action = await refuse(
      { verb },
      vscode.l10n.t(
        'no {0} API key is set for project {1} ({0} keys start with {2}); nothing was sent.',
        environment,
        path.basename(projectRoot),
        API_KEY_PREFIX[environment],
      ),
      vscode.l10n.t('Set API Key'),
    );
    if (action) await vscode.commands.executeCommand(Commands.setApiKey, environment);
    return undefined;
  }
  const scope = resolved.scope === 'project' ? "the project's own" : 'the all-projects';
  deps.log.info(`${verb} of ${projectRoot} uses ${scope} ${environment} API key`);
  return { environment, trigger, verb, projectUri, projectRoot, fileName, apiKey: resolved.apiKey };
}

/** The file on disk is what gets sent: an unsaved buffer would be silently ignored, so ask first. */
async function saveIfDirty(verb: string, filePath: string, fileName: string): Promise<boolean> {
  const question = vscode.l10n.t('{0} has unsaved changes. Save it before you {1}?', fileName, verb);
  if (await savedFirst(vscode, filePath, question)) return true;
  await refuse({ verb }, vscode.l10n.t('{0} has unsaved changes; nothing was sent.', fileName));
  return false;
}

/** Parses and judges the file (engine/sync); a refusal names the lines and offers to open the file there. */
async function prepareOrRefuse(run: SyncRun, deps: SyncDependencies): Promise<PreparedSync | undefined> {
  try {
    return await prepareSync({ projectRoot: run.projectRoot, environment: run.environment, apiKey: run.apiKey });
  } catch (error) {
    if (!(error instanceof SyncRefusedError)) throw error;
    deps.log.warn(`${run.verb} refused for ${run.projectRoot}: ${error.message}`);
    const openFile = vscode.l10n.t('Open File');
    const action = await refuse(run, error.message, ...(error.problems.length > 0 ? [openFile] : []));
    if (action === openFile) {
      const document = await vscode.workspace.openTextDocument(path.join(run.projectRoot, run.fileName));
      const line = Math.max(0, (error.problems[0]?.line ?? 1) - 1);
      await vscode.window.showTextDocument(document, { selection: new vscode.Range(line, 0, line, 0) });
    }
    return undefined;
  }
}

/**
 * New and locally changed keys (on save, those dotenv reads as written). A save never sends a kept, conflicting or
 * unverified key; a command lists them unticked in a quick pick first. A production write is confirmed in a modal.
 */
async function confirmDeploy(run: SyncRun, plan: SyncPlan): Promise<KeyChoice> {
  const keys = run.trigger.kind === 'save' ? everyKeyReadAsWritten(plan) : await pickKeys(plan);
  if (!keys) return undefined;
  if (run.environment !== 'production') return keys;
  const deploy = vscode.l10n.t('Deploy');
  const confirmed = await vscode.window.showWarningMessage(
    vscode.l10n.t('Deploy {0} keys to production?', keys.size),
    {
      modal: true,
      detail: vscode.l10n.t(
        '{0}.\nFrom {1}. Production is live: agents read these secrets on their next run.',
        describePlan(plan),
        path.join(path.basename(run.projectRoot), run.fileName),
      ),
    },
    deploy,
  );
  return confirmed === deploy ? keys : undefined;
}

/** The plan's keys in a quick pick when some are held back: the sendable ticked, the held unticked. */
async function pickKeys(plan: SyncPlan): Promise<ReadonlySet<string> | undefined> {
  const sendable = everyKey(plan);
  const held = heldBack(plan, sendable);
  if (held.length === 0) return sendable;
  const why = new Map<string, string>([
    ...plan.rotated.map(({ key, updatedAt }): [string, string] => [
      key,
      vscode.l10n.t('rotated on the platform on {0}; your local value is older', platformDate(updatedAt)),
    ]),
    ...plan.conflict.map(({ key, updatedAt }): [string, string] => [
      key,
      vscode.l10n.t('changed on the platform on {0} and locally', platformDate(updatedAt)),
    ]),
    ...plan.unverified.map((key): [string, string] => [key, vscode.l10n.t('on the platform; never written from here')]),
  ]);
  const items: vscode.QuickPickItem[] = [
    ...[...sendable].map((label) => ({ label, description: vscode.l10n.t('new or changed here'), picked: true })),
    ...held.map((label) => ({ label, description: why.get(label) ?? '', picked: false })),
  ];
  const chosen = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: vscode.l10n.t('Struere: {0} keys are held back; tick those to overwrite on the platform', held.length),
    ignoreFocusOut: true,
  });
  return chosen ? new Set(chosen.map((item) => item.label)) : undefined;
}

/** The upload under a cancellable progress notification (the status bar's for a save), then the lists refresh. */
function showProgress(run: SyncRun, deps: SyncDependencies, cancel: AbortController): ShowProgress {
  return (keyCount, upload) => {
    const title =
      run.environment === 'development'
        ? vscode.l10n.t('Struere: syncing {0} keys to development (+ eval)', keyCount)
        : vscode.l10n.t('Struere: deploying {0} keys to production', keyCount);
    const location =
      run.trigger.kind === 'save' ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification;
    return deps.remote.refreshAfterSync(run.projectUri, async () =>
      vscode.window.withProgress({ location, title, cancellable: true }, (progress, token) => {
        token.onCancellationRequested(() => cancel.abort());
        return upload(batchesTo(progress));
      }),
    );
  };
}

/** Each batch as the notification's message and bar. */
function batchesTo(progress: vscode.Progress<{ message?: string; increment?: number }>): (p: SyncProgress) => void {
  let reported = 0;
  return (p) => {
    const percent = (p.keysWritten / Math.max(1, p.keysTotal)) * 100;
    progress.report({
      increment: percent - reported,
      message: vscode.l10n.t('{0}/{1} keys, batch {2}/{3}', p.keysWritten, p.keysTotal, p.batchesDone, p.batchesTotal),
    });
    reported = percent;
  };
}

/** Every ending in words: nothing written (listing failed, declined, locked) or the exact report. */
async function showOutcome(run: SyncRun, outcome: SyncOutcome, deps: SyncDependencies): Promise<void> {
  switch (outcome.kind) {
    case 'list-failed':
      deps.log.error(`${run.verb}: listing remote names failed: ${outcome.reason}`);
      await vscode.window.showErrorMessage(
        vscode.l10n.t('Struere: {0} failed before writing anything: {1}', run.verb, outcome.reason),
      );
      return;
    case 'declined':
      deps.log.info('deploy cancelled at confirmation; nothing was sent');
      return;
    case 'refused':
      await refuse(run, outcome.error.message);
      return;
    case 'ran':
      await showReport(run, outcome.described, deps);
  }
}

/** The exact report: a notification for a command, the status bar for a save; failures offer the log. */
async function showReport(run: SyncRun, described: DescribedReport, deps: SyncDependencies): Promise<void> {
  for (const line of described.details) deps.log.info(`  ${line}`);
  if (described.ok) {
    deps.log.info(`${run.verb}: ${described.summary}`);
    deps.onSucceeded?.(run.environment);
    // The summary is the engine's (shared with the CLI, English like the server's messages).
    if (run.trigger.kind === 'command')
      void vscode.window.showInformationMessage(vscode.l10n.t('Struere: {0}', described.summary));
    else vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) Struere: {0}', described.summary), 5000);
    return;
  }
  deps.log.error(`${run.verb}: ${described.summary}`);
  const action = await vscode.window.showErrorMessage(
    vscode.l10n.t('Struere: {0}', described.summary),
    vscode.l10n.t('Show Log'),
  );
  if (action) deps.log.show();
}
