import {
  allUnknown,
  countOf,
  ENVIRONMENTS,
  type RemoteNamesByEnvironment,
  type SecretsService,
} from '../../engine/core';
import { ApiConfigError, checkBaseUrl, createApiClient, RemoteNameCache } from '../../engine/api';
import type { CliApiSettings } from './apiSettings';
import type { CliIo } from './io';
import { clientOptionsOf, type RequestLimits } from './requestLimits';

/**
 * Fills every indexed project's remote name lists for `check` and `status`, so "set" means local ∪ remote as in
 * the editor. Without a key an environment stays unknown ("no API key"); failures become unknown states with
 * their reason (offline, 401, …), never an exit. The API scopes names by key, not by project, so one listing
 * serves every project under DIR.
 */
export async function fillRemoteNames(
  service: SecretsService,
  api: CliApiSettings,
  io: CliIo,
  root: string,
  limits?: RequestLimits,
): Promise<RemoteNamesByEnvironment> {
  for (const warning of api.warnings) io.err(`struere-secrets: warning: ${warning}`);
  let lists: RemoteNamesByEnvironment = allUnknown('no API key');
  if (api.listingKeys.development !== undefined || api.listingKeys.production !== undefined) {
    try {
      checkBaseUrl(api.apiUrl);
      // The cache's own default of 2 retries stays unless --retries says otherwise.
      const options = clientOptionsOf(limits, { retry: { maxRetries: 2 } });
      const cache = new RemoteNameCache({
        createClient: (apiUrl, apiKey) => createApiClient({ baseUrl: apiUrl, apiKey, ...options }),
      });
      try {
        lists = await cache.refresh({ apiUrl: api.apiUrl, project: root }, api.listingKeys);
      } finally {
        await cache.dispose();
      }
    } catch (error) {
      if (!(error instanceof ApiConfigError)) throw error;
      io.err(`struere-secrets: warning: ${error.message}; remote names are unknown`);
      lists = allUnknown('error');
    }
  }
  reportDropped(lists, io);
  for (const projectUri of service.projects()) service.setRemoteNames(projectUri, lists);
  return lists;
}

/** Names the API listed that fail the key pattern were left out (readListNames): said with a count, never quoted. */
function reportDropped(lists: RemoteNamesByEnvironment, io: CliIo): void {
  for (const environment of ENVIRONMENTS) {
    const dropped = lists[environment].dropped ?? 0;
    if (dropped > 0)
      io.err(
        `struere-secrets: warning: the API listed ${countOf(dropped, 'name')} in ${environment} that fail ^[A-Za-z_][A-Za-z0-9_]*$; left out`,
      );
  }
}
