import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import {
  ENV_FILE_NAMES,
  errorText,
  isEnvironment,
  isValidKey,
  sanitizeSettings,
  writableEnvironmentOf,
  type WritableEnvironment,
} from '../../engine/core';
import { pathToUri, RefusedWriteError } from '../../engine/host';
import {
  AGENT_INPUT_LIMITS,
  AgentToolRefusal,
  checkAnswer,
  checkSecretRequest,
  localSecretDefined,
  planAnswer,
  statusAnswer,
  writeLocalSecret,
  type AgentAnswer,
  type AgentToolName,
  type FillRemoteNames,
  type LocalSecretOutcome,
  type SecretRequest,
} from '../../engine/tools';
import { uploadSecret, validateSecretValueInput, type SetSecretDependencies } from './setSecretCommand';
import { dirtyFileBuffers, savedFirst, unsavedBuffer } from './unsavedBuffers';

/**
 * The agent tools of `struere-secrets mcp`, native in VS Code (Copilot's agent mode calls them): the same names,
 * input schemas (package.json `languageModelTools`) and answers (engine/tools); this file adds only VS Code's
 * transport, the API keys of SecretStorage and, for secrets_request, the password box. No answer carries a value.
 *
 * Only the native tools are registered, no MCP server definition provider: VS Code's MCP servers feed the same
 * chat, so registering both would show every tool twice. Other agents start `struere-secrets mcp` from their own
 * configuration (README "AI agents").
 */

/** What the request tool answers: the agent learns whether the human set the secret, nothing about it. */
export type RequestOutcome = 'set' | 'declined';

type Input = Record<string, unknown>;
type Prepared = vscode.PreparedToolInvocation;

interface ToolSpec {
  prepare(input: Input): Prepared;
  run(input: Input, token: vscode.CancellationToken): Promise<AgentAnswer | RequestOutcome>;
}

export function registerLanguageModelTools(api: typeof vscode, deps: SetSecretDependencies): vscode.Disposable[] {
  const { l10n } = api;
  const roots = () => workspaceRoots(api);
  // The files and severities the editor's language server uses: an agent's answer matches what the editor shows.
  const scan = () => sanitizeSettings(api.workspace.getConfiguration().get('struere'));
  const fillRemote: FillRemoteNames = async (service) => {
    const lists = new Map(
      await Promise.all(service.projects().map(async (uri) => [uri, await deps.remote.listed(uri)] as const)),
    );
    return (uri) => lists.get(uri)!;
  };
  const specs: Record<AgentToolName, ToolSpec> = {
    secrets_status: {
      prepare: () => ({ invocationMessage: l10n.t('Reading which Struere secrets are set (names only)') }),
      run: async () => {
        const buffers = await dirtyFileBuffers(api);
        return merged(await roots(), (root) => statusAnswer(root, fillRemote, scan(), buffers));
      },
    },
    secrets_check: {
      prepare: (input) => ({
        invocationMessage: l10n.t('Checking Struere secrets ({0})', shownEnvironment(input.environment)),
      }),
      run: async (input) => {
        const buffers = await dirtyFileBuffers(api);
        return merged(await roots(), (root) => checkAnswer(root, input, fillRemote, scan(), buffers));
      },
    },
    secrets_plan: {
      prepare: (input) => ({
        invocationMessage: l10n.t(
          'Planning a Struere {0} sync: a dry run, nothing is uploaded',
          shownEnvironment(input.environment),
        ),
      }),
      run: async (input) => {
        if (!api.workspace.isTrusted)
          throw new AgentToolRefusal('the workspace is not trusted, so no API key is sent: nothing was planned');
        return merged(await roots(), (root) =>
          planAnswer(root, input, {
            apiUrl: deps.settings().apiUrl,
            syncKey: async (environment, projectRoot) =>
              (await deps.keys.resolve(pathToUri(projectRoot), environment))?.apiKey,
          }),
        );
      },
    },
    secrets_request: {
      prepare: (input) => ({
        invocationMessage: l10n.t(
          'Asking you for the secret {0} ({1}); the agent gets only "set" or "declined"',
          typeof input.key === 'string' && input.key.length <= AGENT_INPUT_LIMITS.key && isValidKey(input.key)
            ? input.key
            : '?',
          shownEnvironment(input.environment),
        ),
      }),
      run: (input, token) => requestSecret(api, deps, checkSecretRequest(input), token),
    },
  };
  return (Object.keys(specs) as AgentToolName[]).map((name) =>
    api.lm.registerTool<Input>(name, {
      prepareInvocation: (options) => specs[name].prepare(inputOf(options.input)),
      invoke: async (options, token) => {
        try {
          return resultOf(api, await specs[name].run(inputOf(options.input), token));
        } catch (error) {
          // A refusal is the agent's to read; anything else is logged with its stack (names only) and reported.
          if (error instanceof AgentToolRefusal || error instanceof api.CancellationError) throw error;
          deps.log.error(`language model tool ${name} failed: ${errorText(error, { stack: true })}`);
          throw new Error(`internal error: ${errorText(error)}`);
        }
      },
    }),
  );
}

