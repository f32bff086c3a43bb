import type * as vscode from 'vscode';
import { API_KEY_PREFIX, type WritableEnvironment } from '../../engine/core/environments';

/**
 * API keys live only in VS Code's SecretStorage (the OS keychain), one per environment. They are never put in
 * settings, logs or the LSP connection.
 */
export class ApiKeyStore {
  private readonly changeListeners = new Set<() => void>();

  constructor(private readonly secrets: vscode.SecretStorage) {
    secrets.onDidChange((event) => {
      if (event.key.startsWith('struere.apiKey.')) for (const listener of this.changeListeners) listener();
    });
  }

  get(environment: WritableEnvironment): Thenable<string | undefined> {
    return this.secrets.get(storageKey(environment));
  }

  async all(): Promise<Partial<Record<WritableEnvironment, string>>> {
    const [development, production] = await Promise.all([this.get('development'), this.get('production')]);
    return { ...(development ? { development } : {}), ...(production ? { production } : {}) };
  }

  store(environment: WritableEnvironment, apiKey: string): Thenable<void> {
    return this.secrets.store(storageKey(environment), apiKey);
  }

  delete(environment: WritableEnvironment): Thenable<void> {
    return this.secrets.delete(storageKey(environment));
  }

  onDidChange(listener: () => void): vscode.Disposable {
    this.changeListeners.add(listener);
    return { dispose: () => this.changeListeners.delete(listener) };
  }
}

function storageKey(environment: WritableEnvironment): string {
  return `struere.apiKey.${environment}`;
}

/** The input box's check: says what is wrong without echoing the key. */
export function validateApiKeyInput(environment: WritableEnvironment, value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return `Paste the ${environment} API key (it starts with ${API_KEY_PREFIX[environment]}).`;
  if (!trimmed.startsWith(API_KEY_PREFIX[environment])) {
    return `A ${environment} API key starts with ${API_KEY_PREFIX[environment]}; this one does not.`;
  }
  if (/\s/.test(trimmed)) return 'An API key has no spaces.';
  return undefined;
}
