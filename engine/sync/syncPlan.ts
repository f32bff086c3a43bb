import { compareCodeUnits } from '../core';

/**
 * What a sync would do, from names alone: the plan shown before confirming. Pure; values are only used
 * through the local map's keys. Sync is additive: remote-only keys are kept, never deleted (API.md).
 */
export interface SyncPlan {
  /** Local keys the remote list does not have. */
  readonly create: string[];
  /** Local keys the remote list has (their values are sent again; the API cannot compare values). */
  readonly update: string[];
  /** Remote keys with no local counterpart: left untouched. */
  readonly remoteOnly: string[];
  /**
   * Local keys whose line dotenv reads differently from how it looks (dotenv-misread): what is sent is what dotenv
   * reads, so the plan names them; a sync on save leaves them out.
   */
  readonly misread: string[];
}

export function planSync(
  local: ReadonlyMap<string, string>,
  remoteNames: ReadonlySet<string>,
  misread: readonly string[] = [],
): SyncPlan {
  const create: string[] = [];
  const update: string[] = [];
  for (const key of local.keys()) (remoteNames.has(key) ? update : create).push(key);
  const remoteOnly = [...remoteNames].filter((key) => !local.has(key));
  return {
    create: create.sort(compareCodeUnits),
    update: update.sort(compareCodeUnits),
    remoteOnly: remoteOnly.sort(compareCodeUnits),
    misread: misread.filter((key) => local.has(key)).sort(compareCodeUnits),
  };
}
