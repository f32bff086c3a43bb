import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { ENV_FILE_NAMES, isEnvFileName } from '../core';
import { describeErrno, isMissing } from './readText';

export const PROJECT_MANIFEST = 'struere.json';

export interface FileFilter {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

/** Compiled include/exclude globs, matched against '/'-separated paths relative to a project folder. */
export class GlobFilter {
  private readonly included: (path: string) => boolean;
  private readonly excluded: (path: string) => boolean;
  /** NAME of every exclude pattern `**\/NAME/**` with a literal NAME (all the defaults: node_modules, dist, …). */
  private readonly excludedNames: ReadonlySet<string>;
  /** The other exclude patterns, which a walk must still test each file against. */
  private readonly excludedByOthers: (path: string) => boolean;

  constructor(filter: FileFilter) {
    this.included = picomatch([...filter.include], { dot: true });
    this.excluded = matcher(filter.exclude);
    const names = filter.exclude.map((pattern) => LITERAL_FOLDER_CONTENTS.exec(pattern)?.[1]);
    this.excludedNames = new Set(names.filter((name) => name !== undefined && !/^\.+$/.test(name)) as string[]);
    this.excludedByOthers = matcher(filter.exclude.filter((_, i) => !this.excludedNames.has(names[i]!)));
  }

  isExcludedDir(relativeDir: string): boolean {
    // `**/node_modules/**` names the folder's contents: a folder is pruned when any child of it would be excluded.
    return relativeDir !== '' && this.excluded(`${relativeDir}/_`);
  }

  isAgentFile(relativePath: string): boolean {
    return this.included(relativePath) && !this.excluded(relativePath);
  }

  /**
   * isAgentFile for a file of a folder the walk kept (no folder on its path `isExcludedDir`): then a pattern
   * `**\/NAME/**` excludes it only when the file itself is named NAME (picomatch lets `/**` match nothing), so only
   * the other patterns are tested. The default excludes tested per file were most of a walk's glob cost.
   */
  isAgentFileInKeptFolder(relativePath: string, name: string): boolean {
    return this.included(relativePath) && !this.excludedNames.has(name) && !this.excludedByOthers(relativePath);
  }
}

/** `**\/NAME/**` with NAME free of glob syntax: group 1 is NAME. */
const LITERAL_FOLDER_CONTENTS = /^\*\*\/([\w.-]+)\/\*\*$/;

function matcher(patterns: readonly string[]): (path: string) => boolean {
  return patterns.length > 0 ? picomatch([...patterns], { dot: true }) : () => false;
}

export interface DiscoveredTree {
  /** Folders holding struere.json, absolute paths. */
  readonly projectRoots: string[];
  /**
   * Every .env-like path and every included agent file (prompt or tool code) path below the folder, absolute paths, whatever their type:
   * the reader decides (a FIFO or a link to nothing named like an env file gets an unreadable-file verdict).
   */
  readonly envFiles: string[];
  readonly agentFiles: string[];
  /** Folders that could not be listed and paths whose names are not UTF-8: reported, never silently skipped. */
  readonly unreadable: { readonly path: string; readonly reason: string }[];
}

/**
 * Walks a workspace folder once, pruning excluded folders, and collects projects and candidate files.
 * Which project a file belongs to is decided afterwards (the nearest struere.json), so the walk needs none.
 * Links to folders are not followed (a link cycle would never end); links to files are candidates like files.
 */
export async function discoverTree(folder: string, filter: FileFilter | GlobFilter): Promise<DiscoveredTree> {
  // A long-lived caller passes its compiled globs: compiling them is a tenth of a cold 1k-file walk.
  const globs = filter instanceof GlobFilter ? filter : new GlobFilter(filter);
  const result: DiscoveredTree = { projectRoots: [], envFiles: [], agentFiles: [], unreadable: [] };
  const readDir = limitConcurrency(16);
  const walk = async (dir: string, relativeDir: string): Promise<void> => {
    let entries: Entry[];
    try {
      entries = await readDir(() => listFolder(dir));
    } catch (error) {
      if (!isMissing(error)) result.unreadable.push({ path: dir, reason: describeErrno(error) });
      return;
    }
    const subfolders: [string, string][] = [];
    for (const { entry, name, validName } of entries) {
      const full = dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
      // Built from the parent's relative path, so the cost per entry does not grow with the depth of the tree.
      const relative = relativeDir === '' ? name : `${relativeDir}/${name}`;
      const isFolder = entry.isDirectory() || (entry.isSymbolicLink() && (await isLinkToFolder(full)));
      if (isFolder && entry.isSymbolicLink()) continue;
      if (!validName) {
        // The path cannot be written as a string (nor as a URI): say so instead of reading the wrong path.
        if (isFolder ? !globs.isExcludedDir(relative) : isCandidate(name, relative, globs))
          result.unreadable.push({ path: full, reason: 'its name is not valid UTF-8' });
        continue;
      }
      if (isFolder) {
        // A folder where an environment's file belongs gets that file's verdict (not a regular file); other
        // folders named like env files (a Python virtualenv called .env) are plain folders.
        if (ENVIRONMENT_FILE_NAMES.has(name)) result.envFiles.push(full);
        if (!globs.isExcludedDir(relative)) subfolders.push([full, relative]);
      } else if (name === PROJECT_MANIFEST) result.projectRoots.push(dir);
      else if (isEnvFileName(name)) result.envFiles.push(full);
      else if (globs.isAgentFileInKeptFolder(relative, name)) result.agentFiles.push(full);
    }
    await Promise.all(subfolders.map(([full, relative]) => walk(full, relative)));
  };
  await walk(folder, '');
  return result;
}

interface Entry {
  readonly entry: Pick<Dirent, 'isDirectory' | 'isSymbolicLink'>;
  readonly name: string;
  /** False when the name's bytes are not UTF-8: the string holds U+FFFD where they were. */
  readonly validName: boolean;
}

/**
 * A folder's entries with string names: names as Buffers cost an allocation each (a third of a 10k-file walk).
 * A name that is not UTF-8 decodes with U+FFFD in it; only a folder holding such a name is listed again as bytes
 * to tell it from a name that really contains U+FFFD.
 */
async function listFolder(dir: string): Promise<Entry[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  if (!entries.some((entry) => entry.name.includes('\uFFFD')))
    return entries.map((entry) => ({ entry, name: entry.name, validName: true }));
  const raw = await fs.readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  return raw.map((entry) => {
    const name = entry.name.toString('utf8');
    return { entry, name, validName: Buffer.from(name, 'utf8').equals(entry.name) };
  });
}

const ENVIRONMENT_FILE_NAMES: ReadonlySet<string> = new Set(Object.values(ENV_FILE_NAMES));

function isCandidate(name: string, relative: string, globs: GlobFilter): boolean {
  return name === PROJECT_MANIFEST || isEnvFileName(name) || globs.isAgentFile(relative);
}

async function isLinkToFolder(linkPath: string): Promise<boolean> {
  try {
    return (await fs.stat(linkPath)).isDirectory();
  } catch {
    // A link to nothing is not a folder; named like a file we scan, its reader reports it.
    return false;
  }
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
