import type * as vscode from 'vscode';
import {
  API_KEY_PREFIX,
  Commands,
  type Environment,
  isEnvironment,
  isValidKey,
  writableEnvironmentOf,
} from '../../engine/core';
import { describeApiError, setOneSecret, type SetOneSecretResult, SetSecretRefusedError } from '../../engine/sync';
import type { ApiKeyStore } from './apiKeyStore';
import type { ClientSettings } from './clientSettings';
import type { OutputLog } from './outputLog';
import type { ProjectRegistry } from './projectRegistry';
import type { RemoteNamesBridge } from './remoteNamesBridge';

/**
 * Struere: Set Secret… — one secret straight to the platform, like `cast secrets set`: a key, a value in a
 * password box, one upsert (engine/sync's setOneSecret). The value goes only into the PUT body: never to disk, a
 * setting, a log line, a notification or an error. The input checks run without VS Code; the command gets VS Code
 * as a parameter (`import type` only) so the tests can load this module.
 */

/** API.md: a value is at most 65,536 bytes of UTF-8. */
export const MAX_SECRET_VALUE_BYTES = 65_536;

/** `vscode.l10n`'s `t`, as far as the input checks need it. */
type Translator = Pick<typeof vscode.l10n, 't'>;

/** The checks' texts untranslated, for callers without VS Code (the tests import this module under plain Node). */
const ENGLISH: Translator = {
  t: (message: string, ...args: unknown[]) => message.replace(/\{(\d+)\}/g, (_, index) => String(args[Number(index)])),
} as Translator;

/** The key box's check, as you type. */
export function validateSecretKeyInput(key: string, l10n: Translator = ENGLISH): string | undefined {
  if (key === '') return l10n.t('Type the secret name, e.g. STRIPE_API_KEY.');
  if (!isValidKey(key))
    return l10n.t(
      'A secret name is letters, digits and _, and does not start with a digit (^[A-Za-z_][A-Za-z0-9_]*$).',
    );
  return undefined;
}

/**
 * The value box's check. It never echoes the value. Empty is refused: an Enter pressed too early would otherwise
 * overwrite a live secret with nothing.
 */
export function validateSecretValueInput(value: string, l10n: Translator = ENGLISH): string | undefined {
  if (value === '')
    return l10n.t('Type or paste the value. It is sent to the API only, never written to disk or a log.');
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_SECRET_VALUE_BYTES)
    return l10n.t(
      'The value is {0} bytes; the API takes at most {1}.',
      bytes.toLocaleString('en-US'),
      MAX_SECRET_VALUE_BYTES.toLocaleString('en-US'),
    );
  return undefined;
}

export interface SetSecretDependencies {
  readonly keys: ApiKeyStore;
  readonly settings: () => ClientSettings;
  readonly log: OutputLog;
  readonly projects: ProjectRegistry;
  readonly remote: RemoteNamesBridge;
  /** The status bar's environment. */
  readonly environment: () => Environment;
}

/** The write in the log and a notification: names and environments only. */
function announceSet(api: typeof vscode, deps: SetSecretDependencies, result: SetOneSecretResult): void {
  const { l10n, window } = api;
  const { key } = result;
  if (result.journalProblem) deps.log.warn(`set secret ${key}: ${result.journalProblem}`);
  const mirrored = result.mirrored.length > 0 ? ` (mirrored to ${result.mirrored.join(', ')})` : '';
  deps.log.info(`set secret ${key}: ${result.outcome} in ${result.target}${mirrored}`);
  const done =
    result.outcome === 'created'
      ? l10n.t('Struere: {0} created in {1}.', key, result.target)
      : l10n.t('Struere: {0} updated in {1}.', key, result.target);
  const mirroredTo = result.mirrored.length > 0 ? ` ${l10n.t('(mirrored to {0})', result.mirrored.join(', '))}` : '';
  void window.showInformationMessage(`${done}${mirroredTo}`);
}

/** The project's sync journal records the write, so a later sync does not take it for a rotation. */
function journalOf(api: typeof vscode, projectUri: string | undefined): { projectRoot?: string } {
  return projectUri ? { projectRoot: api.Uri.parse(projectUri).fsPath } : {};
}

/**
 * The command: refuse in an untrusted workspace or without an API key; ask key, then value; confirm production
 * in a modal; write; refresh the remote name lists. `preset` may name the key (`"KEY"` or `{ key, environment }`),
 * as a quick fix would.
 */
