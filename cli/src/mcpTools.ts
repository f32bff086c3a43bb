import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { ENVIRONMENTS, errorText, WRITABLE_ENVIRONMENTS, writableEnvironmentOf } from '../../engine/core';
import {
  AGENT_INPUT_LIMITS,
  AgentToolRefusal,
  checkAnswer,
  checkSecretRequest,
  planAnswer,
  statusAnswer,
  type AgentAnswer,
  type FillRemoteNames,
} from '../../engine/tools';
import type { CliApiSettings } from './apiSettings';
import { CliUsageError, type CliIo } from './io';
import { fillRemoteNames } from './remoteNames';
import { clientOptionsOf, type RequestLimits } from './requestLimits';

/**
 * The tools of `struere-secrets mcp`: the MCP transport of engine/tools, whose answers the editor's language model
 * tools share. Their names are a contract (README "AI agents"), as are their input schemas (package.json's
 * `languageModelTools` declares the same; test/cli/mcpSchemas.test.ts compares them). No tool reads a value to
 * answer, writes a file or uploads. Asking for a value goes to the human, out of band.
 */

export interface ToolContext {
  /** DIR with its links resolved: every path a tool takes must stay inside it. */
  readonly root: string;
  readonly api: CliApiSettings;
  /** Its `out` is stderr too: stdout carries the protocol alone. */
  readonly io: CliIo;
  readonly limits?: RequestLimits;
}

const { path: MAX_PATH, paths: MAX_PATHS, key: MAX_KEY, reason: MAX_REASON } = AGENT_INPUT_LIMITS;

const remoteListSchema = z.object({
  state: z.enum(['fresh', 'stale', 'unknown']),
  reason: z.string().optional(),
  count: z.number().optional(),
});
const statusCellSchema = z.object({ local: z.boolean(), remote: z.enum(['yes', 'no', 'unknown']) });
const statusOutput = {
  projects: z.array(
    z.object({
      path: z.string(),
      name: z.string(),
      remote: z.record(z.string(), remoteListSchema),
      keys: z.array(
        z.object({
          key: z.string(),
          referencedIn: z.array(z.string()),
          environments: z.record(z.string(), statusCellSchema),
        }),
      ),
    }),
  ),
};

const diagnosticSchema = z.object({
  file: z.string(),
  line: z.number(),
  column: z.number(),
  endLine: z.number(),
  endColumn: z.number(),
  severity: z.enum(['error', 'warning', 'information', 'hint']),
  code: z.string(),
  message: z.string(),
});
const checkInput = {
  paths: z
    .array(z.string().min(1).max(MAX_PATH))
    .max(MAX_PATHS)
    .optional()
    .describe('Files or folders inside the workspace, relative to it; default: the whole workspace'),
  environment: z.enum(ENVIRONMENTS).optional().describe('Environment for missing-secret checks; default development'),
};
const checkOutput = { environment: z.enum(ENVIRONMENTS), projects: z.number(), diagnostics: z.array(diagnosticSchema) };

const requestInput = {
  key: z.string().max(MAX_KEY).describe('The secret name, e.g. OPENAI_API_KEY: a name, never a value'),
  environment: z.enum(ENVIRONMENTS).describe('Where the secret is needed; eval reads the development file'),
  reason: z.string().max(MAX_REASON).describe('Why the agent needs it, for the human to judge'),
};
const requestOutput = {
  key: z.string(),
  environment: z.enum(ENVIRONMENTS),
  writesTo: z.enum(['development', 'production']),
  folder: z.string(),
  command: z.string(),
  editorCommand: z.string(),
};

const planInput = {
  environment: z
    .enum(WRITABLE_ENVIRONMENTS)
    .optional()
    .describe('development (a sync, mirrored to eval) or production (a deploy); default development'),
};
const projectPlanSchema = z.object({
  path: z.string(),
  outcome: z.enum(['planned', 'refused', 'list-failed']),
  reason: z.string().optional(),
  create: z.array(z.string()).optional(),
  update: z.array(z.string()).optional(),
  remoteOnly: z.array(z.string()).optional(),
  misread: z.array(z.string()).optional(),
  unchanged: z.array(z.string()).optional(),
  kept: z.array(z.string()).optional(),
  conflict: z.array(z.string()).optional(),
  unverified: z.array(z.string()).optional(),
});
const planOutput = { environment: z.enum(WRITABLE_ENVIRONMENTS), projects: z.array(projectPlanSchema) };

