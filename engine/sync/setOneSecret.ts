import * as path from 'node:path';
import * as dotenv from 'dotenv';
import {
  API_KEY_PREFIX,
  DEFAULT_SETTINGS,
  ENV_FILE_NAMES,
  type Environment,
  environmentOfApiKey,
  type WritableEnvironment,
  writableEnvironmentOf,
} from '../core';
import { type ApiClient, type ApiClientOptions, ApiError, createApiClient, type RetryPolicy } from '../api';
import { readEnvFile } from '../host';
import { openJournal, recordUpload, stateDirectory } from './syncJournal';
import { withSyncLock } from './syncLock';

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
  /**
   * The project the secret belongs to: its sync journal records the write (so a later sync does not take our own
   * write for a rotation). Without it nothing is journalled, and a later sync sees the key as unverified.
   */
  readonly projectRoot?: string;
  /** The per-user state folder holding the journal; stateDirectory() when omitted. */
  readonly stateDir?: string;
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
  /** Why the write could not be journalled, in words; undefined when it was (or no project was given). */
  readonly journalProblem?: string;
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
    const upsert = (): ReturnType<typeof client.upsert> =>
      client.upsert([{ key: options.key, value: options.value }], options.signal ? { signal: options.signal } : {});
    const { projectRoot } = options;
    const { result, journalProblem } =
      projectRoot === undefined
        ? { result: await upsert(), journalProblem: undefined }
        : await upsertJournalled({ ...options, projectRoot }, target, client, upsert);
    return {
      key: options.key,
      environment: options.environment,
      target,
      outcome: result.created.includes(options.key) ? 'created' : 'updated',
      mirrored: result.mirrored,
      ...(journalProblem ? { journalProblem } : {}),
    };
  } finally {
    await client.close();
  }
}

type UpsertResult = Awaited<ReturnType<ApiClient['upsert']>>;

/**
 * The upsert under the project's sync lock, journalled like a sync's (recordUpload): the journal of one project
 * is only ever written by the lock's holder. A lost answer is journalled as pending before the error goes on.
 */
async function upsertJournalled(
  options: SetOneSecretOptions & { readonly projectRoot: string },
  target: WritableEnvironment,
  client: ApiClient,
  upsert: () => Promise<UpsertResult>,
): Promise<{ result: UpsertResult; journalProblem: string | undefined }> {
  return withSyncLock(options.projectRoot, async () => {
    const scope = { apiUrl: client.baseUrl, environment: target, projectRoot: options.projectRoot };
    const journal = await openJournal(scope, options.stateDir ?? stateDirectory());
    // The fingerprint is of what the env file holds for the key, when it holds one: the platform's value is now
    // newer than the file's, and a later sync must keep it (local unchanged since this write), not send the
    // file's older value back over it. Only an edit of the file after this makes the key "changed locally".
    const recorded = (await localValueOf(options.projectRoot, target, options.key)) ?? options.value;
    const values = new Map([[options.key, recorded]]);
    let result: UpsertResult;
    try {
      result = await upsert();
    } catch (error) {
      if (error instanceof ApiError && error.outcomeUnknown)
        await recordUpload(journal, { values, written: [], unknown: [options.key] }, client);
      throw error;
    }
    const journalProblem = await recordUpload(journal, { values, written: [options.key], unknown: [] }, client);
    return { result, journalProblem };
  });
}

/** The value the env file of `target` gives `key` as a sync would read it; undefined when it has none. */
async function localValueOf(
  projectRoot: string,
  target: WritableEnvironment,
  key: string,
): Promise<string | undefined> {
  const read = await readEnvFile(
    path.join(projectRoot, ENV_FILE_NAMES[target]),
    projectRoot,
    DEFAULT_SETTINGS.maxFileBytes,
  );
  if (read.kind !== 'text') return undefined;
  const parsed = dotenv.parse(read.text);
  return Object.hasOwn(parsed, key) ? parsed[key] : undefined;
}
