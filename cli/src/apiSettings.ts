import { DEFAULT_API_URL, type ProjectApiKeys } from '../../engine/api';
import {
  API_KEY_PREFIX,
  environmentOfApiKey,
  WRITABLE_ENVIRONMENTS,
  type WritableEnvironment,
} from '../../engine/core';
import { API_KEY_VARIABLES } from '../../engine/sync';

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
