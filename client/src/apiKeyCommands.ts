import * as path from 'node:path';
import * as vscode from 'vscode';
import { API_KEY_PREFIX, WRITABLE_ENVIRONMENTS, type WritableEnvironment } from '../../engine/core';
import { ApiError, createApiClient } from '../../engine/api';
import { describeApiError } from '../../engine/sync';
import type { ApiKeyScope, ApiKeyStore } from './apiKeyStore';
import type { ClientSettings } from './clientSettings';
import type { OutputLog } from './outputLog';

export interface ApiKeyCommandDependencies {
  readonly keys: ApiKeyStore;
  readonly settings: ClientSettings;
  readonly log: OutputLog;
  /** The projects found in the workspace (folders with struere.json), as URIs. */
  readonly projects: readonly string[];
}

/** A project as people name it: its folder. */
export function projectName(projectUri: string): string {
  return path.basename(vscode.Uri.parse(projectUri).fsPath);
}

/** Says which scope, never the key: "project support-agent" or "all projects". */
export function describeScope(scope: ApiKeyScope): string {
  return scope.kind === 'project'
    ? vscode.l10n.t('project {0}', projectName(scope.projectUri))
    : vscode.l10n.t('all projects');
}

/** The log stays English, like the rest of it (a bug report reads the same in every language). */
function scopeForLog(scope: ApiKeyScope): string {
  return scope.kind === 'project' ? `project ${projectName(scope.projectUri)}` : 'all projects';
}

async function pickEnvironment(title: string, preset: unknown): Promise<WritableEnvironment | undefined> {
  if (preset === 'development' || preset === 'production') return preset;
  const picked = await vscode.window.showQuickPick(
    WRITABLE_ENVIRONMENTS.map((environment) => ({
      label: environment,
      description:
        environment === 'development'
          ? vscode.l10n.t('{0}… · also reads eval', API_KEY_PREFIX[environment])
          : `${API_KEY_PREFIX[environment]}…`,
      environment,
    })),
    { title },
  );
  return picked?.environment;
}

/** All projects, or one of them; `offered` narrows the list (Clear offers only the scopes that hold a key). */
async function pickScope(
  title: string,
  projects: readonly string[],
  offered: (scope: ApiKeyScope) => Promise<boolean> = () => Promise.resolve(true),
): Promise<ApiKeyScope | undefined> {
  const scopes: ApiKeyScope[] = [
    { kind: 'all-projects' },
    ...projects.map((projectUri): ApiKeyScope => ({ kind: 'project', projectUri })),
  ];
  const items = [];
  for (const scope of scopes) {
    if (!(await offered(scope))) continue;
    items.push(
      scope.kind === 'all-projects'
        ? {
            label: vscode.l10n.t('All projects'),
            description: vscode.l10n.t("this machine's key for every project without its own"),
            scope,
          }
        : {
            label: vscode.l10n.t('Project {0}', projectName(scope.projectUri)),
            description: vscode.l10n.t('only this project; wins over the key for all projects'),
            detail: vscode.workspace.asRelativePath(vscode.Uri.parse(scope.projectUri)),
            scope,
          },
    );
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Struere: no API key is set there.'));
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title }))?.scope;
}

/** The input box's check: says what is wrong without echoing the key. */
export function validateApiKeyInput(environment: WritableEnvironment, value: string): string | undefined {
  const trimmed = value.trim();
  const prefix = API_KEY_PREFIX[environment];
  if (trimmed === '') return vscode.l10n.t('Paste the {0} API key (it starts with {1}).', environment, prefix);
  if (!trimmed.startsWith(prefix))
    return vscode.l10n.t('A {0} API key starts with {1}; this one does not.', environment, prefix);
  if (/\s/.test(trimmed)) return vscode.l10n.t('An API key has no spaces.');
  return undefined;
}

/**
 * Set API Key: environment, scope (all projects or one project), then a password box whose prefix is checked as
 * you type; the key is verified with a names-only list call before it is stored (in SecretStorage only). An
 * untrusted workspace stores it unverified: no key leaves the machine there.
 */
