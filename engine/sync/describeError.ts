import { ApiConfigError, ApiError, NetworkError, RequestCancelledError } from '../api';
import { SyncLockedError } from './syncLock';
import { errorText } from '../core';

/**
 * API failures in words a person can act on, for notifications, the CLI and logs. Built only from typed fields
 * (status, code, key names, the low-level cause code), never from a server's message text, so no value can
 * reach it. Key lists are bounded: a 422 on a 100-item batch names at most MAX_NAMED_KEYS.
 */

const MAX_NAMED_KEYS = 20;

export function describeApiError(error: unknown): string {
  if (error instanceof RequestCancelledError) return 'cancelled';
  if (error instanceof ApiConfigError) return error.message;
  if (error instanceof SyncLockedError) return error.message;
  if (!(error instanceof ApiError)) return errorText(error);

  if (error instanceof NetworkError) {
    const cause = error.causeCode ? ` (${error.causeCode})` : '';
    if (error.code === 'timeout')
      return `the API did not answer in time${cause}${error.outcomeUnknown ? '; whether the last request was applied is unknown' : ''}`;
    if (!error.retryable)
      return `the TLS connection to the API failed${cause}: check the API URL and the machine's certificates`;
    if (!error.outcomeUnknown) return `could not reach the API${cause}: offline, or the API URL is wrong`;
    return `the connection to the API was lost${cause}; whether the last request was applied is unknown`;
  }

  const keys = namedKeys(error.keys);
  const retried = error.retryable ? ', and the retries ran out' : '';
  switch (error.code) {
    case 'unauthorized':
      return 'the API key was rejected (401): it is missing, malformed, revoked or unknown to this API URL';
    case 'forbidden':
      return 'the API key is not allowed to do this (403 forbidden)';
    case 'invalid_key':
      return `the API refused key names that fail ^[A-Za-z_][A-Za-z0-9_]*$ (422)${keys}; nothing of that request was written`;
    case 'value_too_large':
      return `the API refused values over 65,536 bytes (422)${keys}; nothing of that request was written`;
    case 'too_large':
      return `the request was too large for the API (413)${keys}; nothing of it was written`;
    case 'bad_request':
      return `the API refused the request as malformed (400)${keys}; nothing of it was written`;
    case 'rate_limited':
      return `the API is rate limiting (429)${retried}`;
    case 'internal':
    case 'unavailable':
      return `the API failed (${error.status} ${error.code})${retried}; nothing of that request was written`;
    case 'redirect':
      return `the API answered with a redirect (${error.status}), which is never followed so the API key never reaches another URL: check the API URL`;
    case 'not_found':
    case 'method_not_allowed':
      return `the API has no such endpoint (${error.status}): check the API URL`;
    case 'bad_response':
      return `the API's answer (${error.status}) could not be read${error.outcomeUnknown ? '; whether the request was applied is unknown' : ''}`;
    default:
      return `the API answered ${error.status} (${error.code})${retried}`;
  }
}

function namedKeys(keys: readonly string[]): string {
  if (keys.length === 0) return '';
  const shown = keys.slice(0, MAX_NAMED_KEYS).join(', ');
  return keys.length > MAX_NAMED_KEYS ? `: ${shown} and ${keys.length - MAX_NAMED_KEYS} more` : `: ${shown}`;
}
