/**
 * Fault injection for the local API: the knobs the remote tests and the benchmark turn. Only `/v1` requests
 * are affected; the `/_local` control endpoints always answer at once.
 */

export type TransientStatus = 429 | 500 | 502 | 503 | 504;
export const TRANSIENT_STATUSES: readonly TransientStatus[] = [429, 500, 502, 503, 504];

/** What a random fault may be: a transient status, or a dropped connection before or after the write. */
export type RandomFaultKind = TransientStatus | 'drop' | 'drop-after-apply';
export const RANDOM_FAULT_KINDS: readonly RandomFaultKind[] = [...TRANSIENT_STATUSES, 'drop', 'drop-after-apply'];

export interface RandomFaults {
  /** Probability in [0, 1] that a request fails. */
  readonly rate: number;
  /** Seed of the PRNG; the same seed and the same request sequence give the same faults. */
  readonly seed: number;
  /** The kinds drawn uniformly when a request fails. Default: 503, 429, drop, drop-after-apply. */
  readonly kinds?: readonly RandomFaultKind[];
  /** Retry-After values (seconds) drawn uniformly for a random 429. Default: [0, 1]. */
  readonly retryAfterSeconds?: readonly number[];
}

/** The fault configuration as JSON: what `POST /_local/faults` accepts and `GET /_local/faults` returns. */
export interface FaultSettings {
  readonly latencyMs: number;
  readonly failNext: {
    readonly count: number;
    readonly status: TransientStatus;
    readonly retryAfterSeconds?: number;
  } | null;
  readonly dropNext: { readonly count: number; readonly afterApply: boolean } | null;
  readonly random: RandomFaults | null;
}

/** The decision for one request. */
export type Fault =
  | { readonly kind: 'none' }
  | { readonly kind: 'status'; readonly status: TransientStatus; readonly retryAfterSeconds?: number }
  | { readonly kind: 'drop'; readonly afterApply: boolean };

const NO_FAULT: Fault = { kind: 'none' };
const DEFAULT_RANDOM_KINDS: readonly RandomFaultKind[] = [503, 429, 'drop', 'drop-after-apply'];

export class FaultInjector {
  private latency = 0;
  private failing: { count: number; status: TransientStatus; retryAfterSeconds?: number } | null = null;
  private dropping: { count: number; afterApply: boolean } | null = null;
  private randomFaults: RandomFaults | null = null;
  private nextRandom: () => number = mulberry32(0);

