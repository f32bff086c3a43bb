import { isIPv4 } from 'node:net';
import { type Environment, environmentOfApiKey, type WritableEnvironment } from '../core';
import { ApiConfigError, type ApiError } from './apiError';
import { readListNames, readUpsert } from './apiResponses';
import { ApiTransport } from './apiTransport';

export { parseRetryAfter } from './apiResponses';
export { formatAttempt } from './apiTransport';

/** The platform's API; `struere.apiUrl` (machine scope) and `STRUERE_API_URL` override it. */
export const DEFAULT_API_URL = 'https://api.struere.dev';

/**
 * The one module that speaks the secrets API (docs/API.md). Everything the platform may change (paths,
 * shapes, status codes) is decided here.
 *
 * Security invariants: HTTPS except for loopback hosts; redirects are never followed (the Authorization header
 * never reaches another origin); values are sent only in the PUT body and never appear in an error, a log
 * line or an attempt report.
 *
 * Three parts: this file (configuration checks and the two endpoints), `apiTransport.ts` (the connection pool and
 * the retry loop) and `apiResponses.ts` (reading answers and errors).
 */

export interface SecretItem {
  readonly key: string;
  readonly value: string;
}

export interface ListedSecret {
  readonly key: string;
  readonly updatedAt: string;
}

export interface ListNamesResult {
  readonly environment: Environment;
  readonly secrets: readonly ListedSecret[];
  /** Listed names that fail the key pattern, left out of `secrets`: counted, never kept or quoted. */
  readonly dropped: number;
}

export interface UpsertResult {
  readonly environment: WritableEnvironment;
  readonly created: readonly string[];
  readonly updated: readonly string[];
  readonly mirrored: readonly Environment[];
}

export interface Timeouts {
  /** TCP + TLS handshake. Default 10 s. */
  readonly connectMs: number;
  /** From the request sent to the response headers. Default 30 s. */
  readonly headersMs: number;
  /** Between two chunks of the response body. Default 30 s. */
  readonly bodyMs: number;
  /** The whole attempt: connect, headers and body together, however the server paces them. Default 120 s. */
  readonly attemptMs: number;
}

export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. Default 5. */
  readonly maxRetries: number;
  /** Backoff before retry n (0-based) is uniform in [0, min(maxDelayMs, baseDelayMs · 2^n)] ("full jitter"). Default 250. */
  readonly baseDelayMs: number;
  /** Default 8,000. */
  readonly maxDelayMs: number;
  /** A `Retry-After` is honoured up to this many ms. Default 30,000. */
  readonly maxRetryAfterMs: number;
  /** Source of jitter in [0, 1). Default Math.random. */
  readonly random: () => number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000, attemptMs: 120_000 };
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
  random: Math.random,
};

/** One HTTP attempt, as reported to `onAttempt` and to the client's log. Names and statuses only. */
export interface AttemptReport {
  /** "GET /v1/secrets?environment=eval", "PUT /v1/secrets" */
  readonly request: string;
  /** 1-based. */
  readonly attempt: number;
  /** HTTP status, 0 when no answer arrived. */
  readonly status: number;
  /** ok: answered 2xx; failed: nothing was applied; unknown: the request may have been applied. */
  readonly outcome: 'ok' | 'failed' | 'unknown';
  readonly error?: ApiError;
  /** Set when another attempt follows after this many ms. */
  readonly retryInMs?: number;
  readonly durationMs: number;
  /** PUT: number of items sent. */
  readonly items?: number;
}

export interface ApiClientOptions {
  /** e.g. https://api.struere.dev (a path prefix is kept: https://host/prefix → https://host/prefix/v1/…). */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly timeouts?: Partial<Timeouts>;
  readonly retry?: Partial<RetryPolicy>;
  /** Receives one line per attempt: method, path, status, code, key names and counts, never a value. */
  readonly log?: (line: string) => void;
  /** Keep-alive connections to the API. Default 2 (sync is sequential; one spare for a concurrent listing). */
  readonly connections?: number;
}

export interface CallOptions {
  /**
   * Stops the retry loop: checked before every attempt and interrupting a backoff wait, which then throws
   * RequestCancelledError. A listing (safe to repeat) is interrupted at once. An upsert is never interrupted
   * in flight, and once an attempt of it may have been applied (dropped connection, timeout) the signal is
   * ignored until an answer settles it: RequestCancelledError from upsert always means nothing was applied.
   */
  readonly signal?: AbortSignal;
  readonly onAttempt?: (report: AttemptReport) => void;
}

