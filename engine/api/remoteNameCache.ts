import { createHash } from 'node:crypto';
import {
  type Environment,
  environmentOfApiKey,
  ENVIRONMENTS,
  type RemoteNameList,
  type RemoteNamesByEnvironment,
  SETTING_DEFAULTS,
  type UnknownReason,
  unknownRemote,
  type WritableEnvironment,
} from '../core';
import { createApiClient, type ApiClient } from './apiClient';
import { ApiConfigError, ApiError, RequestCancelledError } from './apiError';

/**
 * Remote names per (API URL, project, environment), with a TTL. A development key lists development and eval
 * (`?environment=eval`); a production key lists production.
 *
 * States (core/remoteNames.ts): `fresh` within the TTL of the last successful listing; `stale` after it, names
 * kept; `unknown` with a reason when nothing trustworthy is known: no API key, 401, 403, or offline/error
 * before any successful listing. A transient failure (offline, 5xx) keeps the last names (fresh or stale by
 * their age); 401/403 or a missing key drop them, since they may belong to other credentials.
 *
 * `refresh` on demand; `syncAndRefresh` wraps a sync so the lists are refreshed after every one.
 */

export const DEFAULT_REMOTE_NAMES_TTL_MS = SETTING_DEFAULTS['remote.ttlSeconds'] * 1000;

export interface RemoteNameTarget {
  readonly apiUrl: string;
  /** The project's root folder (or any stable project id). */
  readonly project: string;
}

/** The API keys available for a project, by the environment each is meant for. */
export type ProjectApiKeys = Partial<Record<WritableEnvironment, string>>;

export interface RemoteNameCacheOptions {
  readonly ttlMs?: number;
  readonly now?: () => number;
  /** How to reach the API for one (URL, key); the cache owns the clients and closes them in `dispose`. */
  readonly createClient?: (apiUrl: string, apiKey: string) => Pick<ApiClient, 'listNames' | 'close'>;
}

interface Entry {
  readonly names: ReadonlySet<string>;
  readonly fetchedAt: number;
  /** Names the API listed that fail the key pattern: left out of `names` (readListNames), counted. */
  readonly dropped: number;
  /** Which key listed them (hash): names listed with another key are not reused. */
  readonly keyFingerprint: string;
}

type Slot =
  | { readonly kind: 'listed'; readonly entry: Entry }
  | { readonly kind: 'unknown'; readonly reason: UnknownReason; readonly last?: Entry };

/** Which environments each key lists. */
const LISTED_BY: Readonly<Record<WritableEnvironment, readonly Environment[]>> = {
  development: ['development', 'eval'],
  production: ['production'],
};

export class RemoteNameCache {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly createClient: NonNullable<RemoteNameCacheOptions['createClient']>;
  private readonly slots = new Map<string, Slot>();
  private readonly clients = new Map<string, Pick<ApiClient, 'listNames' | 'close'>>();
  private readonly inFlight = new Map<string, Promise<RemoteNamesByEnvironment>>();

  constructor(options: RemoteNameCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_REMOTE_NAMES_TTL_MS;
    this.now = options.now ?? Date.now;
    this.createClient =
      options.createClient ??
      ((apiUrl, apiKey) => createApiClient({ baseUrl: apiUrl, apiKey, retry: { maxRetries: 2 } }));
  }

  /** What is known now, without a request. */
  get(target: RemoteNameTarget, environment: Environment): RemoteNameList {
    const slot = this.slots.get(slotKey(target, environment));
    if (slot === undefined) return unknownRemote('not fetched yet');
    if (slot.kind === 'unknown') return unknownRemote(slot.reason);
    return this.listFrom(slot.entry);
  }

  getAll(target: RemoteNameTarget): RemoteNamesByEnvironment {
    return {
      development: this.get(target, 'development'),
      production: this.get(target, 'production'),
      eval: this.get(target, 'eval'),
    };
  }

  /**
   * Lists every environment the keys cover (concurrent calls for one target share the requests) and returns
   * the state of all three. Never throws for API failures: they become the states described above.
   */
  refresh(
    target: RemoteNameTarget,
    apiKeys: ProjectApiKeys,
    options: { signal?: AbortSignal } = {},
  ): Promise<RemoteNamesByEnvironment> {
    const key = targetKey(target);
    const running = this.inFlight.get(key);
    if (running) return running;
    const promise = this.refreshNow(target, apiKeys, options.signal).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** Refreshes only when some environment a key covers is not fresh. */
  async ensureFresh(
    target: RemoteNameTarget,
    apiKeys: ProjectApiKeys,
    options: { signal?: AbortSignal } = {},
  ): Promise<RemoteNamesByEnvironment> {
    const covered = (Object.keys(LISTED_BY) as WritableEnvironment[]).flatMap((env) =>
      apiKeys[env] ? LISTED_BY[env] : [],
    );
    if (covered.length > 0 && covered.every((env) => this.get(target, env).state === 'fresh'))
      return this.getAll(target);
    return this.refresh(target, apiKeys, options);
  }

  /**
   * Runs a sync and refreshes the target's lists afterwards, whether the sync succeeded, failed or was
   * cancelled (a partial sync changes the lists too). Returns the sync's own result.
   */
  async syncAndRefresh<T>(
    target: RemoteNameTarget,
    apiKeys: ProjectApiKeys,
    sync: () => Promise<T>,
  ): Promise<{ result: T; remote: RemoteNamesByEnvironment }> {
    let result: T;
    try {
      result = await sync();
    } catch (error) {
      await this.refreshAfterSync(target, apiKeys);
      throw error;
    }
    return { result, remote: await this.refreshAfterSync(target, apiKeys) };
  }

  /** A listing that started before the sync ended may predate its writes: let it finish, then list again. */
  private async refreshAfterSync(target: RemoteNameTarget, apiKeys: ProjectApiKeys): Promise<RemoteNamesByEnvironment> {
    const earlier = this.inFlight.get(targetKey(target));
    if (earlier) await earlier.catch(() => undefined);
    return this.refresh(target, apiKeys);
  }

  /** Forgets one target (or everything). */
  invalidate(target?: RemoteNameTarget): void {
    if (target === undefined) this.slots.clear();
    else for (const environment of ENVIRONMENTS) this.slots.delete(slotKey(target, environment));
  }

  private markUnknown(target: RemoteNameTarget, environments: readonly Environment[], reason: UnknownReason): void {
    for (const environment of environments) this.slots.set(slotKey(target, environment), { kind: 'unknown', reason });
  }

  async dispose(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((client) => client.close()));
  }

