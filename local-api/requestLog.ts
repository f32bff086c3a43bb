import type { Environment } from '../engine/core/model/environments';

/**
 * One `/v1` request as the local API saw it. Names, counts and statuses only: a value never enters the log.
 * `status` is 0 when the connection was dropped instead of answered.
 */
export interface RequestLogEntry {
  readonly seq: number;
  readonly method: string;
  /** Path and query (the query never carries values). */
  readonly path: string;
  readonly status: number;
  /** The error code of an error answer. */
  readonly code?: string;
  /** The environment the API key selected, once authenticated. */
  readonly environment?: Environment;
  /** PUT: the keys of the request body, when it could be parsed into items. */
  readonly keys?: readonly string[];
  /** PUT: items in the body; GET: names listed. */
  readonly count?: number;
  /** True when a write was stored (also for a connection dropped after the write). */
  readonly applied?: boolean;
  /** Set when the answer came from fault injection rather than from the API logic. */
  readonly fault?: 'status' | 'drop' | 'drop-after-apply';
}

export type RequestLogInput = Omit<RequestLogEntry, 'seq'>;

export class RequestLog {
  private readonly entries_: RequestLogEntry[] = [];
  private seq = 0;

  constructor(private readonly maxEntries = 100_000) {}

  add(entry: RequestLogInput): RequestLogEntry {
    const full = { seq: ++this.seq, ...entry };
    this.entries_.push(full);
    if (this.entries_.length > this.maxEntries) this.entries_.splice(0, this.entries_.length - this.maxEntries);
    return full;
  }

  entries(): RequestLogEntry[] {
    return this.entries_.map((entry) => ({ ...entry }));
  }

  /** Requests seen since the server started or the log was last cleared. */
  get size(): number {
    return this.entries_.length;
  }

  clear(): void {
    this.entries_.length = 0;
  }
}