  /** Added before every `/v1` response (and before a dropped connection). */
  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('latency must be a non-negative number of milliseconds');
    this.latency = ms;
  }

  get latencyMs(): number {
    return this.latency;
  }

  /** The next `count` requests answer `status` (429 carries `Retry-After: retryAfterSeconds`, default 0). Nothing is written. */
  failNext(count: number, status: TransientStatus, options: { retryAfterSeconds?: number } = {}): void {
    assertCount(count);
    if (!TRANSIENT_STATUSES.includes(status))
      throw new RangeError(`failNext status must be one of ${TRANSIENT_STATUSES.join(', ')}`);
    this.failing =
      count === 0
        ? null
        : {
            count,
            status,
            ...(options.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: options.retryAfterSeconds }),
          };
  }

  /**
   * The next `count` requests lose their connection before any response. With `afterApply` the request is
   * processed first (a valid write is stored), which models the "outcome unknown" case of API.md.
   */
  dropNext(count: number, options: { afterApply?: boolean } = {}): void {
    assertCount(count);
    this.dropping = count === 0 ? null : { count, afterApply: options.afterApply ?? false };
  }

  /** Random faults at `rate` from a seeded PRNG; `null` turns them off. */
  setRandom(random: RandomFaults | null): void {
    if (random !== null) {
      if (!(random.rate >= 0 && random.rate <= 1)) throw new RangeError('random.rate must be within [0, 1]');
      if (!Number.isInteger(random.seed)) throw new RangeError('random.seed must be an integer');
      if (
        random.kinds !== undefined &&
        (random.kinds.length === 0 || random.kinds.some((kind) => !RANDOM_FAULT_KINDS.includes(kind)))
      ) {
        throw new RangeError(`random.kinds must be a non-empty list of ${RANDOM_FAULT_KINDS.join(', ')}`);
      }
      if (
        random.retryAfterSeconds !== undefined &&
        (random.retryAfterSeconds.length === 0 || random.retryAfterSeconds.some((s) => !(s >= 0)))
      ) {
        throw new RangeError('random.retryAfterSeconds must be a non-empty list of non-negative numbers');
      }
      this.nextRandom = mulberry32(random.seed);
    }
    this.randomFaults = random;
  }

  reset(): void {
    this.latency = 0;
    this.failing = null;
    this.dropping = null;
    this.randomFaults = null;
  }

  settings(): FaultSettings {
    return {
      latencyMs: this.latency,
      failNext: this.failing && { ...this.failing },
      dropNext: this.dropping && { ...this.dropping },
      random: this.randomFaults,
    };
  }

  /** Applies a JSON settings object (the body of `POST /_local/faults`); absent fields are left as they are. */
  configure(input: unknown): void {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw new RangeError('faults must be a JSON object');
    const body = input as Record<string, unknown>;
    if (body.reset === true) this.reset();
    if (body.latencyMs !== undefined) this.setLatency(asNumber(body.latencyMs, 'latencyMs'));
    if (body.failNext !== undefined) {
      if (body.failNext === null) this.failing = null;
      else {
        const failNext = asRecord(body.failNext, 'failNext');
        this.failNext(
          asNumber(failNext.count, 'failNext.count'),
          asNumber(failNext.status, 'failNext.status') as TransientStatus,
          {
            ...(failNext.retryAfterSeconds === undefined
              ? {}
              : { retryAfterSeconds: asNumber(failNext.retryAfterSeconds, 'failNext.retryAfterSeconds') }),
          },
        );
      }
    }
    if (body.dropNext !== undefined) {
      if (body.dropNext === null) this.dropping = null;
      else {
        const dropNext = asRecord(body.dropNext, 'dropNext');
        this.dropNext(asNumber(dropNext.count, 'dropNext.count'), { afterApply: dropNext.afterApply === true });
      }
    }
    if (body.random !== undefined) {
      if (body.random === null) this.setRandom(null);
      else {
        const random = asRecord(body.random, 'random');
        this.setRandom({
          rate: asNumber(random.rate, 'random.rate'),
          seed: asNumber(random.seed, 'random.seed'),
          ...(random.kinds === undefined ? {} : { kinds: asArray(random.kinds, 'random.kinds') as RandomFaultKind[] }),
          ...(random.retryAfterSeconds === undefined
            ? {}
            : { retryAfterSeconds: asArray(random.retryAfterSeconds, 'random.retryAfterSeconds') as number[] }),
        });
      }
    }
  }

  /** Decides the fault for the next `/v1` request: explicit knobs first (fail, then drop), then the random rate. */
  next(): Fault {
    if (this.failing) {
      const { status, retryAfterSeconds } = this.failing;
      if (--this.failing.count <= 0) this.failing = null;
      return { kind: 'status', status, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
    }
    if (this.dropping) {
      const { afterApply } = this.dropping;
      if (--this.dropping.count <= 0) this.dropping = null;
      return { kind: 'drop', afterApply };
    }
    const random = this.randomFaults;
    if (random === null || random.rate === 0) return NO_FAULT;
    if (this.nextRandom() >= random.rate) return NO_FAULT;
    const kinds = random.kinds ?? DEFAULT_RANDOM_KINDS;
    const kind = kinds[Math.floor(this.nextRandom() * kinds.length)]!;
    if (kind === 'drop') return { kind: 'drop', afterApply: false };
    if (kind === 'drop-after-apply') return { kind: 'drop', afterApply: true };
    if (kind === 429) {
      const choices = random.retryAfterSeconds ?? [0, 1];
      return {
        kind: 'status',
        status: 429,
        retryAfterSeconds: choices[Math.floor(this.nextRandom() * choices.length)]!,
      };
    }
    return { kind: 'status', status: kind };
  }
}

/** A small, well-known 32-bit PRNG: deterministic per seed, good enough for fault schedules. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function assertCount(count: number): void {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
}

function asNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${name} must be a number`);
  return value;
}

function asRecord(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RangeError(`${name} must be an object`);
  return value as Record<string, unknown>;
}

function asArray(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw new RangeError(`${name} must be an array`);
  return value;
}
