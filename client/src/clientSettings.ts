import { DEFAULT_API_URL } from '../../engine/api/apiClient';
import * as vscode from 'vscode';

/** The client's settings, typed and defaulted once. `apiUrl` is machine-scoped: a repository cannot redirect keys. */
export interface ClientSettings {
  readonly apiUrl: string;
  readonly remoteTtlSeconds: number;
  readonly syncOnSave: boolean;
}

export function readClientSettings(): ClientSettings {
  const config = vscode.workspace.getConfiguration('struere');
  const apiUrl = config.get<unknown>('apiUrl');
  const ttl = config.get<unknown>('remote.ttlSeconds');
  return {
    apiUrl: typeof apiUrl === 'string' && apiUrl.trim() !== '' ? apiUrl.trim() : DEFAULT_API_URL,
    remoteTtlSeconds: typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0 ? ttl : 600,
    syncOnSave: config.get<unknown>('syncOnSave') === true,
  };
}
