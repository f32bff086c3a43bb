import { isIPv4 } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'undici';
import { environmentOfApiKey, isEnvironment, type Environment, type WritableEnvironment } from '../core/environments';
import {
  ApiConfigError,
  ApiError,
  NetworkError,
  RequestCancelledError,
  RETRYABLE_STATUSES,
  type ApiErrorCode,
} from './apiError';

/** The platform's API; `struere.apiUrl` (machine scope) and `STRUERE_API_URL` override it. */
export const DEFAULT_API_URL = 'https://api.struere.dev';

/**
 * The one module that speaks the secrets API (docs/API.md). Everything the platform may change (paths,
 * shapes, status codes) is decided here.
 *
 * Security invariants: HTTPS except for loopback hosts; redirects are never followed (the Authorization header
 * never reaches another origin); values are sent only in the PUT body and never appear in an error, a log
 * line or an attempt report.
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

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 };
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
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = checkBaseUrl(options.baseUrl);
  checkApiKey(options.apiKey);
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  if (!Number.isInteger(policy.maxRetries) || policy.maxRetries < 0)
    throw new RangeError('retry.maxRetries must be a non-negative integer');

  const pool = new Pool(base.origin, {
    connections: options.connections ?? 2,
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    maxResponseSize: MAX_RESPONSE_BYTES,
  });
  const basePath = base.pathname.replace(/\/+$/, '');
  const baseUrl = base.origin + basePath;
  const authorization = `Bearer ${options.apiKey}`;
  const log = options.log;
  let requestCount = 0;
  let closed = false;

  interface Exchange {
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

  /** One HTTP exchange: resolves with the parsed 2xx JSON body, throws ApiError/NetworkError otherwise. */
  async function attempt(
    exchange: Exchange,
    label: string,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; body: unknown }> {
    requestCount++;
    let response;
    try {
      response = await pool.request({
        path: basePath + exchange.path,
        method: exchange.method,
        headers: {
          authorization,
          accept: 'application/json',
          'user-agent': 'struere-secrets',
          ...(exchange.body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        },
        ...(exchange.body ? { body: exchange.body } : {}),
        ...(exchange.interruptible && signal ? { signal } : {}),
      });
    } catch (error) {
      throw toNetworkError(error, label);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      // Headers arrived, the body did not: a 2xx may have been applied.
      throw toNetworkError(error, label, true);
    }
    const status = response.statusCode;
    if (status >= 200 && status < 300) {
      try {
        return { status, body: JSON.parse(text) as unknown };
      } catch {
        throw new ApiError({
          status,
          code: 'bad_response',
          retryable: false,
          outcomeUnknown: exchange.method === 'PUT',
          request: label,
        });
      }
    }
    throw errorFromResponse(status, text, header(response.headers['retry-after']), exchange, label);
  }

  /** The retry loop of API.md: retry 429/5xx and network failures with backoff, honouring Retry-After. */
  async function call(exchange: Exchange, callOptions: CallOptions = {}): Promise<unknown> {
    if (closed) throw new Error('the API client is closed');
    const { signal, onAttempt } = callOptions;
    const label = `${exchange.method} ${exchange.path}`;
    const items = exchange.keys?.size;
    let lastError: ApiError | undefined;
    // Once an upsert attempt may have been applied, cancelling would leave the outcome unknown: keep retrying
    // (within the policy) until an answer settles it. RequestCancelledError thus always means "not applied".
    let mayHaveApplied = false;
    for (let attemptNumber = 1; ; attemptNumber++) {
      if (signal?.aborted && !mayHaveApplied) throw new RequestCancelledError(label, lastError);
      const started = performance.now();
      try {
        const { status, body } = await attempt(exchange, label, signal);
        emit(
          {
            request: label,
            attempt: attemptNumber,
            status,
            outcome: 'ok',
            durationMs: performance.now() - started,
            ...(items ? { items } : {}),
          },
          onAttempt,
        );
        return body;
      } catch (error) {
        if (error instanceof RequestCancelledError) throw error;
        if (!(error instanceof ApiError)) throw error;
        lastError = error;
        if (error.outcomeUnknown && !exchange.interruptible) mayHaveApplied = true;
        const retryInMs =
          error.retryable && attemptNumber <= policy.maxRetries ? retryDelay(error, attemptNumber - 1) : undefined;
        emit(
          {
            request: label,
            attempt: attemptNumber,
            status: error.status,
            outcome: error.outcomeUnknown ? 'unknown' : 'failed',
            error,
            durationMs: performance.now() - started,
            ...(retryInMs === undefined ? {} : { retryInMs }),
            ...(items ? { items } : {}),
          },
          onAttempt,
        );
        if (retryInMs === undefined) throw error;
        const waitSignal = mayHaveApplied ? undefined : signal;
        try {
          await delay(retryInMs, undefined, waitSignal ? { signal: waitSignal } : undefined);
        } catch (waitError) {
          if (waitSignal?.aborted) throw new RequestCancelledError(label, lastError);
          throw waitError;
        }
      }
    }
  }

  function retryDelay(error: ApiError, retryIndex: number): number {
    if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, policy.maxRetryAfterMs);
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
    return Math.floor(policy.random() * ceiling);
  }

  function emit(report: AttemptReport, onAttempt: CallOptions['onAttempt']): void {
    onAttempt?.(report);
    if (log) log(formatAttempt(report));
  }

  return {
    baseUrl,
    keyEnvironment: environmentOfApiKey(options.apiKey),
    get requestCount() {
      return requestCount;
    },

    async listNames(environment, callOptions) {
      if (environment !== undefined && environment !== 'eval')
        throw new RangeError("listNames only takes 'eval' (other environments follow the key)");
      const path = environment === 'eval' ? `${SECRETS_PATH}?environment=eval` : SECRETS_PATH;
      const label = `GET ${path}`;
      const body = await call({ method: 'GET', path, interruptible: true }, callOptions);
      if (!isRecord(body) || !isEnvironment(body.environment) || !Array.isArray(body.secrets)) throw badResponse(label);
      const secrets: ListedSecret[] = [];
      for (const item of body.secrets as unknown[]) {
        if (!isRecord(item) || typeof item.key !== 'string' || typeof item.updatedAt !== 'string')
          throw badResponse(label);
        secrets.push({ key: item.key, updatedAt: item.updatedAt });
      }
      return { environment: body.environment, secrets };
    },

    async upsert(items, callOptions) {
      if (items.length === 0) throw new RangeError('upsert needs at least one item');
      const label = `PUT ${SECRETS_PATH}`;
      const body = Buffer.from(JSON.stringify({ secrets: items.map(({ key, value }) => ({ key, value })) }), 'utf8');
      const result = await call(
        {
          method: 'PUT',
          path: SECRETS_PATH,
          body,
          values: items.map((item) => item.value),
          keys: new Set(items.map((item) => item.key)),
          interruptible: false,
        },
        callOptions,
      );
      // The write happened (2xx); an unreadable answer is reported as such, outcome known to be applied.
      if (
        !isRecord(result) ||
        (result.environment !== 'development' && result.environment !== 'production') ||
        !isStringArray(result.created) ||
        !isStringArray(result.updated) ||
        (result.mirrored !== undefined && !(isStringArray(result.mirrored) && result.mirrored.every(isEnvironment)))
      ) {
        throw new ApiError({
          status: 200,
          code: 'bad_response',
          retryable: false,
          outcomeUnknown: true,
          request: label,
        });
      }
      return {
        environment: result.environment,
        created: result.created,
        updated: result.updated,
        mirrored: (result.mirrored ?? []) as Environment[],
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      await pool.close();
    },
  };
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

const FALLBACK_CODES: Readonly<Record<number, ApiErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'too_large',
  429: 'rate_limited',
  500: 'internal',
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
};

