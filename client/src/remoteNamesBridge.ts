import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { allUnknown, type Environment, type RemoteNameList, type RemoteNamesByEnvironment } from '../../engine/core';
import { RemoteNameCache } from '../../engine/api';
import { SetRemoteNamesNotification, toRemoteNameListDto, type SetRemoteNamesParams } from '../../engine/protocol';
import type { ApiKeyStore } from './apiKeyStore';
import type { ClientSettings } from './clientSettings';
import type { OutputLog } from './outputLog';

/**
 * Keeps the server's remote name lists current. The client lists names (it holds the API keys); the server
 * receives names only. Untrusted workspaces send no key at all: their lists are unknown, and say why.
 */
export class RemoteNamesBridge implements vscode.Disposable {
  private cache: RemoteNameCache;
  private readonly latest = new Map<string, RemoteNamesByEnvironment>();
  private timer: NodeJS.Timeout | undefined;
  private readonly emitter = new vscode.EventEmitter<string>();
  /** Fires with a project URI when its lists changed. */
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly client: LanguageClient,
    private readonly keys: ApiKeyStore,
    private settings: ClientSettings,
    private readonly log: OutputLog,
  ) {
    this.cache = new RemoteNameCache({ ttlMs: settings.remoteTtlSeconds * 1000 });
    this.schedule();
  }

  listsFor(projectUri: string): RemoteNamesByEnvironment {
    return this.latest.get(projectUri) ?? allUnknown();
  }

  updateSettings(settings: ClientSettings): void {
    const changed =
      settings.apiUrl !== this.settings.apiUrl || settings.remoteTtlSeconds !== this.settings.remoteTtlSeconds;
    this.settings = settings;
    if (!changed) return;
    void this.cache.dispose();
    this.cache = new RemoteNameCache({ ttlMs: settings.remoteTtlSeconds * 1000 });
    this.schedule();
  }

  /** Lists names for every project (or the given ones) and tells the server. Never throws: failures become states. */
  async refresh(projectUris: readonly string[]): Promise<void> {
    await Promise.all(
      projectUris.map(async (projectUri) => {
        const lists = await this.listed(projectUri);
        this.log.info(`remote names for ${vscode.Uri.parse(projectUri).fsPath}: ${describeCounts(lists)}`);
        await this.publish(projectUri, lists);
      }),
    );
  }

  /**
   * The project's lists, asked of the API with the project's keys; nothing is published (the agent tools load
   * their own copy of the workspace). Never throws: failures become states.
   */
  async listed(projectUri: string): Promise<RemoteNamesByEnvironment> {
    // Each project lists with its own keys: a project key of one organisation never lists another's names.
    return vscode.workspace.isTrusted
      ? this.cache.refresh(this.target(projectUri), await this.keys.forProject(projectUri))
      : allUnknown('untrusted workspace');
  }

  /** Re-sends what the cache knows, without a request (after the server re-indexed, or when lists age). */
  async republish(projectUris: readonly string[]): Promise<void> {
    for (const projectUri of projectUris) {
      const lists = vscode.workspace.isTrusted
        ? this.cache.getAll(this.target(projectUri))
        : allUnknown('untrusted workspace');
      await this.publish(projectUri, lists);
    }
  }

  /**
   * Runs a sync of the project, then lists its names again whatever the outcome (a failed batch may still have
   * written keys); when the sync returned, the server hears of the new lists.
   */
  async refreshAfterSync<T>(projectUri: string, sync: () => Promise<T>): Promise<T> {
    const keys = await this.keys.forProject(projectUri);
    const { result } = await this.cache.syncAndRefresh(this.target(projectUri), keys, sync);
    await this.republish([projectUri]);
    return result;
  }

  private target(projectUri: string): { apiUrl: string; project: string } {
    return { apiUrl: this.settings.apiUrl, project: vscode.Uri.parse(projectUri).fsPath };
  }

  private async publish(projectUri: string, lists: RemoteNamesByEnvironment): Promise<void> {
    this.latest.set(projectUri, lists);
    const params: SetRemoteNamesParams = {
      projectUri,
      lists: {
        development: toRemoteNameListDto(lists.development),
        production: toRemoteNameListDto(lists.production),
        eval: toRemoteNameListDto(lists.eval),
      },
    };
    await this.client.sendNotification(SetRemoteNamesNotification.type, params);
    this.emitter.fire(projectUri);
  }

  /** Lists turn stale after the TTL; re-publishing then lets diagnostics and the tooltip say so. */
  private schedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(
      () => void this.republish([...this.latest.keys()]),
      Math.max(5, this.settings.remoteTtlSeconds / 2) * 1000,
    );
    this.timer.unref();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    void this.cache.dispose();
    this.emitter.dispose();
  }
}

/** Names the API listed that fail the key pattern were left out (engine/api): counted here, never quoted. */
function droppedText(list: RemoteNameList): string {
  return list.dropped ? `; ${list.dropped} listed names fail ^[A-Za-z_][A-Za-z0-9_]*$ and were left out` : '';
}

function describeCounts(lists: RemoteNamesByEnvironment): string {
  return (Object.entries(lists) as [Environment, RemoteNameList][])
    .map(
      ([environment, list]) =>
        `${environment} ${list.state === 'unknown' ? `unknown (${list.reason ?? '?'})` : `${list.names.size} names (${list.state})`}${droppedText(list)}`,
    )
    .join(', ');
}
