import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_MANIFEST } from '../../engine/host';
import { CliUsageError } from './io';

/**
 * What `check PATH…` looks at. A folder: every project below it. A file: the project it belongs to (the nearest
 * struere.json above it) is loaded so its diagnostics see the whole project, but only that file is reported —
 * what a git hook needs when it passes the staged file names. Files in no project are listed, not checked.
 */
export interface CheckTargets {
  /** Folders to load: the folders given and the projects of the files given. Absolute. */
  readonly folders: readonly string[];
  /** Whether a diagnostic of this absolute path is reported. */
  includes(filePath: string): boolean;
  /** Files given that belong to no project, as given. */
  readonly outside: readonly string[];
}

export async function resolveCheckTargets(paths: readonly string[]): Promise<CheckTargets> {
  const folders = new Set<string>();
  const givenFolders: string[] = [];
  const givenFiles = new Set<string>();
  const outside: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(given);
    const stat = await fs.stat(absolute).catch(() => undefined);
    if (stat === undefined) throw new CliUsageError(`${given} does not exist`);
    if (stat.isDirectory()) {
      folders.add(absolute);
      givenFolders.push(absolute);
    } else {
      const projectRoot = await enclosingProject(absolute);
      if (projectRoot === undefined) outside.push(given);
      else {
        folders.add(projectRoot);
        givenFiles.add(absolute);
      }
    }
  }
  return {
    // A project inside a folder also given is loaded with that folder.
    folders: [...folders].filter((folder) => ![...folders].some((other) => isBelow(folder, other))),
    includes: (filePath) => givenFiles.has(filePath) || givenFolders.some((folder) => isBelow(filePath, folder)),
    outside,
  };
}

/** The nearest folder above `filePath` holding struere.json. */
async function enclosingProject(filePath: string): Promise<string | undefined> {
  for (let dir = path.dirname(filePath); ; dir = path.dirname(dir)) {
    const manifest = await fs.stat(path.join(dir, PROJECT_MANIFEST)).catch(() => undefined);
    if (manifest?.isFile()) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function isBelow(child: string, folder: string): boolean {
  return child.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
}