export interface ApiClient {
  /** Normalised base URL (no trailing slash). */
  readonly baseUrl: string;
  /** The environment the key's prefix names, if it has a known prefix. */
  readonly keyEnvironment: WritableEnvironment | undefined;
  /** HTTP requests sent so far, retries included (for reports and benchmarks). */
  readonly requestCount: number;
  /** Names of the key's environment, or of eval (`?environment=eval`, development keys only). */
  listNames(environment?: 'eval', options?: CallOptions): Promise<ListNamesResult>;
  /** One PUT of `items` (1 to 100, ≤ 1 MiB; see syncRun for batching), retried per the policy. */
  upsert(items: readonly SecretItem[], options?: CallOptions): Promise<UpsertResult>;
  close(): Promise<void>;
}

const SECRETS_PATH = '/v1/secrets';

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = checkBaseUrl(options.baseUrl);
  checkApiKey(options.apiKey);
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  if (!Number.isInteger(policy.maxRetries) || policy.maxRetries < 0)
    throw new RangeError('retry.maxRetries must be a non-negative integer');
  const transport = new ApiTransport({
    base,
    apiKey: options.apiKey,
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    policy,
    connections: options.connections ?? 2,
    log: options.log,
  });
  return {
    baseUrl: transport.baseUrl,
    keyEnvironment: environmentOfApiKey(options.apiKey),
    get requestCount() {
      return transport.requestCount;
    },
    listNames: (environment, callOptions) => listNames(transport, environment, callOptions),
    upsert: (items, callOptions) => upsert(transport, items, callOptions),
    close: () => transport.close(),
  };
}

async function listNames(
  transport: ApiTransport,
  environment: 'eval' | undefined,
  callOptions: CallOptions | undefined,
): Promise<ListNamesResult> {
  if (environment !== undefined && environment !== 'eval')
    throw new RangeError("listNames only takes 'eval' (other environments follow the key)");
  const path = environment === 'eval' ? `${SECRETS_PATH}?environment=eval` : SECRETS_PATH;
  const body = await transport.call({ method: 'GET', path, interruptible: true }, callOptions);
  return readListNames(body, `GET ${path}`);
}

async function upsert(
  transport: ApiTransport,
  items: readonly SecretItem[],
  callOptions: CallOptions | undefined,
): Promise<UpsertResult> {
  if (items.length === 0) throw new RangeError('upsert needs at least one item');
  const body = Buffer.from(JSON.stringify({ secrets: items.map(({ key, value }) => ({ key, value })) }), 'utf8');
  const exchange = {
    method: 'PUT' as const,
    path: SECRETS_PATH,
    body,
    values: items.map((item) => item.value),
    keys: new Set(items.map((item) => item.key)),
    // A PUT in flight is never aborted: it may already have been applied.
    interruptible: false,
  };
  return readUpsert(await transport.call(exchange, callOptions), `PUT ${SECRETS_PATH}`);
}

/**
 * Parses and checks the base URL: https, or http to a loopback host; no credentials, query or fragment.
 * Throws ApiConfigError (its message shows the origin only) before any request can be made.
 */
export function checkBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ApiConfigError('invalid_url', 'the API URL is not a valid absolute URL');
  }
  if (url.username !== '' || url.password !== '')
    throw new ApiConfigError('invalid_url', 'the API URL must not carry credentials; the API key authenticates');
  if (url.search !== '' || url.hash !== '')
    throw new ApiConfigError('invalid_url', `the API URL ${url.origin} must not have a query or fragment`);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return url;
    throw new ApiConfigError(
      'insecure_url',
      `refusing plain http to ${url.host}: the API key would travel unencrypted; use https:// (http is allowed only for 127.0.0.0/8, localhost and [::1])`,
    );
  }
  throw new ApiConfigError('invalid_url', `the API URL must use https:// (got ${url.protocol})`);
}

/** 127.0.0.0/8, localhost and [::1] (WHATWG URL hostnames: IPv6 in brackets, IPv4 normalised). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  return isIPv4(host) && host.split('.')[0] === '127';
}

function checkApiKey(apiKey: string): void {
  // Header injection and accidental whitespace; the message never repeats the key.
  if (apiKey.length === 0 || !/^[\x21-\x7e]+$/.test(apiKey))
    throw new ApiConfigError('invalid_api_key', 'the API key is empty or contains whitespace or non-ASCII characters');
}