const KNOWN_CODES: ReadonlySet<string> = new Set<ApiErrorCode>([
  'bad_request',
  'unauthorized',
  'forbidden',
  'too_large',
  'invalid_key',
  'value_too_large',
  'rate_limited',
  'internal',
  'unavailable',
  'not_found',
  'method_not_allowed',
]);

function errorFromResponse(
  status: number,
  text: string,
  retryAfter: string | undefined,
  exchange: { readonly values?: readonly string[]; readonly keys?: ReadonlySet<string> },
  label: string,
): ApiError {
  if (status >= 300 && status < 400)
    return new ApiError({ status, code: 'redirect', retryable: false, request: label });
  let code: ApiErrorCode = FALLBACK_CODES[status] ?? 'unexpected_status';
  let keys: string[] = [];
  let serverMessage: string | undefined;
  const body = safeJson(text);
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (error) {
    if (typeof error.code === 'string' && KNOWN_CODES.has(error.code)) code = error.code as ApiErrorCode;
    // Only names of the request itself: a key list can never smuggle anything else into a message.
    if (Array.isArray(error.keys))
      keys = error.keys.filter(
        (key): key is string => typeof key === 'string' && (exchange.keys === undefined || exchange.keys.has(key)),
      );
    if (typeof error.message === 'string') serverMessage = redact(error.message, exchange.values ?? []);
  }
  const retryAfterMs = parseRetryAfter(retryAfter);
  return new ApiError({
    status,
    code,
    retryable: RETRYABLE_STATUSES.has(status),
    keys,
    request: label,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(serverMessage === undefined ? {} : { serverMessage }),
  });
}