export async function setApiKey(deps: ApiKeyCommandDependencies, preset?: unknown): Promise<boolean> {
  const environment = await pickEnvironment(vscode.l10n.t('Set API key for which environment?'), preset);
  if (!environment) return false;
  const scope = await pickScope(vscode.l10n.t('Use this {0} API key for which projects?', environment), deps.projects);
  if (!scope) return false;
  const input = await vscode.window.showInputBox({
    title: vscode.l10n.t('Struere API key for {0} ({1})', environment, describeScope(scope)),
    prompt: vscode.l10n.t(
      "Paste the {0} API key (starts with {1}). It is kept in the OS keychain through VS Code's SecretStorage.",
      environment,
      API_KEY_PREFIX[environment],
    ),
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => validateApiKeyInput(environment, value),
  });
  if (input === undefined) return false;
  const saved = { deps, environment, scope, apiKey: input.trim() };
  if (!vscode.workspace.isTrusted) {
    await deps.keys.store(scope, environment, saved.apiKey);
    notifySaved(saved, vscode.l10n.t('not verified: this workspace is not trusted'));
    return true;
  }
  return verifyAndStore(saved);
}

interface KeyToSave {
  readonly deps: ApiKeyCommandDependencies;
  readonly environment: WritableEnvironment;
  readonly scope: ApiKeyScope;
  readonly apiKey: string;
}

function notifySaved(key: KeyToSave, how: string): void {
  const { environment, scope } = key;
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Struere: API key for {0} saved for {1} ({2}).', environment, describeScope(scope), how),
  );
}

/** A names-only list call with the new key; offline, the person may save it unverified. */
async function verifyAndStore(key: KeyToSave): Promise<boolean> {
  const { deps, environment, scope, apiKey } = key;
  const where = `${environment}, ${scopeForLog(scope)}`;
  let client;
  try {
    client = createApiClient({ baseUrl: deps.settings.apiUrl, apiKey, retry: { maxRetries: 1 } });
    const listed = await client.listNames();
    await deps.keys.store(scope, environment, apiKey);
    deps.log.info(
      `API key for ${where} saved; verified against ${deps.settings.apiUrl} (${listed.secrets.length} secrets listed)`,
    );
    notifySaved(key, vscode.l10n.t('verified: {0} secrets listed', listed.secrets.length));
    return true;
  } catch (error) {
    const message = describeApiError(error);
    deps.log.warn(`API key for ${where} not verified: ${message}`);
    if (!(error instanceof ApiError && error.kind === 'network')) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Struere: API key for {0} not saved: {1}', environment, message),
      );
      return false;
    }
    const saveAnyway = vscode.l10n.t('Save Anyway');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Struere: could not reach {0} to verify the key ({1}). Save it anyway?',
        deps.settings.apiUrl,
        message,
      ),
      saveAnyway,
    );
    if (choice !== saveAnyway) return false;
    await deps.keys.store(scope, environment, apiKey);
    notifySaved(key, vscode.l10n.t('not verified'));
    return true;
  } finally {
    await client?.close();
  }
}

/** Clear API Key: environment, then one of the scopes that holds a key for it. */
export async function clearApiKey(deps: ApiKeyCommandDependencies, preset?: unknown): Promise<void> {
  const environment = await pickEnvironment(vscode.l10n.t('Clear the API key of which environment?'), preset);
  if (!environment) return;
  const scope = await pickScope(
    vscode.l10n.t('Clear the {0} API key of which projects?', environment),
    deps.projects,
    (candidate) => deps.keys.has(candidate, environment),
  );
  if (!scope) return;
  await deps.keys.delete(scope, environment);
  deps.log.info(`API key for ${environment}, ${scopeForLog(scope)} cleared`);
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Struere: API key for {0} cleared for {1}.', environment, describeScope(scope)),
  );
}
