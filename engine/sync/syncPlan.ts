import { compareCodeUnits } from '../core';
import type { JournalView } from './syncJournal';

/** A key whose value the platform changed after this machine last wrote it: the platform's date of that change. */
export interface RemoteChange {
  readonly key: string;
  /** The platform's updatedAt now (ISO 8601, the platform's clock). */
  readonly updatedAt: string;
}

/**
 * What a sync would do, from names, the platform's updatedAt and the journal (syncJournal.ts): the plan shown
 * before confirming. Pure; values are only used through the journal's keyed fingerprints. Sync is additive:
 * remote-only keys are kept, never deleted (API.md). Every local key is in exactly one of create, update,
 * unchanged, rotated, conflict and unverified; only create and update are sent without being named.
 */
export interface SyncPlan {
  /** Local keys the remote list does not have: created. */
  readonly create: string[];
  /** Local keys changed since this machine last wrote them, the platform's value untouched since: sent. */
  readonly update: string[];
  /** Local value and platform value both as this machine last wrote them: not sent. */
  readonly unchanged: string[];
  /** Changed on the platform since this machine last wrote them, local value unchanged: kept, not sent. */
  readonly rotated: RemoteChange[];
  /** Changed on the platform and locally: not sent without an explicit choice. */
  readonly conflict: RemoteChange[];
  /** On the platform, unknown to this machine's journal (first sync here, a lost journal): not sent unless named. */
  readonly unverified: string[];
  /** Remote keys with no local counterpart: left untouched. */
  readonly remoteOnly: string[];
  /**
   * Local keys whose line dotenv reads differently from how it looks (dotenv-misread): what is sent is what dotenv
   * reads, so the plan names them; a sync on save leaves them out.
   */
  readonly misread: string[];
  /** Why the journal is not used, in words; every key the platform has is then unverified. */
  readonly journalProblem?: string;
}

/** The state of one local key the platform has, judged against the journal. */
type RemoteKeyState = 'update' | 'unchanged' | 'rotated' | 'conflict' | 'unverified';

/**
 * Plans a sync of `local` against the platform's listing (key → updatedAt). Without a journal every key the
 * platform has is unverified. Only the platform's own updatedAt values are compared, so clock skew cannot matter.
 */
export function planSync(
  local: ReadonlyMap<string, string>,
  remote: ReadonlyMap<string, string>,
  misread: readonly string[] = [],
  journal?: JournalView & { readonly problem?: string | undefined },
): SyncPlan {
  const create: string[] = [];
  const sorted: Record<RemoteKeyState, string[]> = {
    update: [],
    unchanged: [],
    rotated: [],
    conflict: [],
    unverified: [],
  };
  for (const [key, value] of local) {
    const updatedAt = remote.get(key);
    if (updatedAt === undefined) create.push(key);
    else sorted[stateOf(key, value, updatedAt, journal)].push(key);
  }
  const changes = (keys: string[]): RemoteChange[] =>
    keys.sort(compareCodeUnits).map((key) => ({ key, updatedAt: remote.get(key)! }));
  return {
    create: create.sort(compareCodeUnits),
    update: sorted.update.sort(compareCodeUnits),
    unchanged: sorted.unchanged.sort(compareCodeUnits),
    rotated: changes(sorted.rotated),
    conflict: changes(sorted.conflict),
    unverified: sorted.unverified.sort(compareCodeUnits),
    remoteOnly: [...remote.keys()].filter((key) => !local.has(key)).sort(compareCodeUnits),
    misread: misread.filter((key) => local.has(key)).sort(compareCodeUnits),
    ...(journal?.problem ? { journalProblem: journal.problem } : {}),
  };
}

/**
 * One key the platform has. A pending write (its answer lost) whose value is still the local one is sent again:
 * the platform holds that value or a later one, and upserts are idempotent (README: the windows of the upsert).
 */
function stateOf(
  key: string,
  value: string,
  remoteUpdatedAt: string,
  journal: JournalView | undefined,
): RemoteKeyState {
  const entry = journal?.entries.get(key);
  if (!journal || !entry) return 'unverified';
  const local = journal.fingerprint(key, value);
  const localSame = entry.fingerprint !== '' && local === entry.fingerprint;
  if (remoteUpdatedAt === entry.updatedAt) return localSame ? 'unchanged' : 'update';
  if (entry.pending !== undefined && local === entry.pending) return 'update';
  return localSame ? 'rotated' : 'conflict';
}

/** Keys held back by the plan (kept, conflicting, unverified): sent only when the user names them. */
export function heldKeys(plan: SyncPlan): string[] {
  return [...plan.rotated.map((c) => c.key), ...plan.conflict.map((c) => c.key), ...plan.unverified].sort(
    compareCodeUnits,
  );
}
