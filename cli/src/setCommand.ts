import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  describeInvalidName,
  ENV_FILE_NAMES,
  isValidKey,
  WRITABLE_ENVIRONMENTS,
  type WritableEnvironment,
} from '../../engine/core';
import { isGitIgnored, PROJECT_MANIFEST, RefusedWriteError } from '../../engine/host';
import { writeLocalSecret, type LocalSecretOutcome } from '../../engine/tools';
import { describeApiError, setOneSecret, SetSecretRefusedError, API_KEY_VARIABLES } from '../../engine/sync';
import { apiSettingsFrom } from './apiSettings';
import type { Operand } from './commandLine';
import { CliUsageError, oneOf, type CliIo } from './io';
import { clientOptionsOf, type RequestLimits } from './requestLimits';
import { escapeName } from './terminalText';

/** Where the value comes from and where a production confirmation is asked: the terminal, or stdin and /dev/tty. */
export interface SetInput {
  /** The value typed with echo off, or read from piped stdin; undefined when there is none (closed, empty). */
  readValue(prompt: string): Promise<string | undefined>;
  /** A yes/no asked on the terminal even when stdin is piped; undefined when there is no terminal to ask. */
  confirm(question: string): Promise<boolean | undefined>;
}

export interface SetOptions {
  key: string;
  dir: string;
  env: string | undefined;
  local: boolean;
  replace: boolean;
  yes: boolean;
  limits: RequestLimits;
}

const NEVER_FROM_ARGV =
  'the value is never taken from the command line (shell history and the process list keep it): run `struere-secrets set KEY` and type it, or pipe it on stdin';

/**
 * `set KEY [DIR]`: the operand. A second word that is not a folder is most likely the value itself, so it is
 * refused without being repeated, and so is `KEY=VALUE`.
 */
export const KEY_AND_DIR: Operand<{ key: string; dir: string }> = {
  usage: 'KEY [DIR]',
  take: (positionals) => {
    const [key, dir, ...rest] = positionals;
    if (key === undefined) throw new CliUsageError('set needs the KEY to set');
    if (key.includes('=')) throw new CliUsageError(`KEY=VALUE given: ${NEVER_FROM_ARGV}`);
    if (rest.length > 0) throw new CliUsageError(`set takes a KEY and at most one folder; ${NEVER_FROM_ARGV}`);
    if (!isValidKey(key))
      throw new CliUsageError(`${describeInvalidName(key)} cannot be a secret name: use letters, digits and _`);
    return { key, dir: dir ?? '.' };
  },
};

/**
 * Sets one secret without the value touching argv or the screen: to the platform (one upsert with the
 * environment's API key, the same rules as the editor's Set Secret…) or, with --local, into the project's env
 * file through the safe writer. The value is never printed, nor its length.
 */
export async function runSet(options: SetOptions, io: CliIo, input: SetInput): Promise<number> {
  const environment = oneOf<WritableEnvironment>('env', options.env, WRITABLE_ENVIRONMENTS, 'development');
  const projectRoot = await projectRootOf(options.dir);
  const where = options.local ? ENV_FILE_NAMES[environment] : `${environment} on the platform`;
  const value = await input.readValue(`Value for ${options.key} (${where}; typing is not shown): `);
  if (value === undefined || value === '') {
    io.err('struere-secrets: no value given (stdin was empty or closed); nothing was set');
    return 2;
  }
  return options.local
    ? setLocal(options, environment, projectRoot, value, io)
    : setRemote(options, environment, projectRoot, value, io, input);
}

async function projectRootOf(dir: string): Promise<string> {
  const root = path.resolve(dir);
  const stat = await fs.stat(root).catch(() => undefined);
  // The word after KEY is not repeated: when it is not a folder, it is most likely the value itself.
  if (!stat?.isDirectory()) throw new CliUsageError(`the word after KEY is not a folder; ${NEVER_FROM_ARGV}`);
  const manifest = await fs.stat(path.join(root, PROJECT_MANIFEST)).catch(() => undefined);
  if (!manifest?.isFile())
    throw new CliUsageError(`the folder given is not a Struere project (no ${PROJECT_MANIFEST})`);
  return root;
}

async function setLocal(
  options: SetOptions,
  environment: WritableEnvironment,
  projectRoot: string,
  value: string,
  io: CliIo,
): Promise<number> {
  const fileName = ENV_FILE_NAMES[environment];
  const filePath = path.join(projectRoot, fileName);
  let outcome: LocalSecretOutcome;
  try {
    outcome = await writeLocalSecret(projectRoot, environment, options.key, value, options.replace);
  } catch (error) {
    if (!(error instanceof RefusedWriteError)) throw error;
    io.err(`struere-secrets: ${escapeName(fileName)} not written: ${error.reason}`);
    return 1;
  }
  if (outcome === 'already-defined') {
    io.err(
      `struere-secrets: ${fileName} already defines ${options.key}; --replace to change its value. Nothing was written`,
    );
    return 1;
  }
  if (outcome === 'unquotable') {
    io.err(`struere-secrets: no quoting lets dotenv read the value back exactly in ${fileName}; nothing was written`);
    return 1;
  }
  io.out(`${outcome} ${options.key} in ${fileName} (the value is not shown)`);
  if ((await isGitIgnored(filePath)) === false)
    io.err(`struere-secrets: warning: git would commit ${fileName}; add it to .gitignore`);
  return 0;
}

async function setRemote(
  options: SetOptions,
  environment: WritableEnvironment,
  projectRoot: string,
  value: string,
  io: CliIo,
  input: SetInput,
): Promise<number> {
  const api = apiSettingsFrom(io.env);
  const apiKey = api.syncKey(environment);
  if (apiKey === undefined) {
    io.err(`struere-secrets: no API key for ${environment}: set ${API_KEY_VARIABLES[environment]}; nothing was sent`);
    return 1;
  }
  if (environment === 'production' && !options.yes) {
    const answer = await input.confirm(`Write ${options.key} to production? [y/N]`);
    if (answer !== true) {
      io.err(
        answer === undefined
          ? 'struere-secrets: writing production needs --yes or an answer at a terminal; nothing was sent'
          : 'struere-secrets: not confirmed; nothing was sent',
      );
      return 1;
    }
  }
  try {
    const result = await setOneSecret({
      apiUrl: api.apiUrl,
      apiKey,
      environment,
      key: options.key,
      value,
      ...clientOptionsOf(options.limits),
      ...(io.signal ? { signal: io.signal } : {}),
      // The project's sync journal records the write, so a later sync does not take it for a rotation.
      projectRoot,
    });
    if (result.journalProblem) io.err(`struere-secrets: warning: ${result.journalProblem}`);
    const mirrored = result.mirrored.length > 0 ? ` (+ ${result.mirrored.join(', ')})` : '';
    io.out(`${result.outcome} ${options.key} in ${result.target}${mirrored} (the value is not shown)`);
    return 0;
  } catch (error) {
    const reason = error instanceof SetSecretRefusedError ? error.message : describeApiError(error);
    io.err(`struere-secrets: ${options.key} was not set: ${reason}`);
    return 1;
  }
}
