import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'undici';
import type { AttemptReport, CallOptions, RetryPolicy, Timeouts } from './apiClient';
import { ApiError, NetworkError, RequestCancelledError } from './apiError';
import { errorFromResponse, header, toNetworkError } from './apiResponses';
import { AttemptDeadline } from './attemptDeadline';

/** Bodies above this are refused by undici: a list of names never comes near it. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** One request as the transport sends it, with what an error about it may and may not repeat. */
export interface Exchange {
  readonly method: 'GET' | 'PUT';
  /** Path below the base, query included. */
  readonly path: string;
  readonly body?: Buffer;
  /** Values of the request, redacted from any server message we keep. */
  readonly values?: readonly string[];
  /** Key names of the request: the only keys an error may name. */
  readonly keys?: ReadonlySet<string>;
  /** Whether an in-flight attempt may be aborted by the signal (only for requests safe to repeat). */
  readonly interruptible: boolean;
}

export interface TransportOptions {
  readonly base: URL;
  readonly apiKey: string;
  readonly timeouts: Timeouts;
  readonly policy: RetryPolicy;
  readonly connections: number;
  readonly log: ((line: string) => void) | undefined;
}

/**
 * The HTTP side of the API client: one keep-alive pool to the API's origin, one exchange per attempt, and the
 * retry loop of API.md (429/5xx and network failures, backoff with full jitter, `Retry-After` honoured). Redirects
 * are never followed (undici's request does not), so the Authorization header never reaches another origin.
 */
export class ApiTransport {
  /** HTTP requests sent so far, retries included. */
  requestCount = 0;
  private closed = false;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly authorization: string;

  constructor(private readonly options: TransportOptions) {
    const { base, timeouts } = options;
    this.pool = new Pool(base.origin, {
      connections: options.connections,
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
      maxResponseSize: MAX_RESPONSE_BYTES,
    });
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.authorization = `Bearer ${options.apiKey}`;
  }

  /** Normalised base URL (no trailing slash). */
  get baseUrl(): string {
    return this.options.base.origin + this.basePath;
  }

  /**
   * Sends the exchange until it is answered with a 2xx (its parsed body is returned) or the policy gives up (the
   * last ApiError is thrown). Once an upsert attempt may have been applied, cancelling would leave the outcome
   * unknown, so the signal is then ignored until an answer settles it: RequestCancelledError means "not applied".
   */
  async call(exchange: Exchange, callOptions: CallOptions = {}): Promise<unknown> {
    if (this.closed) throw new Error('the API client is closed');
    const { signal, onAttempt } = callOptions;
    const label = `${exchange.method} ${exchange.path}`;
    const items = exchange.keys?.size;
    let lastError: ApiError | undefined;
    let mayHaveApplied = false;
    for (let attemptNumber = 1; ; attemptNumber++) {
      if (signal?.aborted && !mayHaveApplied) throw new RequestCancelledError(label, lastError);
      const started = performance.now();
      const report = { request: label, attempt: attemptNumber, ...(items ? { items } : {}) };
      try {
        const { status, body } = await this.attempt(exchange, label, signal);
        this.emit({ ...report, status, outcome: 'ok', durationMs: performance.now() - started }, onAttempt);
        return body;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        lastError = error;
        if (error.outcomeUnknown && !exchange.interruptible) mayHaveApplied = true;
        const retryInMs =
          error.retryable && attemptNumber <= this.options.policy.maxRetries
            ? this.retryDelay(error, attemptNumber - 1)
            : undefined;
        this.emit(
          {
            ...report,
            status: error.status,
            outcome: error.outcomeUnknown ? 'unknown' : 'failed',
            error,
            durationMs: performance.now() - started,
            ...(retryInMs === undefined ? {} : { retryInMs }),
          },
          onAttempt,
        );
        if (retryInMs === undefined) throw error;
        await this.backOff(retryInMs, mayHaveApplied ? undefined : signal, label, lastError);
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
  }

  /** One HTTP exchange: resolves with the parsed 2xx JSON body, throws ApiError/NetworkError otherwise. */
  private async attempt(
    exchange: Exchange,
    label: string,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; body: unknown }> {
    this.requestCount++;
    const deadline = new AttemptDeadline(this.options.timeouts.attemptMs, exchange.interruptible ? signal : undefined);
    let response;
    let text: string;
    try {
      try {
        response = await this.pool.request({
          path: this.basePath + exchange.path,
          method: exchange.method,
          headers: {
            authorization: this.authorization,
            accept: 'application/json',
            'user-agent': 'struere-secrets',
            ...(exchange.body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
          },
          ...(exchange.body ? { body: exchange.body } : {}),
          signal: deadline.signal,
        });
      } catch (error) {
        throw deadline.error(label) ?? toNetworkError(error, label);
      }
      try {
        text = await response.body.text();
      } catch (error) {
        // Headers arrived, the body did not: a 2xx may have been applied.
        throw deadline.error(label) ?? toNetworkError(error, label, true);
      }
    } finally {
      deadline.clear();
    }
    const status = response.statusCode;
    if (status < 200 || status >= 300)
      throw errorFromResponse(status, text, header(response.headers['retry-after']), exchange, label);
    try {
      return { status, body: JSON.parse(text) as unknown };
    } catch {
      const outcomeUnknown = exchange.method === 'PUT';
      throw new ApiError({ status, code: 'bad_response', retryable: false, outcomeUnknown, request: label });
    }
  }

  /** Waits before the next attempt; a signal (absent once an upsert may have been applied) cuts the wait short. */
  private async backOff(
    ms: number,
    signal: AbortSignal | undefined,
    label: string,
    lastError: ApiError | undefined,
  ): Promise<void> {
    try {
      await delay(ms, undefined, signal ? { signal } : undefined);
    } catch (waitError) {
      if (signal?.aborted) throw new RequestCancelledError(label, lastError);
      throw waitError;
    }
  }

  private retryDelay(error: ApiError, retryIndex: number): number {
    const { policy } = this.options;
    if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, policy.maxRetryAfterMs);
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
    return Math.floor(policy.random() * ceiling);
  }

  private emit(report: AttemptReport, onAttempt: CallOptions['onAttempt']): void {
    onAttempt?.(report);
    this.options.log?.(formatAttempt(report));
  }
}

/** One log line per attempt: method, path, status, code, key names and counts, never a value. */
export function formatAttempt(report: AttemptReport): string {
  const cause = report.error instanceof NetworkError && report.error.causeCode ? ` ${report.error.causeCode}` : '';
  const outcome = report.error ? `${report.status} ${report.error.code}${cause}` : `${report.status}`;
  const keys = report.error && report.error.keys.length > 0 ? ` keys: ${report.error.keys.join(', ')}` : '';
  const items = report.items === undefined ? '' : ` (${report.items} items)`;
  const retry = report.retryInMs === undefined ? '' : `; retrying in ${report.retryInMs} ms`;
  return `${report.request} attempt ${report.attempt}: ${outcome}${report.outcome === 'unknown' ? ' (outcome unknown)' : ''}${items}${keys} in ${Math.round(report.durationMs)} ms${retry}`;
}
