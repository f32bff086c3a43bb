import { DEFAULT_API_URL, isLoopbackHost, type ProjectApiKeys } from '../../engine/api';
import {
  API_KEY_PREFIX,
  environmentOfApiKey,
  WRITABLE_ENVIRONMENTS,
  type WritableEnvironment,
} from '../../engine/core';
import { API_KEY_VARIABLES } from '../../engine/sync';
import { CliUsageError } from './io';

/**
 * The CLI's API settings, from the environment only (never from a file in the project, so a cloned repository
 * cannot redirect a key): STRUERE_API_URL, STRUERE_API_KEY_DEVELOPMENT / STRUERE_API_KEY_PRODUCTION, and
 * STRUERE_API_KEY for whichever environment its prefix names.
 */
export interface CliApiSettings {
  readonly apiUrl: string;
  /** Keys for listing remote names: only keys whose prefix matches their environment. */
  readonly listingKeys: ProjectApiKeys;
  /** Misconfigured keys, named by variable and expected prefix (never the key): for stderr. */
  readonly warnings: readonly string[];
  /**
   * The key a sync of `environment` would use: the environment's own variable, else STRUERE_API_KEY whatever
   * its prefix (so a production key given for development is refused with a clear 'wrong-key').
   */
  syncKey(environment: WritableEnvironment): string | undefined;
}

export function apiSettingsFrom(env: Readonly<Record<string, string | undefined>>): CliApiSettings {
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const general = read('STRUERE_API_KEY');
  const generalEnvironment = general === undefined ? undefined : environmentOfApiKey(general);
  const own = (environment: WritableEnvironment) => read(API_KEY_VARIABLES[environment]);
  const listingKeys: ProjectApiKeys = {};
  const warnings: string[] = [];
  for (const environment of WRITABLE_ENVIRONMENTS) {
    const key = own(environment);
    if (key !== undefined && environmentOfApiKey(key) !== environment) {
      warnings.push(
        `${API_KEY_VARIABLES[environment]} does not start with ${API_KEY_PREFIX[environment]}; it is not used to list ${environment}`,
      );
    } else if (key !== undefined) listingKeys[environment] = key;
    else if (generalEnvironment === environment) listingKeys[environment] = general;
  }
  if (general !== undefined && generalEnvironment === undefined) {
    warnings.push(
      `STRUERE_API_KEY starts with neither ${API_KEY_PREFIX.development} nor ${API_KEY_PREFIX.production}; it is not used`,
    );
  }
  return {
    apiUrl: read('STRUERE_API_URL') ?? DEFAULT_API_URL,
    listingKeys,
    warnings,
    syncKey: (environment) => own(environment) ?? general,
  };
}

/**
 * The API settings of `mcp`. An agent launches it with an environment that a repository's committed MCP
 * configuration can extend, so STRUERE_API_URL there may be the repository's word, not the user's: only the
 * default or a loopback URL is taken, any other is refused before anything runs, so the user's key never goes
 * where a repository points. The message does not repeat the URL (it may carry credentials).
 */
export function agentApiSettingsFrom(env: Readonly<Record<string, string | undefined>>): CliApiSettings {
  const settings = apiSettingsFrom(env);
  if (!isDefaultOrLoopback(settings.apiUrl))
    throw new CliUsageError(
      'mcp refuses STRUERE_API_URL: it is neither the default API nor a loopback address (127.0.0.1, ::1, localhost), and an MCP configuration committed in a repository can set it; unset it to use the default',
    );
  return settings;
}

function isDefaultOrLoopback(apiUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
  return url.href === new URL(DEFAULT_API_URL).href || isLoopbackHost(url.hostname);
}
