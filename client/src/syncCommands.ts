import * as path from 'node:path';
import * as vscode from 'vscode';
import { API_KEY_PREFIX, ENV_FILE_NAMES, type WritableEnvironment } from '../../engine/core/environments';
import { createApiClient } from '../../engine/api/apiClient';
import {
  describePlan,
  describeReport,
  planRemote,
  prepareSync,
  runSync,
  SyncRefusedError,
} from '../../engine/sync/syncFlow';
import { describeApiError } from '../../engine/sync/describeError';
import type { ApiKeyStore } from './apiKeyStore';
import { Commands } from '../../engine/core/commands';
import type { ClientSettings } from './clientSettings';
import type { OutputLog } from './outputLog';
import type { ProjectRegistry } from './projectRegistry';
import type { RemoteNamesBridge } from './remoteNamesBridge';

export interface SyncDependencies {
  keys: ApiKeyStore;
  settings: () => ClientSettings;
  log: OutputLog;
  projects: ProjectRegistry;
  remote: RemoteNamesBridge;
}

/** How a run was started: a command (asks, notifies) or a save with struere.syncOnSave (quiet unless it fails). */
export type SyncTrigger = { kind: 'command' } | { kind: 'save'; projectUri: string };

const VERB: Record<WritableEnvironment, { name: string; past: string }> = {
  development: { name: 'sync', past: 'synced' },
  production: { name: 'deploy', past: 'deployed' },
};

/**
 * Sync (.env.development → development, mirrored to eval) and deploy (.env.production → production), thin over
 * the shared flow in engine/sync: refuse with reasons (sending nothing), plan, confirm deploys, upsert with
 * progress and cancel, report exactly, refresh the remote lists.
 */
export async function runSyncCommand(
  environment: WritableEnvironment,
  trigger: SyncTrigger,
  deps: SyncDependencies,
): Promise<void> {
  const verb = VERB[environment].name;
  const refuse = (reason: string, ...actions: string[]) =>
    vscode.window.showErrorMessage(`Struere: ${verb} refused: ${reason}`, ...actions);

  if (!vscode.workspace.isTrusted) {
    await refuse(
      'this workspace is not trusted, so no API key is sent. Trust the workspace (Manage Workspace Trust) to sync.',
    );
    return;
  }
  const projectUri =
    trigger.kind === 'save' ? trigger.projectUri : await deps.projects.pick(`Which project do you want to ${verb}?`);
  if (!projectUri) return;
  const projectRoot = vscode.Uri.parse(projectUri).fsPath;
  const fileName = ENV_FILE_NAMES[environment];

  // The file on disk is what gets sent: an unsaved buffer would be silently ignored, so ask first.
  const filePath = path.join(projectRoot, fileName);
  const dirty = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === filePath && document.isDirty);
  if (dirty) {
    const choice = await vscode.window.showWarningMessage(
      `${fileName} has unsaved changes. Save it before you ${verb}?`,
      { modal: true },
      'Save and Continue',
    );
    if (choice !== 'Save and Continue' || !(await dirty.save())) {
      await refuse(`${fileName} has unsaved changes; nothing was sent.`);
      return;
    }
  }

  const apiKey = await deps.keys.get(environment);
  if (!apiKey) {
    const action = await refuse(
      `no ${environment} API key is set (${environment} keys start with ${API_KEY_PREFIX[environment]}); nothing was sent.`,
      'Set API Key',
    );
    if (action) await vscode.commands.executeCommand(Commands.setApiKey, environment);
    return;
  }

  let prepared;
  try {
    prepared = await prepareSync({ projectRoot, environment, apiKey });
  } catch (error) {
    if (!(error instanceof SyncRefusedError)) throw error;
    deps.log.warn(`${verb} refused for ${projectRoot}: ${error.message}`);
    const action = await refuse(error.message, ...(error.problems.length > 0 ? ['Open File'] : []));
    if (action === 'Open File') {
      const document = await vscode.workspace.openTextDocument(filePath);
      const line = Math.max(0, (error.problems[0]?.line ?? 1) - 1);
      await vscode.window.showTextDocument(document, { selection: new vscode.Range(line, 0, line, 0) });
    }
    return;
  }

  const client = createApiClient({ baseUrl: deps.settings().apiUrl, apiKey, log: (line) => deps.log.info(line) });
  try {
    let plan;
    try {
      plan = await planRemote(prepared, client);
    } catch (error) {
      const message = describeApiError(error);
      deps.log.error(`${verb}: listing remote names failed: ${message}`);
      await vscode.window.showErrorMessage(`Struere: ${verb} failed before writing anything: ${message}`);
      return;
    }
    const keyCount = prepared.values.size;
    deps.log.info(`${verb} plan for ${projectRoot} → ${environment}: ${describePlan(plan)}`);
    if (plan.create.length > 0) deps.log.info(`  create: ${plan.create.join(', ')}`);
    if (plan.update.length > 0) deps.log.info(`  update: ${plan.update.join(', ')}`);
    if (plan.remoteOnly.length > 0) deps.log.info(`  remote-only, kept: ${plan.remoteOnly.join(', ')}`);

    if (environment === 'production') {
      const confirmed = await vscode.window.showWarningMessage(
        `Deploy ${keyCount} keys to production?`,
        {
          modal: true,
          detail: `${describePlan(plan)}.\nFrom ${path.join(path.basename(projectRoot), fileName)}. Production is live: agents read these secrets on their next run.`,
        },
        'Deploy',
      );
      if (confirmed !== 'Deploy') {
        deps.log.info('deploy cancelled at confirmation; nothing was sent');
        return;
      }
    }

    const target = deps.remote.target(projectUri);
    const { result: report } = await deps.remote.cacheForSync.syncAndRefresh(target, await deps.keys.all(), async () =>
      vscode.window.withProgress(
        {
          location: trigger.kind === 'save' ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification,
          title: `Struere: ${verb}ing ${keyCount} keys to ${environment === 'development' ? 'development (+ eval)' : 'production'}`,
          cancellable: true,
        },
        (progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          let reported = 0;
          return runSync(prepared, client, {
            signal: controller.signal,
            onProgress: (p) => {
              const percent = (p.keysWritten / Math.max(1, p.keysTotal)) * 100;
              progress.report({
                increment: percent - reported,
                message: `${p.keysWritten}/${p.keysTotal} keys, batch ${p.batchesDone}/${p.batchesTotal}`,
              });
              reported = percent;
            },
          });
        },
      ),
    );
    await deps.remote.republish([projectUri]);
    const described = describeReport(report, environment, plan);
    for (const line of described.details) deps.log.info(`  ${line}`);
    if (described.ok) {
      deps.log.info(`${verb}: ${described.summary}`);
      if (trigger.kind === 'command') void vscode.window.showInformationMessage(`Struere: ${described.summary}`);
      else vscode.window.setStatusBarMessage(`$(check) Struere: ${described.summary}`, 5000);
    } else {
      deps.log.error(`${verb}: ${described.summary}`);
      const action = await vscode.window.showErrorMessage(`Struere: ${described.summary}`, 'Show Log');
      if (action) deps.log.show();
    }
  } catch (error) {
    if (error instanceof SyncRefusedError) {
      await refuse(error.message);
      return;
    }
    throw error;
  } finally {
    await client.close();
  }
}
