import type { Environment } from './environments';

/**
 * What the platform is known to hold for one environment: names only, never values (API.md).
 * The state is part of the model so every message can say how much it knows instead of pretending.
 */
export type RemoteState = 'fresh' | 'stale' | 'unknown';

/** Why a remote list is unknown; each one reads well after "remote list is unknown: ". */
export type UnknownReason =
  | 'no API key'
  | 'offline'
  | 'unauthorized (401)'
  | 'forbidden (403)'
  | 'not fetched yet'
  | 'untrusted workspace'
  | 'error';

export interface RemoteNameList {
  readonly state: RemoteState;
  readonly names: ReadonlySet<string>;
  /** Set when state is 'unknown'. */
  readonly reason?: UnknownReason;
  /** Epoch ms of the last successful listing. */
  readonly fetchedAt?: number;
  /** How many names the API listed that fail the key pattern and were left out (never the names themselves). */
  readonly dropped?: number;
}

export const UNKNOWN_REMOTE: RemoteNameList = { state: 'unknown', names: new Set(), reason: 'not fetched yet' };

export function unknownRemote(reason: UnknownReason): RemoteNameList {
  return { state: 'unknown', names: new Set(), reason };
}

export type RemoteNamesByEnvironment = Readonly<Record<Environment, RemoteNameList>>;

export function allUnknown(reason: UnknownReason = 'not fetched yet'): RemoteNamesByEnvironment {
  return { development: unknownRemote(reason), production: unknownRemote(reason), eval: unknownRemote(reason) };
}
