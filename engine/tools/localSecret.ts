import * as path from 'node:path';
import {
  appendedEnvText,
  DEFAULT_SETTINGS,
  ENV_FILE_NAMES,
  parseEnv,
  replacedEnvText,
  type WritableEnvironment,
} from '../core';
import { readForUpdate, RefusedWriteError, writeProjectFile } from '../host';

/** What writing one secret into a project's env file did; the value is in none of them. */
export type LocalSecretOutcome = 'added' | 'replaced' | 'already-defined' | 'unquotable';

/**
 * Writes `key` with `value` into the project's own env file of `environment` through the safe writer: appended
 * when new, replaced only when `replace` says so (else 'already-defined', nothing written), and 'unquotable' when
 * no quoting lets dotenv read the value back exactly. A path the writer refuses throws its RefusedWriteError.
 */
export async function writeLocalSecret(
  projectRoot: string,
  environment: WritableEnvironment,
  key: string,
  value: string,
  replace: boolean,
): Promise<LocalSecretOutcome> {
  const filePath = path.join(projectRoot, ENV_FILE_NAMES[environment]);
  const existing = (await readForUpdate(projectRoot, filePath, DEFAULT_SETTINGS.maxFileBytes)) ?? '';
  const defined = parseEnv(existing).entries.some((entry) => entry.key === key);
  if (defined && !replace) return 'already-defined';
  const appended = defined ? undefined : appendedEnvText(existing, key, value);
  const next = defined ? replacedEnvText(existing, key, value) : appended && existing + appended;
  if (next === undefined) return 'unquotable';
  await writeProjectFile(projectRoot, filePath, next);
  return defined ? 'replaced' : 'added';
}

/** Whether the project's env file of `environment` defines `key` now (a file the writer would refuse defines nothing). */
export async function localSecretDefined(
  projectRoot: string,
  environment: WritableEnvironment,
  key: string,
): Promise<boolean> {
  const filePath = path.join(projectRoot, ENV_FILE_NAMES[environment]);
  const existing = await readForUpdate(projectRoot, filePath, DEFAULT_SETTINGS.maxFileBytes).catch((error: unknown) => {
    if (error instanceof RefusedWriteError) return undefined;
    throw error;
  });
  return existing !== undefined && parseEnv(existing).entries.some((entry) => entry.key === key);
}