  private async refreshNow(
    target: RemoteNameTarget,
    apiKeys: ProjectApiKeys,
    signal: AbortSignal | undefined,
  ): Promise<RemoteNamesByEnvironment> {
    await Promise.all(
      (Object.keys(LISTED_BY) as WritableEnvironment[]).map(async (keyEnvironment) => {
        const apiKey = apiKeys[keyEnvironment];
        const environments = LISTED_BY[keyEnvironment];
        if (apiKey === undefined || apiKey === '') {
          this.markUnknown(target, environments, 'no API key');
          return;
        }
        if (environmentOfApiKey(apiKey) !== keyEnvironment) {
          // A production key given for development would list the wrong environment.
          this.markUnknown(target, environments, 'error');
          return;
        }
        let client: Pick<ApiClient, 'listNames' | 'close'>;
        try {
          client = this.clientFor(target.apiUrl, apiKey);
        } catch (error) {
          // An insecure or malformed API URL: nothing is sent (checkBaseUrl tells the user why).
          if (!(error instanceof ApiConfigError)) throw error;
          this.markUnknown(target, environments, 'error');
          return;
        }
        const fingerprint = fingerprintOf(apiKey);
        // Sequential per key: development first, then eval, so a 401 on the first spares the second request.
        for (const environment of environments) {
          const key = slotKey(target, environment);
          try {
            const result = await client.listNames(
              environment === 'eval' ? 'eval' : undefined,
              signal ? { signal } : {},
            );
            if (result.environment !== environment) {
              this.slots.set(key, { kind: 'unknown', reason: 'error' });
              continue;
            }
            this.slots.set(key, {
              kind: 'listed',
              entry: {
                names: new Set(result.secrets.map((secret) => secret.key)),
                fetchedAt: this.now(),
                dropped: result.dropped,
                keyFingerprint: fingerprint,
              },
            });
          } catch (error) {
            if (error instanceof RequestCancelledError) return;
            if (!(error instanceof ApiError)) throw error;
            const reason = reasonOf(error);
            this.recordFailure(key, reason, fingerprint);
            // The next environment is the same host and key: a rejected key or an unreachable API would fail it
            // the same way, so it is not asked (an offline CI job waits for one timeout, not one per environment).
            if (error.status === 401 || reason === 'offline') {
              for (const other of environments)
                if (other !== environment)
                  this.recordFailure(
                    slotKey(target, other),
                    error.status === 401 ? 'unauthorized (401)' : reason,
                    fingerprint,
                  );
              return;
            }
          }
        }
      }),
    );
    return this.getAll(target);
  }

  private recordFailure(key: string, reason: UnknownReason, fingerprint: string): void {
    const previous = this.slots.get(key);
    const last = previous?.kind === 'listed' ? previous.entry : previous?.last;
    const transient = reason === 'offline' || reason === 'error';
    if (transient && last !== undefined && last.keyFingerprint === fingerprint) {
      // Keep what we knew; its age decides fresh or stale.
      this.slots.set(key, { kind: 'listed', entry: last });
      return;
    }
    this.slots.set(key, { kind: 'unknown', reason, ...(transient && last ? { last } : {}) });
  }

  private listFrom(entry: Entry): RemoteNameList {
    const state = this.now() - entry.fetchedAt < this.ttlMs ? 'fresh' : 'stale';
    return {
      state,
      names: entry.names,
      fetchedAt: entry.fetchedAt,
      ...(entry.dropped > 0 ? { dropped: entry.dropped } : {}),
    };
  }

  private clientFor(apiUrl: string, apiKey: string): Pick<ApiClient, 'listNames' | 'close'> {
    const key = `${apiUrl}\u0000${fingerprintOf(apiKey)}`;
    let client = this.clients.get(key);
    if (client === undefined) {
      client = this.createClient(apiUrl, apiKey);
      this.clients.set(key, client);
    }
    return client;
  }
}

function reasonOf(error: ApiError): UnknownReason {
  if (error.kind === 'network') return 'offline';
  if (error.status === 401) return 'unauthorized (401)';
  if (error.status === 403) return 'forbidden (403)';
  return 'error';
}

function fingerprintOf(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
}

function targetKey(target: RemoteNameTarget): string {
  return `${target.apiUrl.replace(/\/+$/, '')}\u0000${target.project}`;
}

function slotKey(target: RemoteNameTarget, environment: Environment): string {
  return `${targetKey(target)}\u0000${environment}`;
}
