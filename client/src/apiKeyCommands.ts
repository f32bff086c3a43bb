import * as vscode from 'vscode';
import { API_KEY_PREFIX, type WritableEnvironment } from '../../engine/core/environments';
import { createApiClient } from '../../engine/api/apiClient';
import { ApiError } from '../../engine/api/apiError';
import { describeApiError } from '../../engine/sync/describeError';
import { validateApiKeyInput, type ApiKeyStore } from './apiKeyStore';
import type { ClientSettings } from './clientSettings';
import type { OutputLog } from './outputLog';

const WRITABLE: readonly WritableEnvironment[] = ['development', 'production'];

async function pickEnvironment(title: string, preset: unknown): Promise<WritableEnvironment | undefined> {
  if (preset === 'development' || preset === 'production') return preset;
  const picked = await vscode.window.showQuickPick(
    WRITABLE.map((environment) => ({
      label: environment,
      description: `${API_KEY_PREFIX[environment]}…${environment === 'development' ? ' · also reads eval' : ''}`,
    })),
    { title },
  );
  return picked?.label as WritableEnvironment | undefined;
}

/**
 * Set API Key: environment, then a password box whose prefix is checked as you type; the key is verified with a
 * names-only list call before it is stored (in SecretStorage only). An untrusted workspace stores it unverified:
 * no key leaves the machine there.
 */
export async function setApiKey(
  keys: ApiKeyStore,
  settings: ClientSettings,
  log: OutputLog,
  preset?: unknown,
): Promise<boolean> {
  const environment = await pickEnvironment('Set API key for which environment?', preset);
  if (!environment) return false;
  const input = await vscode.window.showInputBox({
    title: `Struere API key for ${environment}`,
    prompt: `Paste the ${environment} API key (starts with ${API_KEY_PREFIX[environment]}). It is kept in the OS keychain through VS Code's SecretStorage.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => validateApiKeyInput(environment, value),
  });
  if (input === undefined) return false;
  const apiKey = input.trim();

  if (!vscode.workspace.isTrusted) {
    await keys.store(environment, apiKey);
    void vscode.window.showInformationMessage(
      `Struere: API key for ${environment} saved (not verified: this workspace is not trusted).`,
    );
    return true;
  }
  let client;
  try {
    client = createApiClient({ baseUrl: settings.apiUrl, apiKey, retry: { maxRetries: 1 } });
    const listed = await client.listNames();
    await keys.store(environment, apiKey);
    log.info(
      `API key for ${environment} saved; verified against ${settings.apiUrl} (${listed.secrets.length} secrets listed)`,
    );
    void vscode.window.showInformationMessage(
      `Struere: API key for ${environment} saved (verified: ${listed.secrets.length} secrets listed).`,
    );
    return true;
  } catch (error) {
    const message = describeApiError(error);
    log.warn(`API key for ${environment} not verified: ${message}`);
    if (error instanceof ApiError && error.kind === 'network') {
      const choice = await vscode.window.showWarningMessage(
        `Struere: could not reach ${settings.apiUrl} to verify the key (${message}). Save it anyway?`,
        'Save Anyway',
      );
      if (choice) {
        await keys.store(environment, apiKey);
        void vscode.window.showInformationMessage(`Struere: API key for ${environment} saved (not verified).`);
        return true;
      }
      return false;
    }
    void vscode.window.showErrorMessage(`Struere: API key for ${environment} not saved: ${message}`);
    return false;
  } finally {
    await client?.close();
  }
}

export async function clearApiKey(keys: ApiKeyStore, log: OutputLog, preset?: unknown): Promise<void> {
  const environment = await pickEnvironment('Clear the API key of which environment?', preset);
  if (!environment) return;
  await keys.delete(environment);
  log.info(`API key for ${environment} cleared`);
  void vscode.window.showInformationMessage(`Struere: API key for ${environment} cleared.`);
}
