import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  DEFAULT_SETTINGS,
  describeRemote,
  ENV_FILE_NAMES,
  ENVIRONMENTS,
  formatPromptPreview,
  isEnvFileName,
  redactionDictionary,
  redactText,
  writableEnvironmentOf,
} from '../../engine/core';
import {
  envFileBehind,
  openSecretsService,
  pathToUri,
  PROJECT_MANIFEST,
  type ReadResult,
  readTextFile,
  uriToPath,
  WorkspaceHost,
} from '../../engine/host';
import { apiSettingsFrom } from './apiSettings';
import { CliUsageError, oneOf, type CliIo } from './io';
import { fillRemoteNames } from './remoteNames';
import { escapeName, neutralizeWorkflowCommands } from './terminalText';

export interface PreviewOptions {
  file: string;
  env: string | undefined;
}

/**
 * `preview`: what each prompt of FILE compiles to on the platform in one environment — set secrets masked,
 * unset ones as `[MISSING_SECRET:KEY]` — with "set" meaning local file ∪ remote list, as `check` and the editor
 * see it. No value is read into the output: the compiler is only told which keys are set. Exit 0 when it could
 * compile, 1 when FILE is in no project, 2 on usage (including an .env file, which holds values, not prompts).
 */
export async function runPreview(options: PreviewOptions, io: CliIo): Promise<number> {
  const environment = oneOf('env', options.env, ENVIRONMENTS, 'development');
  const file = path.resolve(options.file);
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat?.isFile()) throw new CliUsageError(`${escapeName(options.file)} is not a file`);
  if (isEnvFileName(path.basename(file)))
    throw new CliUsageError(
      `${escapeName(options.file)} is an .env file: preview compiles prompts, and never prints values`,
    );

  const projectRoot = enclosingProject(path.dirname(file));
  if (projectRoot === undefined) {
    io.err(
      `struere-secrets: ${escapeName(options.file)} is not inside a Struere project (no ${PROJECT_MANIFEST} above it)`,
    );
    return 1;
  }
  const settings = { ...DEFAULT_SETTINGS, environment };
  const host = new WorkspaceHost(settings);
  await host.loadFolder(projectRoot);
  const service = openSecretsService(host);
  service.configure(settings);
  const envFiles = host.index.allProjects().flatMap((project) => [...project.envFiles.values()]);
  const linked = await envFileBehind(
    file,
    projectRoot,
    envFiles.map((envFile) => uriToPath(envFile.uri)),
  );
  if (linked !== undefined)
    throw new CliUsageError(`${escapeName(options.file)} ${linked}: preview compiles prompts, and never prints values`);
  const read = await readTextFile(file, settings.maxFileBytes, true);
  if (read.kind !== 'text') {
    io.err(`struere-secrets: ${escapeName(options.file)} ${describeUnread(read)}`);
    return 1;
  }
  const remote = await fillRemoteNames(service, apiSettingsFrom(io.env), io, projectRoot);
  const result = service.compilePrompt(pathToUri(file), read.text);
  if (result === undefined) {
    io.err(
      `struere-secrets: ${escapeName(options.file)} is not inside a Struere project (no ${PROJECT_MANIFEST} above it)`,
    );
    return 1;
  }
  const relative = path.relative(projectRoot, file).split(path.sep).join('/');
  const preview = formatPromptPreview(result, {
    file: escapeName(`${path.basename(projectRoot)}/${relative}`),
    environment,
    setMeans: `${ENV_FILE_NAMES[writableEnvironmentOf(environment)]} ∪ the remote ${environment} list (${describeRemote(remote[environment])})`,
  });
  // A value pasted into the prompt, or reaching it any other way, is printed as [SECRET:KEY], as `redact` does.
  io.out(neutralizeWorkflowCommands(redactText(preview, redactionDictionary(envFiles))));
  return 0;
}

function describeUnread(read: Exclude<ReadResult, { kind: 'text' }>): string {
  switch (read.kind) {
    case 'missing':
      return 'is gone';
    case 'binary':
      return 'is not a text file';
    case 'too-large':
      return `is over the size limit (${read.bytes} bytes)`;
    case 'unreadable':
      return `could not be read (${read.reason})`;
  }
}

/** The nearest folder at or above `folder` holding struere.json: every file belongs to the nearest project. */
function enclosingProject(folder: string): string | undefined {
  for (let current = folder; ; current = path.dirname(current)) {
    if (existsSync(path.join(current, PROJECT_MANIFEST))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}
