import type * as vscode from 'vscode';
import { DEFAULT_API_URL } from '../../engine/api';
import { SETTING_DEFAULTS } from '../../engine/core';

/**
 * The client's settings, typed and sanitized once; defaults come from the engine's one table
 * (`SETTING_DEFAULTS`, `DEFAULT_API_URL`). This module imports VS Code's *types* only, so unit tests can call
 * `readClientSettings` with a configuration object of their own.
 */
export interface ClientSettings {
  /** From the user's own settings only (see readClientSettings): a repository cannot redirect the API key. */
  readonly apiUrl: string;
  readonly remoteTtlSeconds: number;
  /** True only when the user turned it on in their own settings, and the workspace is trusted. */
  readonly syncOnSave: boolean;
}

/** package.json's `minimum` for `struere.remote.ttlSeconds`: the refresh timer runs at half of it. */
const MIN_TTL_SECONDS = 5;

/**
 * `config` is the `struere` section. `struere.syncOnSave` uploads data and `struere.apiUrl` decides where API keys
 * and values go, so a repository must never set either: they are application- and machine-scoped in package.json
 * (VS Code then ignores workspace and folder values), listed under `restrictedConfigurations`, and read here from
 * the user's own settings only (`globalValue`); sync on save never runs in an untrusted workspace. Reading
 * `globalValue` keeps workspace and folder values out even if the manifest's scope were ever widened. In a remote
 * window the remote machine's settings (where a dev container's devcontainer.json settings go) count as user
 * settings: README "Settings" says so.
 */
export function readClientSettings(config: vscode.WorkspaceConfiguration, trusted: boolean): ClientSettings {
  const apiUrl = config.inspect<unknown>('apiUrl')?.globalValue;
  const ttl = config.get<unknown>('remote.ttlSeconds');
  const syncOnSave = config.inspect<unknown>('syncOnSave')?.globalValue ?? SETTING_DEFAULTS.syncOnSave;
  return {
    apiUrl: typeof apiUrl === 'string' && apiUrl.trim() !== '' ? apiUrl.trim() : DEFAULT_API_URL,
    remoteTtlSeconds:
      typeof ttl === 'number' && Number.isFinite(ttl) && ttl >= MIN_TTL_SECONDS
        ? ttl
        : SETTING_DEFAULTS['remote.ttlSeconds'],
    syncOnSave: trusted && syncOnSave === true,
  };
}

/** `struere.cloak.enabled` for a file (or the window): on unless set to false. The one place it is read. */
export function isCloakEnabled(workspace: typeof vscode.workspace, uri?: vscode.Uri): boolean {
  return (
    workspace.getConfiguration('struere.cloak', uri).get<unknown>('enabled', SETTING_DEFAULTS['cloak.enabled']) !==
    false
  );
}
