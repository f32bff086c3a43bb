import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { ENVIRONMENTS, errorText, formatStatusText, isValidKey, writableEnvironmentOf } from '../../engine/core';
import { pathToUri, uriToPath } from '../../engine/host';
import type { CliApiSettings } from './apiSettings';
import { diagnoseTargets } from './checkCommand';
import { resolveCheckTargets } from './checkTargets';
import { formatDiagnosticsText } from './diagnosticsReport';
import { CliUsageError, type CliIo } from './io';
import type { RequestLimits } from './requestLimits';
import { planInput, planOutput, secretsPlan } from './mcpPlan';
import { readStatus, relativePath } from './statusCommand';

/**
 * The tools of `struere-secrets mcp`. Their names are a contract (README "AI agents"). Every answer is built from
 * names, states, codes and paths: the engine's status rows and diagnostics never carry a value, and no tool
 * reads a value to answer, writes a file or uploads. Asking for a value goes to the human, out of band.
 */

export interface ToolContext {
  /** DIR with its links resolved: every path a tool takes must stay inside it. */
  readonly root: string;
  readonly api: CliApiSettings;
  /** Its `out` is stderr too: stdout carries the protocol alone. */
  readonly io: CliIo;
  readonly limits?: RequestLimits;
}

/** What a tool refuses (a path outside DIR, a bad key): an error result for the agent, not a crash. */
class ToolRefusal extends Error {}

const MAX_PATH = 4096;
const MAX_PATHS = 256;
const MAX_KEY = 256;
const MAX_REASON = 2000;

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
    () => answer(context, () => secretsStatus(context)),
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
    (args) => answer(context, () => secretsCheck(context, args)),
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
      answer(context, () => secretsPlan(context.root, context.api, args.environment ?? 'development', context.limits)),
  );
}

/** Runs a tool: a refusal or a usage error is the agent's to read; anything else is logged and reported. */
async function answer(context: ToolContext, run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ToolRefusal || error instanceof CliUsageError) return toolError(error.message);
    context.io.err(`struere-secrets mcp: ${errorText(error)}`);
    return toolError(`internal error: ${errorText(error)}`);
  }
}

function toolError(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

function result(text: string, structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

async function secretsStatus(context: ToolContext): Promise<CallToolResult> {
  const report = await readStatus(context.root, context.api, context.io, context.limits);
  if (report === undefined) throw new ToolRefusal('no Struere project (struere.json) in the workspace');
  const projects = report.projects.map((project) => {
    const projectUri = pathToUri(path.resolve(context.root, project.path));
    const keys = project.keys.map(({ key, environments }) => ({
      key,
      referencedIn: report.service
        .referencingFiles(projectUri, key)
        .map((uri) => relativePath(context.root, uriToPath(uri))),
      environments,
    }));
    return { ...project, keys };
  });
  const text = report.projects.map((project, index) =>
    [
      `${project.name} (${project.path})`,
      '',
      formatStatusText(project.keys, report.remote),
      ...referenceLines(projects[index]!.keys),
    ].join('\n'),
  );
  return result(text.join('\n\n'), { projects });
}

/** "KEY is referenced in a, b" for each referenced key: the text form of `referencedIn`. */
function referenceLines(keys: readonly { key: string; referencedIn: readonly string[] }[]): string[] {
  const referenced = keys.filter((row) => row.referencedIn.length > 0);
  if (referenced.length === 0) return [];
  return ['', 'References:', ...referenced.map((row) => `  ${row.key}: ${row.referencedIn.join(', ')}`)];
}

async function secretsCheck(
  context: ToolContext,
  args: { paths?: string[] | undefined; environment?: (typeof ENVIRONMENTS)[number] | undefined },
): Promise<CallToolResult> {
  const environment = args.environment ?? 'development';
  const given = args.paths !== undefined && args.paths.length > 0 ? args.paths : ['.'];
  const real = await Promise.all(given.map((each) => insideRoot(context.root, each)));
  const targets = await resolveCheckTargets(real);
  // DIR is loaded whole, so a folder inside a project sees its project; only the paths given are reported.
  const { root, api, io, limits } = context;
  const checked = await diagnoseTargets({ ...targets, folders: [root] }, environment, root, api, io, limits);
  // A path in no project under DIR (a file in none, or whose project lies above DIR) is refused, not skipped.
  const stray = real.filter((each) => !inAProjectOf(each, checked?.projectRoots ?? []));
  if (checked === undefined || stray.length > 0)
    throw new ToolRefusal(
      `not in a Struere project of the workspace: ${stray.map((each) => relativePath(root, each)).join(', ')}`,
    );
  const text = formatDiagnosticsText(checked.diagnostics, environment, checked.projects);
  return result(text, { environment, projects: checked.projects, diagnostics: checked.diagnostics });
}

/** Inside one of the projects, or a folder holding one. */
function inAProjectOf(target: string, projectRoots: readonly string[]): boolean {
  return projectRoots.some((projectRoot) => isWithin(target, projectRoot) || isWithin(projectRoot, target));
}

/**
 * `given` (relative to DIR, or absolute) as a real path inside DIR. Links are resolved first, so a link inside
 * DIR to a file elsewhere is outside too.
 */
async function insideRoot(root: string, given: string): Promise<string> {
  const real = await fs.realpath(path.resolve(root, given)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new ToolRefusal(`${given} does not exist`);
    throw error;
  });
  if (!isWithin(real, root)) throw new ToolRefusal(`${given} is outside the workspace (${root}): not checked`);
  return real;
}

function isWithin(target: string, folder: string): boolean {
  const relative = path.relative(folder, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function secretsRequest(
  context: ToolContext,
  args: { key: string; environment: (typeof ENVIRONMENTS)[number]; reason: string },
): Promise<CallToolResult> {
  // A name that fails the pattern may be a pasted value: it is described, never repeated.
  if (!isValidKey(args.key))
    throw new ToolRefusal(
      'the key is not a valid secret name (it must match ^[A-Za-z_][A-Za-z0-9_]*$); it is not repeated here in case it is a value. Pass the name of the secret, never its value.',
    );
  const writesTo = writableEnvironmentOf(args.environment);
  const command = `struere-secrets set ${args.key} --env ${writesTo}`;
  const editorCommand = 'Struere: Set Secret…';
  const mirror = args.environment === 'eval' ? ' (eval reads the development secrets)' : '';
  const text = [
    `Ask the human to set ${args.key} for ${writesTo}${mirror} themselves; its value must not pass through you or this chat.`,
    `In their own terminal, in the project's folder under ${context.root}, they run:`,
    `  ${command}`,
    `(it asks for the value with a hidden prompt), or in VS Code they run the command "${editorCommand}".`,
    'Nothing is waiting: call secrets_status later to see whether the key is set.',
  ].join('\n');
  return Promise.resolve(
    result(text, {
      key: args.key,
      environment: args.environment,
      writesTo,
      folder: context.root,
      command,
      editorCommand,
    }),
  );
}
