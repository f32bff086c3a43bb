import type { ApiClientOptions } from '../../engine/api';
import { CliUsageError } from './io';

/**
 * `--retries N` and `--timeout S` for the commands that talk to the API, so a CI job without network fails in
 * about S seconds instead of waiting through the default retries and 10–30 s timeouts.
 */
export interface RequestLimits {
  /** Retries after the first attempt of each request. */
  readonly retries?: number;
  /** Seconds each attempt may take in all: connecting, the response headers and the whole body. */
  readonly timeoutSeconds?: number;
}

const MAX_RETRIES = 20;
const MAX_TIMEOUT_SECONDS = 3600;

export function parseRequestLimits(retries: string | undefined, timeout: string | undefined): RequestLimits {
  const limits: { retries?: number; timeoutSeconds?: number } = {};
  if (retries !== undefined) {
    const count = Number(retries);
    if (!/^\d+$/.test(retries) || count > MAX_RETRIES)
      throw new CliUsageError(`--retries must be a whole number from 0 to ${MAX_RETRIES} (got "${retries}")`);
    limits.retries = count;
  }
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (!/^\d+(\.\d+)?$/.test(timeout) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS)
      throw new CliUsageError(
        `--timeout must be a number of seconds above 0, at most ${MAX_TIMEOUT_SECONDS} (got "${timeout}")`,
      );
    limits.timeoutSeconds = seconds;
  }
  return limits;
}

/** The client options the limits set; absent limits keep the client's defaults (or the caller's). */
export function clientOptionsOf(
  limits: RequestLimits | undefined,
  defaults: Pick<ApiClientOptions, 'retry'> = {},
): Pick<ApiClientOptions, 'retry' | 'timeouts'> {
  const ms = limits?.timeoutSeconds === undefined ? undefined : Math.round(limits.timeoutSeconds * 1000);
  return {
    retry: { ...defaults.retry, ...(limits?.retries === undefined ? {} : { maxRetries: limits.retries }) },
    ...(ms === undefined ? {} : { timeouts: { connectMs: ms, headersMs: ms, bodyMs: ms, attemptMs: ms } }),
  };
}
