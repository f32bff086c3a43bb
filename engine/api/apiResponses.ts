import { type Environment, isEnvironment, isRecord, isStringArray, isValidKey } from '../core';
import type { ListedSecret, ListNamesResult, UpsertResult } from './apiClient';
import { ApiError, NetworkError, RequestCancelledError, RETRYABLE_STATUSES, type ApiErrorCode } from './apiError';

/**
 * Reading the secrets API's answers (docs/API.md): 2xx bodies checked field by field, error bodies turned into
 * typed `ApiError`s that may name only the request's own keys and never carry one of its values, and socket
 * failures classified by whether the request could have reached the server.
 */

/**
 * The body of `GET /v1/secrets`, checked field by field: anything else is a `bad_response`. A listed name that
 * fails the key pattern (a line break, a value) can name no secret we could ever set, and would reach status
 * tables, plans and CI logs: it is dropped here, at the one entrance, and only counted.
 */
export function readListNames(body: unknown, label: string): ListNamesResult {
  if (!isRecord(body) || !isEnvironment(body.environment) || !Array.isArray(body.secrets)) throw badResponse(label);
  const secrets: ListedSecret[] = [];
  let dropped = 0;
  for (const item of body.secrets as unknown[]) {
    if (!isRecord(item) || typeof item.key !== 'string' || typeof item.updatedAt !== 'string') throw badResponse(label);
    if (isValidKey(item.key)) secrets.push({ key: item.key, updatedAt: item.updatedAt });
    else dropped++;
  }
  return { environment: body.environment, secrets, dropped };
}

/**
 * The body of a 2xx `PUT /v1/secrets`. The write happened, so an unreadable answer is a `bad_response` whose
 * outcome is unknown: the caller must not report the keys as unwritten.
 */
export function readUpsert(body: unknown, label: string): UpsertResult {
  if (
    !isRecord(body) ||
    (body.environment !== 'development' && body.environment !== 'production') ||
    !isStringArray(body.created) ||
    !isStringArray(body.updated) ||
    (body.mirrored !== undefined && !(isStringArray(body.mirrored) && body.mirrored.every(isEnvironment)))
  ) {
    throw new ApiError({ status: 200, code: 'bad_response', retryable: false, outcomeUnknown: true, request: label });
  }
  return {
    environment: body.environment,
    created: body.created,
    updated: body.updated,
    mirrored: (body.mirrored ?? []) as Environment[],
  };
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

export function errorFromResponse(
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
export function toNetworkError(
  error: unknown,
  label: string,
  afterHeaders = false,
): NetworkError | RequestCancelledError {
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

export function badResponse(label: string): ApiError {
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

export function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
