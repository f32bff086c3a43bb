import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  ENVIRONMENTS,
  isEnvironment,
  isValidKey,
  type Environment,
  type RemoteNamesByEnvironment,
  type SecretsService,
} from '../core';
import { relativeWithin } from '../host';

/**
 * What the AI agent tools share, whichever front end serves them (`struere-secrets mcp`, the editor's language
 * model tools): their names, input limits, and how an answer or a refusal looks. Every answer is built from names,
 * states, codes and paths; none carries a value, its length, a prefix or a hash.
 */

/** The tool names are a contract (README "AI agents"): the MCP server and package.json use exactly these. */
export const AGENT_TOOL_NAMES = ['secrets_status', 'secrets_check', 'secrets_request', 'secrets_plan'] as const;
export type AgentToolName = (typeof AGENT_TOOL_NAMES)[number];

/** Bounds on what an agent may pass; beyond them an argument is refused, not truncated. */
export const AGENT_INPUT_LIMITS = { path: 4096, paths: 256, key: 256, reason: 2000 } as const;

/** A tool's answer: text for the model, the same facts structured. */
export interface AgentAnswer {
  readonly text: string;
  readonly structured: Record<string, unknown>;
}

/**
 * The editor's buffers with unsaved changes, by file URI (as the index names files): an agent beside the editor
 * is answered from what the human sees, as the language server answers, not from the disk. The CLI has none.
 */
export type UnsavedBuffers = ReadonlyMap<string, string>;

export const NO_UNSAVED_BUFFERS: UnsavedBuffers = new Map();

/** What a tool refuses (a path outside the workspace, a bad key): an error for the agent to read, not a crash. */
export class AgentToolRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentToolRefusal';
  }
}

/**
 * Fills the remote name lists of every project the service holds, as the front end's API keys allow (never
 * throws: a failure is an unknown state with its reason), and says which lists each project got.
 */
export type FillRemoteNames = (service: SecretsService) => Promise<(projectUri: string) => RemoteNamesByEnvironment>;

/** A request for a secret, checked: the key is a valid name, the environment one of ours, the reason bounded. */
export interface SecretRequest {
  readonly key: string;
  readonly environment: Environment;
  readonly reason: string;
}

/**
 * Checks `secrets_request`'s arguments whatever their types. A key that fails the pattern may be a pasted value:
 * it is described, never repeated.
 */
export function checkSecretRequest(input: unknown): SecretRequest {
  const args = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const { key, environment, reason } = args;
  if (typeof key !== 'string' || key.length > AGENT_INPUT_LIMITS.key || !isValidKey(key))
    throw new AgentToolRefusal(
      'the key is not a valid secret name (it must match ^[A-Za-z_][A-Za-z0-9_]*$); it is not repeated here in case it is a value. Pass the name of the secret, never its value.',
    );
  if (!isEnvironment(environment))
    throw new AgentToolRefusal(`the environment must be one of ${ENVIRONMENTS.join(', ')}`);
  if (typeof reason !== 'string' || reason.length > AGENT_INPUT_LIMITS.reason)
    throw new AgentToolRefusal(`the reason must be text of at most ${AGENT_INPUT_LIMITS.reason} characters`);
  return { key, environment, reason };
}

/** An optional environment argument: absent means `fallback`; anything but one of `allowed` is refused. */
export function environmentArgument<E extends string>(value: unknown, allowed: readonly E[], fallback: E): E {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as E;
  throw new AgentToolRefusal(`the environment must be one of ${allowed.join(', ')}`);
}

/**
 * `given` (relative to `root`, or absolute) as a real path inside `root`. Links are resolved first, so a link
 * inside the workspace to a file elsewhere is outside too.
 */
export async function insideRoot(root: string, given: string): Promise<string> {
  const real = await fs.realpath(path.resolve(root, given)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new AgentToolRefusal(`${given} does not exist`);
    throw error;
  });
  if (!isWithin(real, root)) throw new AgentToolRefusal(`${given} is outside the workspace (${root}): not checked`);
  return real;
}

/** `target` is `folder` or below it. */
export function isWithin(target: string, folder: string): boolean {
  return relativeWithin(folder, target) !== undefined;
}

/** `target` relative to `root`, '/'-separated; '.' for `root` itself. */
export function relativePath(root: string, target: string): string {
  return path.relative(root, target).split(path.sep).join('/') || '.';
}