/**
 * The chat shows the invocation message before the tool has checked anything: only a known environment is named
 * (and only a valid key, above), so a value an agent passed in their place is never put on screen.
 */
function shownEnvironment(value: unknown): string {
  return value === undefined ? 'development' : isEnvironment(value) ? value : '?';
}

/** VS Code does not hold the input to the schema: anything but an object is taken as no arguments. */
function inputOf(input: unknown): Input {
  return typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Input) : {};
}

function resultOf(api: typeof vscode, answer: AgentAnswer | RequestOutcome): vscode.LanguageModelToolResult {
  if (typeof answer === 'string') return new api.LanguageModelToolResult([new api.LanguageModelTextPart(answer)]);
  return new api.LanguageModelToolResult([
    new api.LanguageModelTextPart(answer.text),
    new api.LanguageModelTextPart(JSON.stringify(answer.structured)),
  ]);
}

/** The workspace's folders on disk, links resolved (every path a tool takes must stay inside one of them). */
async function workspaceRoots(api: typeof vscode): Promise<string[]> {
  const folders = (api.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
  const roots = await Promise.all(folders.map((folder) => fs.realpath(folder.uri.fsPath)));
  if (roots.length === 0) throw new AgentToolRefusal('no folder is open in the editor');
  return roots;
}

/**
 * One answer per workspace folder. A single folder answers as `mcp` does for its DIR; several answer one section
 * each, `{ folders: [{ folder, …answer }] }`. A refusal of one folder (no project there) is the answer only when
 * every folder refuses.
 */
async function merged(roots: readonly string[], answer: (root: string) => Promise<AgentAnswer>): Promise<AgentAnswer> {
  if (roots.length === 1) return answer(roots[0]!);
  const answers: { folder: string; answer: AgentAnswer }[] = [];
  let refusal: AgentToolRefusal | undefined;
  for (const folder of roots) {
    try {
      answers.push({ folder, answer: await answer(folder) });
    } catch (error) {
      if (!(error instanceof AgentToolRefusal)) throw error;
      refusal = error;
    }
  }
  if (answers.length === 0) throw refusal!;
  return {
    text: answers.map(({ folder, answer }) => `${folder}:\n${answer.text}`).join('\n\n'),
    structured: { folders: answers.map(({ folder, answer }) => ({ folder, ...answer.structured })) },
  };
}

/**
 * secrets_request in the editor: a password box naming the key, the environment and the agent's reason; then the
 * human picks where the value goes — the project's env file (the safe writer) or the platform (Set Secret's
 * upload: prefix guard, production asks). The agent gets "set" or "declined"; the value goes nowhere else.
 */
async function requestSecret(
  api: typeof vscode,
  deps: SetSecretDependencies,
  request: SecretRequest,
  token: vscode.CancellationToken,
): Promise<RequestOutcome> {
  const { window, l10n } = api;
  const { key, environment, reason } = request;
  const target = writableEnvironmentOf(environment);
  if (deps.projects.all.length === 0) throw new AgentToolRefusal('no Struere project (struere.json) in the workspace');
  const projectUri = await deps.projects.pick(l10n.t('An AI agent asks for {0}: for which project?', key));
  if (projectUri === undefined) return 'declined';
  const value = await window.showInputBox(
    {
      title: l10n.t('Struere: an AI agent asks for {0} ({1})', key, environment),
      prompt: l10n.t('The agent says: {0}. The agent never sees the value, only whether it was set.', reason),
      password: true,
      ignoreFocusOut: true,
      // Empty is refused as in Set Secret, with words that fit here: the value may go to a file or the platform.
      validateInput: (input) =>
        input === ''
          ? l10n.t('Type or paste the value of {0}; the agent never sees it.', key)
          : validateSecretValueInput(input, l10n),
    },
    token,
  );
  if (value === undefined || token.isCancellationRequested) return 'declined';
  const projectRoot = api.Uri.parse(projectUri).fsPath;
  const destination = await pickDestination(api, projectRoot, key, target, token);
  if (destination === 'env-file') return writeToEnvFile(api, deps, projectRoot, key, target, value);
  if (destination === 'platform') {
    const apiKey = (await deps.keys.resolve(projectUri, target))?.apiKey;
    if (apiKey === undefined)
      throw new AgentToolRefusal(`no ${target} API key is set in the editor; ${key} was not set`);
    return (await uploadSecret(api, deps, { projectUri, environment, key, value, apiKey })) ? 'set' : 'declined';
  }
  return 'declined';
}

type Destination = 'env-file' | 'platform';

/** The env file always; the platform only in a trusted workspace (an untrusted one sends no API key). */
async function pickDestination(
  api: typeof vscode,
  projectRoot: string,
  key: string,
  target: WritableEnvironment,
  token: vscode.CancellationToken,
): Promise<Destination | undefined> {
  const { l10n } = api;
  const fileName = ENV_FILE_NAMES[target];
  const defined = await localSecretDefined(projectRoot, target, key);
  const unsaved = (await unsavedBuffer(api, path.join(projectRoot, fileName))) !== undefined;
  const items: (vscode.QuickPickItem & { destination: Destination })[] = [
    {
      label: l10n.t('$(file) {0}', fileName),
      description: unsaved
        ? l10n.t('has unsaved changes: you are asked to save it first')
        : defined
          ? l10n.t('replaces the value it holds')
          : l10n.t('adds the key'),
      destination: 'env-file',
    },
    ...(api.workspace.isTrusted
      ? [
          {
            label: l10n.t('$(cloud-upload) the platform ({0})', target),
            description: l10n.t('uploads with your {0} API key', target),
            destination: 'platform' as const,
          },
        ]
      : []),
  ];
  const picked = await api.window.showQuickPick(
    items,
    { title: l10n.t('Struere: where does {0} go?', key), ignoreFocusOut: true },
    token,
  );
  return picked?.destination;
}

async function writeToEnvFile(
  api: typeof vscode,
  deps: SetSecretDependencies,
  projectRoot: string,
  key: string,
  target: WritableEnvironment,
  value: string,
): Promise<RequestOutcome> {
  const { l10n } = api;
  const fileName = ENV_FILE_NAMES[target];
  const question = l10n.t('{0} has unsaved changes. Save it before {1} is written to it?', fileName, key);
  if (!(await savedFirst(api, path.join(projectRoot, fileName), question)))
    throw new AgentToolRefusal(`${fileName} has unsaved changes in the editor that were not saved; ${key} was not set`);
  let outcome: LocalSecretOutcome;
  try {
    outcome = await writeLocalSecret(projectRoot, target, key, value, true);
  } catch (error) {
    if (!(error instanceof RefusedWriteError)) throw error;
    void api.window.showErrorMessage(l10n.t('Struere: {0} not written: {1}', fileName, error.reason));
    throw new AgentToolRefusal(`${fileName} was not written (${error.reason}); ${key} was not set`);
  }
  if (outcome === 'unquotable') {
    void api.window.showErrorMessage(
      l10n.t('Struere: no quoting lets dotenv read this value back exactly; {0} was not written.', fileName),
    );
    throw new AgentToolRefusal(`${key} was not set: its value cannot be written to ${fileName} as dotenv reads it`);
  }
  deps.log.info(`request tool: ${outcome} ${key} in ${fileName} (the value is not shown)`);
  void api.window.showInformationMessage(l10n.t('Struere: {0} written to {1}.', key, fileName));
  return 'set';
}
