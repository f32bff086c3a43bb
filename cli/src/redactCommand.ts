import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createRedactor, DEFAULT_SETTINGS, redactionDictionary, WorkspaceIndex } from '../../engine/core';
import { discoverTree, pathToUri, readEnvFile, uriToPath } from '../../engine/host';
import { CliUsageError, type CliIo } from './io';
import { escapeName } from './terminalText';

/** Raw streams for `redact`: bytes in, text out, with the output's backpressure honoured. */
export interface RedactStreams {
  readonly input: AsyncIterable<Uint8Array | string>;
  write(text: string): Promise<void>;
}

/**
 * The process's own stdin/stdout, waiting on stdout's drain so a slow reader bounds memory. The stream is the
 * user's own text passed through (only env values replaced), so it is not escaped like reports.
 */
export function stdioStreams(): RedactStreams {
  return {
    input: process.stdin,
    write: (text: string) =>
      new Promise<void>((resolve, reject) =>
        process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
      ),
  };
}

/**
 * `redact [DIR]`: stdin → stdout with every value (≥ 6 characters) of the env files of the projects under DIR
 * replaced by `[SECRET:KEY]`. Streaming: the redactor holds back at most the longest value's length of
 * undecided text, so a value split across chunks is caught and memory stays bounded however long the stream.
 */
export async function runRedact(dir: string, io: CliIo, streams: RedactStreams): Promise<number> {
  const root = path.resolve(dir);
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new CliUsageError(`${dir} is not a folder`);
  const index = await loadEnvFiles(root, io);
  if (index.allProjects().length === 0) {
    io.err(`struere-secrets: no Struere project (struere.json) under ${dir}`);
    return 1;
  }
  const dictionary = redactionDictionary(index.allProjects().flatMap((project) => [...project.envFiles.values()]));
  const redactor = createRedactor(dictionary);
  // Decodes UTF-8 across chunk boundaries: a multi-byte character split between two reads stays whole.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of streams.input) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk));
    const settled = redactor.write(text);
    if (settled.length > 0) await streams.write(settled);
  }
  const rest = redactor.write(decoder.end()) + redactor.end();
  if (rest.length > 0) await streams.write(rest);
  return 0;
}

/** Only the env files: redact and run need no agent file, and must start fast in a pipe. */
export async function loadEnvFiles(root: string, io: CliIo): Promise<WorkspaceIndex> {
  const tree = await discoverTree(root, DEFAULT_SETTINGS);
  const index = new WorkspaceIndex();
  for (const projectRoot of tree.projectRoots) index.addProject(pathToUri(projectRoot));
  for (const file of tree.envFiles) {
    const project = index.projectOf(pathToUri(file));
    if (!project) continue;
    // The same verdict as every other reader (size limit, regular files only, no link out of the project).
    const result = await readEnvFile(file, uriToPath(project.rootUri), DEFAULT_SETTINGS.maxFileBytes);
    if (result.kind === 'text') index.setEnvFile(pathToUri(file), result.text);
    else if (result.kind !== 'missing')
      io.err(
        `struere-secrets: ${escapeName(path.relative(root, file))} was not read (${result.kind === 'unreadable' ? result.reason : result.kind}): its values are not redacted`,
      );
  }
  return index;
}
