import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { isEnvFileName } from '../core/workspaceIndex';

export const PROJECT_MANIFEST = 'struere.json';

export interface FileFilter {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

/** Compiled include/exclude globs, matched against '/'-separated paths relative to a project folder. */
export class GlobFilter {
  private readonly included: (path: string) => boolean;
  private readonly excluded: (path: string) => boolean;

  constructor(filter: FileFilter) {
    this.included = picomatch([...filter.include], { dot: true });
    this.excluded = filter.exclude.length > 0 ? picomatch([...filter.exclude], { dot: true }) : () => false;
  }

  isExcludedDir(relativeDir: string): boolean {
    // `**/node_modules/**` names the folder's contents: a folder is pruned when any child of it would be excluded.
    return relativeDir !== '' && this.excluded(`${relativeDir}/_`);
  }

  isAgentFile(relativePath: string): boolean {
    return this.included(relativePath) && !this.excluded(relativePath);
  }
}

export interface DiscoveredTree {
  /** Folders holding struere.json, absolute paths. */
  readonly projectRoots: string[];
  /** Every .env-like file and every included agent file (prompt or tool code) below the folder, absolute paths. */
  readonly envFiles: string[];
  readonly agentFiles: string[];
}

/**
 * Walks a workspace folder once, pruning excluded folders, and collects projects and candidate files.
 * Which project a file belongs to is decided afterwards (the nearest struere.json), so the walk needs none.
 */
export async function discoverTree(folder: string, filter: FileFilter): Promise<DiscoveredTree> {
  const globs = new GlobFilter(filter);
  const result: DiscoveredTree = { projectRoots: [], envFiles: [], agentFiles: [] };
  const readDir = limitConcurrency(16);
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readDir(() => fs.readdir(dir, { withFileTypes: true }));
    } catch {
      return; // a folder that vanished or cannot be read holds nothing we could scan
    }
    const subfolders: string[] = [];
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const relative = toPosix(path.relative(folder, full));
      if (entry.isDirectory()) {
        if (!globs.isExcludedDir(relative)) subfolders.push(full);
      } else if (entry.isFile()) {
        if (entry.name === PROJECT_MANIFEST) result.projectRoots.push(dir);
        else if (isEnvFileName(entry.name)) result.envFiles.push(full);
        else if (globs.isAgentFile(relative)) result.agentFiles.push(full);
      }
    }
    await Promise.all(subfolders.map(walk));
  };
  await walk(folder);
  return result;
}

/** At most `limit` calls in flight: enough to hide disk latency without opening thousands of handles. */
export function limitConcurrency(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
