/**
 * Typed failures of the secrets API. Callers branch on `kind`, `status`, `code`, `retryable` and
 * `outcomeUnknown`, never on message text. Messages name the request, the status, the code and key names:
 * never a value (the client does not even copy the server's message into `message`).
 */

/** The codes of API.md plus the ones the client itself assigns. */
export type ApiErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'too_large'
  | 'invalid_key'
  | 'value_too_large'
  | 'rate_limited'
  | 'internal'
  | 'unavailable'
  // Not in the table of API.md, answered by servers anyway:
  | 'not_found'
  | 'method_not_allowed'
  // Assigned by the client:
  | 'redirect'
  | 'unexpected_status'
  | 'bad_response'
  | 'network'
  | 'timeout';

/** Statuses API.md asks the client to retry. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export interface ApiErrorDetails {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly retryable: boolean;
  readonly keys?: readonly string[];
  /** From `Retry-After`, when the server sent one. */
  readonly retryAfterMs?: number;
  /** True when the request may have been applied although it failed (see NetworkError). */
  readonly outcomeUnknown?: boolean;
  /** "PUT /v1/secrets": what was being asked. */
  readonly request: string;
  /** The server's own message, with every value of the request redacted; for logs, not for matching. */
  readonly serverMessage?: string;
}

/** A failure answered by the server: an HTTP status outside 2xx, or a 2xx the client cannot read. */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  readonly kind: 'http' | 'network' = 'http';
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly retryable: boolean;
  readonly keys: readonly string[];
  readonly retryAfterMs: number | undefined;
  readonly outcomeUnknown: boolean;
  readonly request: string;
  readonly serverMessage: string | undefined;

  constructor(details: ApiErrorDetails, message: string = describe(details)) {
    super(message);
    this.status = details.status;
    this.code = details.code;
    this.retryable = details.retryable;
    this.keys = details.keys ?? [];
    this.retryAfterMs = details.retryAfterMs;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
    this.request = details.request;
    this.serverMessage = details.serverMessage;
  }
}

/**
 * No HTTP answer: connection refused or dropped, or a timeout. `outcomeUnknown` says whether the request may
 * have reached the server (a dropped connection or a headers/body timeout) or certainly did not (refused,
 * connect timeout). Upserts are idempotent, so retrying either is safe. `status` is 0.
 */
export class NetworkError extends ApiError {
  override readonly name: string = 'NetworkError';
  override readonly kind = 'network' as const;
  /** The low-level error code (e.g. ECONNREFUSED, UND_ERR_SOCKET), for diagnostics. */
  readonly causeCode: string | undefined;

  constructor(
    request: string,
    code: 'network' | 'timeout',
    outcomeUnknown: boolean,
    causeCode: string | undefined,
    retryable = true,
  ) {
    const what = code === 'timeout' ? 'timed out' : 'failed without an answer';
    const outcome = outcomeUnknown ? 'the outcome is unknown (retrying is safe)' : 'nothing reached the server';
    super(
      { status: 0, code, retryable, outcomeUnknown, request },
      `${request} ${what}${causeCode ? ` (${causeCode})` : ''}; ${outcome}`,
    );
    this.causeCode = causeCode;
  }
}

/** The retry loop stopped because the caller's AbortSignal fired; `lastError` is the failure before it, if any. */
export class RequestCancelledError extends Error {
  override readonly name = 'RequestCancelledError';
  readonly code = 'cancelled' as const;

  constructor(
    readonly request: string,
    readonly lastError: ApiError | undefined,
  ) {
    super(`${request} cancelled${lastError ? ` after ${lastError.status || lastError.code}` : ''}`);
  }
}

/** The client refused its configuration (an insecure or malformed base URL) before sending anything. */
export class ApiConfigError extends Error {
  override readonly name = 'ApiConfigError';

  constructor(
    readonly code: 'insecure_url' | 'invalid_url' | 'invalid_api_key',
    message: string,
  ) {
    super(message);
  }
}

const HINTS: Partial<Record<ApiErrorCode, string>> = {
  bad_request: 'the request was malformed',
  unauthorized: 'missing, malformed or unknown API key',
  forbidden: 'the API key is not allowed here',
  too_large: 'too many items or body too large; split the batch',
  invalid_key: 'keys must match ^[A-Za-z_][A-Za-z0-9_]*$; nothing was written',
  value_too_large: 'values are limited to 65,536 bytes; nothing was written',
  rate_limited: 'rate limited',
  internal: 'transient server failure; nothing was written',
  unavailable: 'service unavailable; nothing was written',
  not_found: 'no such endpoint (check the API URL)',
  method_not_allowed: 'method not allowed (check the API URL)',
  redirect: 'redirects are never followed, so the API key never goes to another URL (check the API URL)',
  unexpected_status: 'unexpected status',
  bad_response: 'the response could not be read',
};

function describe(details: ApiErrorDetails): string {
  const keys = details.keys && details.keys.length > 0 ? ` (keys: ${details.keys.join(', ')})` : '';
  const hint = HINTS[details.code] ?? details.code;
  return `${details.request} failed: ${details.status} ${details.code}: ${hint}${keys}`;
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
