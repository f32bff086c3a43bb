import { joinBounded, WRITABLE_ENVIRONMENTS, type WritableEnvironment } from '../../engine/core';
import { ApiConfigError, type ApiClient, ApiError, createApiClient, NetworkError } from '../../engine/api';
import { changedOnPlatform, isJournalled, platformDate, type RemoteChange } from '../../engine/sync';
import type { CliApiSettings } from './apiSettings';
import { clientOptionsOf, type RequestLimits } from './requestLimits';
import { escapeName } from './terminalText';

/** Per project root: the keys each writable environment changed on the platform after this machine's last sync. */
export type PlatformChanges = Map<string, Partial<Record<WritableEnvironment, RemoteChange[]>>>;

/**
 * For `status`: one listing (with updatedAt) per writable environment that has a key, compared with each project's
 * sync journal. Best effort: a failed listing leaves that environment out (the remote column already says why).
 */
export async function platformChanges(
  api: CliApiSettings,
  projectRoots: readonly string[],
  reachable: (environment: WritableEnvironment) => boolean,
  limits?: RequestLimits,
): Promise<PlatformChanges> {
  const changes: PlatformChanges = new Map(projectRoots.map((root) => [root, {}]));
  // Only where the names were just listed: an API that did not answer is not asked again (and not waited for).
  for (const environment of WRITABLE_ENVIRONMENTS.filter(reachable)) {
    const apiKey = api.syncKey(environment);
    if (apiKey === undefined) continue;
    try {
      const client = createApiClient({
        baseUrl: api.apiUrl,
        apiKey,
        ...clientOptionsOf(limits, { retry: { maxRetries: 2 } }),
      });
      try {
        await compareWithJournals(client, environment, projectRoots, changes);
      } finally {
        await client.close();
      }
    } catch (error) {
      if (!(error instanceof ApiConfigError || error instanceof ApiError || error instanceof NetworkError)) throw error;
    }
  }
  return changes;
}

/** One listing with updatedAt, and only when some project's journal knows a key of this environment. */
async function compareWithJournals(
  client: ApiClient,
  environment: WritableEnvironment,
  projectRoots: readonly string[],
  changes: PlatformChanges,
): Promise<void> {
  const scopes = projectRoots.map((projectRoot) => ({ apiUrl: client.baseUrl, environment, projectRoot }));
  const journalled = await Promise.all(scopes.map((scope) => isJournalled(scope)));
  if (!journalled.includes(true)) return;
  const listed = await client.listNames();
  const keys = new Map(listed.secrets.map((secret) => [secret.key, secret.updatedAt]));
  for (const scope of scopes) {
    const changed = await changedOnPlatform(scope, keys);
    if (changed.length > 0) changes.get(scope.projectRoot)![environment] = changed;
  }
}

/** "changed on the platform after this machine's last sync (development): KEY (2026-11-23 10:00 UTC)" lines. */
export function platformChangeLines(changes: Partial<Record<WritableEnvironment, RemoteChange[]>>): string[] {
  return WRITABLE_ENVIRONMENTS.flatMap((environment) => {
    const changed = changes[environment] ?? [];
    if (changed.length === 0) return [];
    const named = changed.map(({ key, updatedAt }) => `${escapeName(key)} (${platformDate(updatedAt)})`);
    return [`changed on the platform after this machine's last sync (${environment}): ${joinBounded(named)}`];
  });
}
