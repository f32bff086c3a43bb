import {
  API_KEY_PREFIX,
  type Environment,
  environmentOfApiKey,
  type WritableEnvironment,
  writableEnvironmentOf,
} from '../core';
import { createApiClient, type ApiClientOptions, type RetryPolicy } from '../api';

/**
 * One secret straight to the platform, for any front end (Struere: Set Secret… today): the API key's prefix is
 * checked, then one upsert. The value goes only into the PUT body: never into a result, an error or a log.
 */

export interface SetOneSecretOptions {
  readonly apiUrl: string;
  readonly apiKey: string;
  /** The selected environment; eval is written through development, which the API mirrors into eval. */
  readonly environment: Environment;
  readonly key: string;
  readonly value: string;
  readonly retry?: Partial<RetryPolicy>;
  /** The CLI's --timeout; the editor keeps the client's defaults. */
  readonly timeouts?: ApiClientOptions['timeouts'];
  readonly signal?: AbortSignal;
}

/** Names only: what was written where. */
export interface SetOneSecretResult {
  readonly key: string;
  /** The environment asked for. */
  readonly environment: Environment;
  /** The environment written: development for development and eval, production for production. */
  readonly target: WritableEnvironment;
  readonly outcome: 'created' | 'updated';
  /** Environments the API mirrored the write into (eval for a development write). */
  readonly mirrored: readonly Environment[];
}

/** Refused before anything was sent. */
export class SetSecretRefusedError extends Error {
  override readonly name = 'SetSecretRefusedError';

  constructor(
    readonly reason: 'wrong-key',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Upserts one secret into the writable target of `environment`. The API key's prefix must name that target
 * (checked before any request, so a production key never writes development by mistake, nor the reverse). The
 * key name is the API's to judge (422 `invalid_key`); the command checks it as you type. Errors are the API
 * client's typed errors, whose messages never hold a value.
 */
export async function setOneSecret(options: SetOneSecretOptions): Promise<SetOneSecretResult> {
  const target = writableEnvironmentOf(options.environment);
  if (environmentOfApiKey(options.apiKey) !== target) {
    throw new SetSecretRefusedError(
      'wrong-key',
      `writing ${options.environment === 'eval' ? 'eval (through development)' : target} needs a ${target} API key (it starts with ${API_KEY_PREFIX[target]}); this one does not. Nothing was sent.`,
    );
  }
  const client = createApiClient({
    baseUrl: options.apiUrl,
    apiKey: options.apiKey,
    retry: { maxRetries: 2, ...options.retry },
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
  });
  try {
    const result = await client.upsert(
      [{ key: options.key, value: options.value }],
      options.signal ? { signal: options.signal } : {},
    );
    return {
      key: options.key,
      environment: options.environment,
      target,
      outcome: result.created.includes(options.key) ? 'created' : 'updated',
      mirrored: result.mirrored,
    };
  } finally {
    await client.close();
  }
}
