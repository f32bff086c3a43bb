import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, type ProjectState } from '../../engine/core';
import { WorkspaceHost } from '../../engine/host';
import { CliUsageError, type CliIo } from './io';

export interface LoadedProjects {
  /** DIR, absolute. */
  readonly root: string;
  readonly host: WorkspaceHost;
  readonly projects: readonly ProjectState[];
}

/**
 * The projects under DIR, read as every reader reads them (one WorkspaceHost, the default settings). DIR that is
 * not a folder is a usage error; no project under it is said on stderr and gives undefined (the command exits 1).
 */
export async function loadProjectsUnder(dir: string, io: CliIo): Promise<LoadedProjects | undefined> {
  const root = path.resolve(dir);
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new CliUsageError(`${dir} is not a folder`);
  // `agents` and `example` read names, files and agent rules, never a diagnostic: no secretlint pass over every
  // file read (the CLI host's default), which the process would wait for before exiting.
  const host = new WorkspaceHost(DEFAULT_SETTINGS, { scanAgentFilesOnRead: false });
  await host.loadFolder(root);
  const projects = host.index.allProjects();
  if (projects.length > 0) return { root, host, projects };
  io.err(`struere-secrets: no Struere project (struere.json) under ${dir}`);
  return undefined;
}
