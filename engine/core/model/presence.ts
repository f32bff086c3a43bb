import { ENVIRONMENTS, ENV_FILE_NAMES, writableEnvironmentOf, type Environment } from './environments';
import type { RemoteNameList } from './remoteNames';
import { envFileFor, keysUnknown, type EnvFileState, type EnvKeyLocation, type ProjectState } from './workspaceIndex';

/** Where one key is set in one environment: the evidence behind diagnostics, hover, completion and status. */
export interface KeyPresence {
  readonly environment: Environment;
  /** The local file that feeds this environment (eval → .env.development), if it exists. */
  readonly file: EnvFileState | undefined;
  readonly fileName: string;
  /** The key's definition in that file, if it has one. */
  readonly local: EnvKeyLocation | undefined;
  /** The file was too large to read: its keys are unknown. */
  readonly localUnknown: boolean;
  readonly remote: RemoteNameList;
  readonly inRemote: boolean;
  /** Set in the local file or the remote list. */
  readonly isSet: boolean;
  /** Not known to be set, but an env file could not be read (skipped file), so it may be. */
  readonly mayBeSet: boolean;
}

export function presenceIn(project: ProjectState, key: string, environment: Environment): KeyPresence {
  const fileEnvironment = writableEnvironmentOf(environment);
  const file = envFileFor(project, fileEnvironment);
  const local = file?.keys.get(key);
  const remote = project.remote[environment];
  const inRemote = remote.state !== 'unknown' && remote.names.has(key);
  const localUnknown = keysUnknown(file);
  return {
    environment,
    file,
    fileName: ENV_FILE_NAMES[fileEnvironment],
    local,
    localUnknown,
    remote,
    inRemote,
    isSet: local !== undefined || inRemote,
    mayBeSet: localUnknown,
  };
}

/**
 * `presenceIn(project, key, environment)`'s `isSet || mayBeSet` as one test for many keys: a file's diagnostics ask
 * it for each of its references on every keystroke, and the full presence is built only for
 * the keys it says are missing.
 */
export function setOrMaybeSetTest(project: ProjectState, environment: Environment): (key: string) => boolean {
  const file = envFileFor(project, writableEnvironmentOf(environment));
  if (keysUnknown(file)) return () => true;
  const remote = project.remote[environment];
  const remoteNames = remote.state !== 'unknown' ? remote.names : undefined;
  return (key) => file?.keys.has(key) === true || remoteNames?.has(key) === true;
}

export function presenceEverywhere(project: ProjectState, key: string): Record<Environment, KeyPresence> {
  return Object.fromEntries(
    ENVIRONMENTS.map((environment) => [environment, presenceIn(project, key, environment)]),
  ) as Record<Environment, KeyPresence>;
}

/** Every key set in `environment`, local ∪ remote, sorted. */
export function keysSetIn(project: ProjectState, environment: Environment): string[] {
  const keys = new Set<string>();
  const file = envFileFor(project, writableEnvironmentOf(environment));
  for (const key of file?.keys.keys() ?? []) keys.add(key);
  const remote = project.remote[environment];
  if (remote.state !== 'unknown') for (const key of remote.names) keys.add(key);
  return [...keys].sort();
}

/** "fresh", "stale (fetched 12 min ago)", "unknown: no API key". */
export function describeRemote(list: RemoteNameList, now = Date.now()): string {
  switch (list.state) {
    case 'fresh':
      return 'fresh';
    case 'stale':
      return list.fetchedAt !== undefined ? `stale, fetched ${describeAge(now - list.fetchedAt)} ago` : 'stale';
    case 'unknown':
      return `unknown: ${list.reason ?? 'not fetched yet'}`;
  }
}

function describeAge(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 120) return `${minutes} min`;
  return `${Math.round(minutes / 60)} h`;
}