export async function runSetSecretCommand(
  api: typeof vscode,
  deps: SetSecretDependencies,
  preset?: unknown,
): Promise<void> {
  const { window, l10n } = api;
  const refuse = (reason: string, ...actions: string[]) =>
    window.showErrorMessage(l10n.t('Struere: Set Secret refused: {0}', reason), ...actions);
  if (!api.workspace.isTrusted) {
    await refuse(
      l10n.t(
        'this workspace is not trusted, so no API key is sent. Trust the workspace (Manage Workspace Trust) first.',
      ),
    );
    return;
  }
  const presetObject =
    typeof preset === 'object' && preset !== null ? (preset as { key?: unknown; environment?: unknown }) : {};
  const presetKey =
    typeof preset === 'string' ? preset : typeof presetObject.key === 'string' ? presetObject.key : undefined;
  const environment = isEnvironment(presetObject.environment) ? presetObject.environment : deps.environment();
  const target = writableEnvironmentOf(environment);
  const where =
    environment === 'eval' ? l10n.t('eval (written to development, which the API mirrors into eval)') : environment;

  // A project's own key wins over the one for all projects, so the secret lands in that project's account.
  const projectUri =
    deps.projects.all.length > 0 ? await deps.projects.pick(l10n.t('Set the secret for which project?')) : undefined;
  if (deps.projects.all.length > 0 && !projectUri) return;
  const apiKey = (await deps.keys.resolve(projectUri, target))?.apiKey;
  if (!apiKey) {
    const action = await refuse(
      l10n.t('no {0} API key is set (it starts with {1}); nothing was sent.', target, API_KEY_PREFIX[target]),
      l10n.t('Set API Key'),
    );
    if (action) await api.commands.executeCommand(Commands.setApiKey, target);
    return;
  }

  const key = await window.showInputBox({
    title: l10n.t('Struere: Set Secret in {0}', where),
    prompt: l10n.t('Secret name'),
    placeHolder: 'STRIPE_API_KEY',
    ...(presetKey !== undefined ? { value: presetKey } : {}),
    ignoreFocusOut: true,
    validateInput: (input) => validateSecretKeyInput(input, l10n),
  });
  if (key === undefined) return;
  const value = await window.showInputBox({
    title: l10n.t('Struere: Set Secret {0} in {1}', key, where),
    prompt: l10n.t(
      'Value of {0}. It goes to {1} only: never to disk, a setting or a log.',
      key,
      deps.settings().apiUrl,
    ),
    password: true,
    ignoreFocusOut: true,
    validateInput: (input) => validateSecretValueInput(input, l10n),
  });
  if (value === undefined) return;

  await uploadSecret(api, deps, { projectUri, environment, key, value, apiKey });
}

/** One secret to upload, its API key already resolved for the project and environment. */
export interface SecretUpload {
  readonly projectUri: string | undefined;
  readonly environment: Environment;
  readonly key: string;
  readonly value: string;
  readonly apiKey: string;
}

/**
 * The upload of Set Secret, shared with the request tool (languageModelTools.ts): production asks in a modal
 * first; engine/sync's setOneSecret guards the key's prefix and journals the write. Returns whether the platform
 * said the secret was written. The remote lists are refreshed after a failure too: a dropped connection may still
 * have written it.
 */
export async function uploadSecret(
  api: typeof vscode,
  deps: SetSecretDependencies,
  upload: SecretUpload,
): Promise<boolean> {
  const { window, l10n } = api;
  const { projectUri, environment, key, value, apiKey } = upload;
  const target = writableEnvironmentOf(environment);
  const where =
    environment === 'eval' ? l10n.t('eval (written to development, which the API mirrors into eval)') : environment;
  const refuse = (reason: string) => window.showErrorMessage(l10n.t('Struere: Set Secret refused: {0}', reason));
  if (target === 'production') {
    const setInProduction = l10n.t('Set in Production');
    const confirmed = await window.showWarningMessage(
      l10n.t('Set {0} in production?', key),
      {
        modal: true,
        detail: l10n.t('Production is live: agents read {0} on their next run. An existing {0} is overwritten.', key),
      },
      setInProduction,
    );
    if (confirmed !== setInProduction) {
      deps.log.info(`set secret ${key} in production cancelled at confirmation; nothing was sent`);
      return false;
    }
  }

  let written = false;
  try {
    const result = await window.withProgress(
      { location: api.ProgressLocation.Notification, title: l10n.t('Struere: setting {0} in {1}…', key, where) },
      () =>
        setOneSecret({
          apiUrl: deps.settings().apiUrl,
          apiKey,
          environment,
          key,
          value,
          ...journalOf(api, projectUri),
        }),
    );
    announceSet(api, deps, result);
    written = true;
  } catch (error) {
    if (error instanceof SetSecretRefusedError) {
      await refuse(error.message);
      return false;
    }
    const message = describeApiError(error);
    deps.log.warn(`set secret ${key} in ${target} failed: ${message}`);
    void window.showErrorMessage(l10n.t('Struere: setting {0} in {1} failed: {2}', key, target, message));
  }
  // After a failure too: a dropped connection may still have written it.
  await deps.remote.refresh(deps.projects.all);
  return written;
}
