import { compareCodeUnits, type Environment, type WritableEnvironment } from '../core';
import { type ApiClient, ApiError, type AttemptReport, RequestCancelledError, type SecretItem } from '../api';

export { withSyncLock, SyncLockedError, SyncLockFolderError, type SyncLockOptions } from './syncLock';

/** Limits of API.md for one PUT. */
export const MAX_BATCH_ITEMS = 100;
export const MAX_BATCH_BODY_BYTES = 1024 * 1024;

export interface BatchLimits {
  readonly maxItems: number;
  readonly maxBodyBytes: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxItems: MAX_BATCH_ITEMS, maxBodyBytes: MAX_BATCH_BODY_BYTES };

export interface SyncProgress {
  /** Batches finished (written) so far. */
  readonly batchesDone: number;
  readonly batchesTotal: number;
  readonly keysWritten: number;
  readonly keysTotal: number;
}

export interface ExecuteSyncOptions {
  readonly client: Pick<ApiClient, 'upsert'>;
  /** Exactly what `dotenv.parse` yielded for the file. */
  readonly values: ReadonlyMap<string, string>;
  /** Cancels after the batch in flight (see SyncReport.cancelled). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SyncProgress) => void;
  /** Smaller limits for tests; never above API.md's. */
  readonly limits?: Partial<BatchLimits>;
}

/**
 * What a sync did, exactly. `written`, `notWritten` and `unknown` are disjoint, sorted, and together are every
 * key of the input:
 * - written: stored by an acknowledged upsert;
 * - notWritten: never sent, or refused with nothing applied;
 * - unknown: the batch lost its connection (or timed out) and no later attempt settled it before the retries
 *   ran out; each key holds either its old or its new value. Running the sync again settles them.
 * Names only: a report is safe to print or serialise.
 */
export interface SyncReport {
  readonly environment: WritableEnvironment | undefined;
  readonly written: string[];
  readonly notWritten: string[];
  readonly unknown: string[];
  /** As the API reported them. After a retried batch whose first attempt was applied, a new key counts as updated. */
  readonly created: string[];
  readonly updated: string[];
  /** Environments the API mirrored the writes into (["eval"] for development). */
  readonly mirrored: Environment[];
  /** HTTP requests sent, retries included. */
  readonly requests: number;
  readonly batches: number;
  /** True when the signal stopped the sync before every batch was sent. */
  readonly cancelled: boolean;
  /** The failure that stopped the sync: not retryable, or retries exhausted. */
  readonly error?: ApiError;
}

/**
 * Upserts `values` in batches (≤ 100 items and ≤ 1 MiB each), one at a time, in key order. The client retries
 * a batch per its policy; a batch that still fails stops the sync. Cancellation is checked between batches
 * (and during a retry wait, when nothing of the batch can have been applied), so the report is exact.
 * Upserts are idempotent: running again with the same values finishes an interrupted sync.
 */
export async function executeSync(options: ExecuteSyncOptions): Promise<SyncReport> {
  const { client, values, signal, onProgress } = options;
  const limits: BatchLimits = { ...DEFAULT_BATCH_LIMITS, ...options.limits };
  if (limits.maxItems > MAX_BATCH_ITEMS || limits.maxBodyBytes > MAX_BATCH_BODY_BYTES || limits.maxItems < 1) {
    throw new RangeError(
      `batch limits must be within API.md's (1..${MAX_BATCH_ITEMS} items, ≤ ${MAX_BATCH_BODY_BYTES} bytes)`,
    );
  }
  const items = [...values].sort(([a], [b]) => compareCodeUnits(a, b)).map(([key, value]) => ({ key, value }));
  const batches = splitIntoBatches(items, limits);

  const written: string[] = [];
  const unknown: string[] = [];
  const created: string[] = [];
  const updated: string[] = [];
  const mirrored = new Set<Environment>();
  let environment: WritableEnvironment | undefined;
  let requests = 0;
  let cancelled = false;
  let error: ApiError | undefined;
  let next = 0;

  for (; next < batches.length; next++) {
    if (signal?.aborted) {
      cancelled = true;
      break;
    }
    const batch = batches[next]!;
    let mayHaveApplied = false;
    const onAttempt = (report: AttemptReport): void => {
      requests++;
      if (report.outcome === 'unknown') mayHaveApplied = true;
    };
    try {
      const result = await client.upsert(batch, { ...(signal ? { signal } : {}), onAttempt });
      environment = result.environment;
      written.push(...batch.map((item) => item.key));
      created.push(...result.created);
      updated.push(...result.updated);
      for (const mirror of result.mirrored) mirrored.add(mirror);
    } catch (failure) {
      if (failure instanceof RequestCancelledError) {
        // The client only gives up on cancellation when nothing of the batch can have been applied.
        cancelled = true;
        break;
      }
      if (!(failure instanceof ApiError)) throw failure;
      error = failure;
      if (mayHaveApplied || failure.outcomeUnknown) {
        unknown.push(...batch.map((item) => item.key));
        next++;
      }
      break;
    }
    onProgress?.({
      batchesDone: next + 1,
      batchesTotal: batches.length,
      keysWritten: written.length,
      keysTotal: items.length,
    });
  }

  const notWritten = batches.slice(next).flatMap((batch) => batch.map((item) => item.key));
  return {
    environment,
    written: written.sort(compareCodeUnits),
    notWritten: notWritten.sort(compareCodeUnits),
    unknown: unknown.sort(compareCodeUnits),
    created: created.sort(compareCodeUnits),
    updated: updated.sort(compareCodeUnits),
    mirrored: [...mirrored],
    requests,
    batches: batches.length,
    cancelled,
    ...(error ? { error } : {}),
  };
}

/** Size of `{"secrets":[` + `]}` around the items. */
const BODY_OVERHEAD_BYTES = Buffer.byteLength('{"secrets":[]}');

/** The bytes one item adds to the PUT body, exactly as the client serialises it. */
export function itemBodyBytes(item: SecretItem): number {
  return Buffer.byteLength(JSON.stringify({ key: item.key, value: item.value }), 'utf8');
}

/**
 * Greedy split in order: a batch closes when one more item would pass `maxItems` or `maxBodyBytes` (commas
 * counted). An item too large on its own gets a batch of its own, which the API will refuse.
 */
export function splitIntoBatches(
  items: readonly SecretItem[],
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): SecretItem[][] {
  const batches: SecretItem[][] = [];
  let current: SecretItem[] = [];
  let bytes = BODY_OVERHEAD_BYTES;
  for (const item of items) {
    const size = itemBodyBytes(item);
    const added = current.length === 0 ? size : size + 1;
    if (current.length > 0 && (current.length >= limits.maxItems || bytes + added > limits.maxBodyBytes)) {
      batches.push(current);
      current = [];
      bytes = BODY_OVERHEAD_BYTES;
    }
    bytes += current.length === 0 ? size : size + 1;
    current.push(item);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The exact PUT body size of a batch (for tests and the benchmark). */
export function batchBodyBytes(batch: readonly SecretItem[]): number {
  return (
    BODY_OVERHEAD_BYTES + batch.reduce((sum, item) => sum + itemBodyBytes(item), 0) + Math.max(0, batch.length - 1)
  );
}
