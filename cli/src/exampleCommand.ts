import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_FILE_NAME, exampleFileOf, exampleSources, updateExampleText } from '../../engine/core/envExample';
import { DEFAULT_SETTINGS } from '../../engine/core/settings';
import { WorkspaceHost, uriToPath } from '../../engine/host/workspaceHost';
import { compareCodeUnits } from '../../engine/sync/syncPlan';
import { CliUsageError, type CliIo } from './io';

export interface ExampleOptions {
  dir: string;
}

/**
 * `example`: creates or updates `.env.example` in every project under DIR from its `.env.development` and
 * `.env.production` — names only (updateExampleText). Prints what it did per project, naming keys, never values.
 * Exit 0 when every project's template could be written, 1 otherwise.
 */
export async function runExample(options: ExampleOptions, io: CliIo): Promise<number> {
  const root = path.resolve(options.dir);
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new CliUsageError(`${options.dir} is not a folder`);
  const host = new WorkspaceHost(DEFAULT_SETTINGS);
  await host.loadFolder(root);
  const projects = host.index.allProjects();
  if (projects.length === 0) {
    io.err(`struere-secrets: no Struere project (struere.json) under ${options.dir}`);
    return 1;
  }
  let failed = false;
  const labelled = projects.map((project) => {
    const projectRoot = uriToPath(project.rootUri);
    return { project, projectRoot, label: path.relative(root, path.join(projectRoot, EXAMPLE_FILE_NAME)) };
  });
  for (const { project, projectRoot, label } of labelled.sort((a, b) => compareCodeUnits(a.label, b.label))) {
    const name = label.split(path.sep).join('/');
    const existing = exampleFileOf(project);
    const sources = exampleSources(project);
    const skipped = [existing, ...sources].find((file) => file?.skippedBytes !== undefined);
    if (skipped) {
      io.err(`struere-secrets: ${name} not written: ${skipped.fileName} is over the size limit and was not read`);
      failed = true;
      continue;
    }
    if (sources.length === 0) {
      io.out(`${name}: nothing to describe (no .env.development or .env.production)`);
      continue;
    }
    const update = updateExampleText(existing, sources, project.envFiles.values());
    if (update.added.length === 0) {
      io.out(`${name} is up to date (${existing?.keys.size ?? 0} keys)`);
      continue;
    }
    await fs.writeFile(path.join(projectRoot, EXAMPLE_FILE_NAME), update.text);
    io.out(`${existing ? 'updated' : 'created'} ${name}: added ${update.added.join(', ')} (names only, no values)`);
  }
  return failed ? 1 : 0;
}