/** `Retry-After` in seconds (API.md); an HTTP-date is accepted too. */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - Date.now());
}

/** Classifies undici/socket failures by their `code` property: refused or connect-timeout never reached the server. */
function toNetworkError(error: unknown, label: string, afterHeaders = false): NetworkError | RequestCancelledError {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  if (code === 'UND_ERR_ABORTED' || (error as { name?: unknown })?.name === 'AbortError')
    return new RequestCancelledError(label, undefined);
  if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') throw new Error('the API client is closed');
  const neverSent = !afterHeaders && code !== undefined && NEVER_SENT_CODES.has(code);
  const timeout =
    code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
  const certificate = code !== undefined && (code.startsWith('ERR_TLS') || code.includes('CERT'));
  return new NetworkError(label, timeout ? 'timeout' : 'network', !neverSent && !certificate, code, !certificate);
}

const NEVER_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function badResponse(label: string): ApiError {
  return new ApiError({ status: 200, code: 'bad_response', retryable: false, request: label });
}

/** Removes every value of the request (raw or JSON-escaped) from a server message, and bounds its length. */
function redact(message: string, values: readonly string[]): string {
  let result = message;
  const forms = values
    .flatMap((value) => [value, JSON.stringify(value).slice(1, -1)])
    .filter((form) => form.length >= 3);
  for (const form of forms.sort((a, b) => b.length - a.length)) result = result.split(form).join('[redacted]');
  return result.length > 300 ? `${result.slice(0, 300)}…` : result;
}

export function formatAttempt(report: AttemptReport): string {
  const cause = report.error instanceof NetworkError && report.error.causeCode ? ` ${report.error.causeCode}` : '';
  const outcome = report.error ? `${report.status} ${report.error.code}${cause}` : `${report.status}`;
  const keys = report.error && report.error.keys.length > 0 ? ` keys: ${report.error.keys.join(', ')}` : '';
  const items = report.items === undefined ? '' : ` (${report.items} items)`;
  const retry = report.retryInMs === undefined ? '' : `; retrying in ${report.retryInMs} ms`;
  return `${report.request} attempt ${report.attempt}: ${outcome}${report.outcome === 'unknown' ? ' (outcome unknown)' : ''}${items}${keys} in ${Math.round(report.durationMs)} ms${retry}`;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
