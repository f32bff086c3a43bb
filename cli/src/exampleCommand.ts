import * as path from 'node:path';
import {
  compareCodeUnits,
  countOf,
  DEFAULT_SETTINGS,
  envFileState,
  EXAMPLE_FILE_NAME,
  exampleSources,
  type ProjectState,
  updateExampleText,
} from '../../engine/core';
import { pathToUri, readForUpdate, RefusedWriteError, uriToPath, writeProjectFile } from '../../engine/host';
import type { CliIo } from './io';
import { loadProjectsUnder } from './projectsUnder';
import { escapeName } from './terminalText';

export interface ExampleOptions {
  dir: string;
}

/**
 * `example`: creates or updates `.env.example` in every project under DIR from its `.env.development` and
 * `.env.production` — names only (updateExampleText). Prints what it did per project, naming keys, never values.
 * Written only through the safe writer: a link, a FIFO or a folder at `.env.example` is refused. Exit 0 when
 * every project's template could be written, 1 otherwise.
 */
export async function runExample(options: ExampleOptions, io: CliIo): Promise<number> {
  const loaded = await loadProjectsUnder(options.dir, io);
  if (loaded === undefined) return 1;
  const { root, projects } = loaded;
  let failed = false;
  const labelled = projects.map((project) => {
    const projectRoot = uriToPath(project.rootUri);
    return { project, projectRoot, label: path.relative(root, path.join(projectRoot, EXAMPLE_FILE_NAME)) };
  });
  for (const { project, projectRoot, label } of labelled.sort((a, b) => compareCodeUnits(a.label, b.label))) {
    const name = escapeName(label.split(path.sep).join('/'));
    const outcome = await updateExample(project, projectRoot);
    switch (outcome.kind) {
      case 'refused':
        io.err(`struere-secrets: ${name} not written: ${escapeName(outcome.reason)}`);
        failed = true;
        break;
      case 'nothing':
        io.out(`${name}: nothing to describe (no .env.development or .env.production)`);
        break;
      case 'no-keys':
        io.out(`${name}: not created, the env files define no keys yet`);
        break;
      case 'up-to-date':
        io.out(`${name} is up to date (${countOf(outcome.keys, 'key')})`);
        break;
      case 'written':
        io.out(
          `${outcome.created ? 'created' : 'updated'} ${name}: added ${outcome.added.map(escapeName).join(', ')} (names only, no values)`,
        );
    }
  }
  return failed ? 1 : 0;
}

type ExampleOutcome =
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'nothing' }
  | { readonly kind: 'no-keys' }
  | { readonly kind: 'up-to-date'; readonly keys: number }
  | { readonly kind: 'written'; readonly created: boolean; readonly added: readonly string[] };

/**
 * One project's template, read and written only through the safe writer: a link, a FIFO or a folder at
 * `.env.example` (a cloned repository decides what stands there) is refused before anything is read from it.
 */
async function updateExample(project: ProjectState, projectRoot: string): Promise<ExampleOutcome> {
  const examplePath = path.join(projectRoot, EXAMPLE_FILE_NAME);
  const sources = exampleSources(project);
  const skipped = sources.find((file) => file.skippedBytes !== undefined);
  if (skipped) return { kind: 'refused', reason: `${skipped.fileName} is over the size limit and was not read` };
  if (sources.length === 0) return { kind: 'nothing' };
  try {
    const read = await readForUpdate(projectRoot, examplePath, DEFAULT_SETTINGS.maxFileBytes);
    // A byte order mark is kept as it was, and parsed as editors read it: not part of the first key.
    const bom = read?.startsWith('\uFEFF') ? '\uFEFF' : '';
    const existing =
      read === undefined ? undefined : envFileState(pathToUri(examplePath), read.slice(bom.length), undefined);
    const update = updateExampleText(existing, sources, project.envFiles.values());
    // No template and nothing to put in one: an empty file would be a template that describes nothing.
    if (existing === undefined && update.added.length === 0) return { kind: 'no-keys' };
    if (update.added.length === 0) return { kind: 'up-to-date', keys: existing?.keys.size ?? 0 };
    await writeProjectFile(projectRoot, examplePath, bom + update.text);
    return { kind: 'written', created: existing === undefined, added: update.added };
  } catch (error) {
    if (error instanceof RefusedWriteError) return { kind: 'refused', reason: error.reason };
    throw error;
  }
}