export function registerSecretsTools(server: McpServer, context: ToolContext): void {
  server.registerTool(
    'secrets_status',
    {
      title: 'Secrets status',
      description:
        'Keys × environments (development, production, eval) of every Struere project in the workspace: whether each key is set in the local env file, on the platform (or unknown without an API key), and which files reference it. Names, states and paths only; never a value.',
      outputSchema: statusOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () => answer(context, () => statusAnswer(context.root, remoteNamesOf(context))),
  );
  server.registerTool(
    'secrets_check',
    {
      title: 'Check secrets',
      description:
        'The diagnostics of `struere-secrets check`: invalid or duplicate keys, missing secrets referenced by prompts and tools, env files git would commit, leaked values. Optionally for some files or folders and an environment. Codes, positions and messages; never a value.',
      inputSchema: checkInput,
      outputSchema: checkOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => answer(context, () => checkAnswer(context.root, args, remoteNamesOf(context))),
  );
  server.registerTool(
    'secrets_request',
    {
      title: 'Request a secret from the human',
      description:
        'Asks the human to set a secret themselves, so its value never passes through the agent. Answers at once with what the human should do; it does not wait and returns no value. Never ask the human to paste a value into the chat.',
      inputSchema: requestInput,
      outputSchema: requestOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => answer(context, () => secretsRequest(context, args)),
  );
  server.registerTool(
    'secrets_plan',
    {
      title: 'Plan a sync (dry run)',
      description:
        'What `struere-secrets sync` (development) or a deploy (production) would do for each project: the keys it would create and update, the platform keys it keeps, or why it would be refused. A dry run: nothing is uploaded. Names and counts only; never a value.',
      inputSchema: planInput,
      outputSchema: planOutput,
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    (args) =>
      answer(context, () =>
        planAnswer(context.root, args, {
          apiUrl: context.api.apiUrl,
          syncKey: (environment) => Promise.resolve(context.api.syncKey(environment)),
          clientOptions: clientOptionsOf(context.limits),
        }),
      ),
  );
}

/** Runs a tool: a refusal or a usage error is the agent's to read; anything else is logged and reported. */
async function answer(context: ToolContext, run: () => Promise<AgentAnswer>): Promise<CallToolResult> {
  try {
    const { text, structured } = await run();
    return { content: [{ type: 'text', text }], structuredContent: structured };
  } catch (error) {
    if (error instanceof AgentToolRefusal || error instanceof CliUsageError) return toolError(error.message);
    context.io.err(`struere-secrets mcp: ${errorText(error)}`);
    return toolError(`internal error: ${errorText(error)}`);
  }
}

function toolError(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** The API settings' listing keys fill every project's lists: the API scopes names by key, not by project. */
function remoteNamesOf(context: ToolContext): FillRemoteNames {
  return async (service) => {
    const lists = await fillRemoteNames(service, context.api, context.io, context.root, context.limits);
    return () => lists;
  };
}

/**
 * The MCP client cannot show a password box of ours, so the answer says at once what the human should do; the
 * editor's own request tool asks in the editor instead.
 */
function secretsRequest(context: ToolContext, input: unknown): Promise<AgentAnswer> {
  const request = checkSecretRequest(input);
  const writesTo = writableEnvironmentOf(request.environment);
  const command = `struere-secrets set ${request.key} --env ${writesTo}`;
  const editorCommand = 'Struere: Set Secret…';
  const mirror = request.environment === 'eval' ? ' (eval reads the development secrets)' : '';
  const text = [
    `Ask the human to set ${request.key} for ${writesTo}${mirror} themselves; its value must not pass through you or this chat.`,
    `In their own terminal, in the project's folder under ${context.root}, they run:`,
    `  ${command}`,
    `(it asks for the value with a hidden prompt), or in VS Code they run the command "${editorCommand}".`,
    'Nothing is waiting: call secrets_status later to see whether the key is set.',
  ].join('\n');
  return Promise.resolve({
    text,
    structured: {
      key: request.key,
      environment: request.environment,
      writesTo,
      folder: context.root,
      command,
      editorCommand,
    },
  });
}
