import type * as vscode from 'vscode';
import { WRITABLE_ENVIRONMENTS, type WritableEnvironment } from '../../engine/core';
import type { ProjectApiKeys } from '../../engine/api';

/**
 * Where a stored API key applies: one project (a monorepo whose projects belong to different organisations), or
 * every project on this machine without a key of its own.
 */
export type ApiKeyScope = { readonly kind: 'project'; readonly projectUri: string } | { readonly kind: 'all-projects' };

/** A key found for a project, and which scope it came from (what the status bar tooltip names; never the key). */
export interface ResolvedApiKey {
  readonly apiKey: string;
  readonly scope: ApiKeyScope['kind'];
}

const STORAGE_PREFIX = 'struere.apiKey.';

/**
 * API keys live only in VS Code's SecretStorage (the OS keychain), per environment and per scope. They are never
 * put in settings, logs or the LSP connection. A project's own key wins over the key for all projects; a
 * project key is stored under that project's URI, so it is never used for another project.
 */
export class ApiKeyStore {
  private readonly changeListeners = new Set<() => void>();

  constructor(private readonly secrets: vscode.SecretStorage) {
    secrets.onDidChange((event) => {
      if (event.key.startsWith(STORAGE_PREFIX)) for (const listener of this.changeListeners) listener();
    });
  }

  /** The key a project uses in `environment`: its own if set, else the one for all projects. */
  async resolve(projectUri: string | undefined, environment: WritableEnvironment): Promise<ResolvedApiKey | undefined> {
    if (projectUri !== undefined) {
      const own = await this.secrets.get(storageKey({ kind: 'project', projectUri }, environment));
      if (own) return { apiKey: own, scope: 'project' };
    }
    const shared = await this.secrets.get(storageKey({ kind: 'all-projects' }, environment));
    return shared ? { apiKey: shared, scope: 'all-projects' } : undefined;
  }

  /** The keys a project uses, by environment (what listing and syncing that project send). */
  async forProject(projectUri: string | undefined): Promise<ProjectApiKeys> {
    const resolved = await this.resolveAll(projectUri);
    const keys: { -readonly [E in WritableEnvironment]?: string } = {};
    for (const environment of WRITABLE_ENVIRONMENTS) {
      const found = resolved[environment];
      if (found) keys[environment] = found.apiKey;
    }
    return keys;
  }

  /** Which scope each environment's key comes from for a project; undefined where no key is set. */
  async scopesFor(
    projectUri: string | undefined,
  ): Promise<Record<WritableEnvironment, ApiKeyScope['kind'] | undefined>> {
    const resolved = await this.resolveAll(projectUri);
    return { development: resolved.development?.scope, production: resolved.production?.scope };
  }

  /** Whether exactly this scope holds a key (not inherited from all projects). */
  async has(scope: ApiKeyScope, environment: WritableEnvironment): Promise<boolean> {
    return (await this.secrets.get(storageKey(scope, environment))) !== undefined;
  }

  store(scope: ApiKeyScope, environment: WritableEnvironment, apiKey: string): Thenable<void> {
    return this.secrets.store(storageKey(scope, environment), apiKey);
  }

  delete(scope: ApiKeyScope, environment: WritableEnvironment): Thenable<void> {
    return this.secrets.delete(storageKey(scope, environment));
  }

  onDidChange(listener: () => void): vscode.Disposable {
    this.changeListeners.add(listener);
    return { dispose: () => this.changeListeners.delete(listener) };
  }

  private async resolveAll(
    projectUri: string | undefined,
  ): Promise<Record<WritableEnvironment, ResolvedApiKey | undefined>> {
    const [development, production] = await Promise.all(
      WRITABLE_ENVIRONMENTS.map((environment) => this.resolve(projectUri, environment)),
    );
    return { development, production };
  }
}

/**
 * The all-projects key keeps the name it had before project keys existed (`struere.apiKey.development`), so a
 * stored key survives the update.
 */
function storageKey(scope: ApiKeyScope, environment: WritableEnvironment): string {
  const base = `${STORAGE_PREFIX}${environment}`;
  return scope.kind === 'all-projects' ? base : `${base}.project.${scope.projectUri}`;
}
