import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { type EnvGitStatus, isTemplateEnvFile } from '../core';
import { envLinkTarget } from './envFileVerdict';
import { GitIndexCache } from './gitIndex';
import {
  isIgnoredByPatterns,
  prepareGitignore,
  refusedReason,
  type PreparedGitignore,
  type PreparedGitignoreFile,
} from '../core';
import { isMissing, readTextFile } from './readText';
import { toPosix } from './discover';

/**
 * What git does with a file, with no git binary: whether its index holds the file (read from the index file
 * itself, see gitIndex.ts) and whether the .gitignore files from the repository root down to the file's folder and
 * .git/info/exclude ignore it. Without a readable index, nothing counts as tracked. A .gitignore that is
 * not a regular readable file counts as absent and is passed to `onUnreadable` to be reported, and so is one
 * whose patterns are too costly to match at a path's depth (see gitignorePatterns.ts).
 *
 * One reader serves one pass over many files: each folder's repository root and each ignore file are looked
 * up once, so a chain of nested projects costs file-system calls linear in its depth, not quadratic. The index
 * cache outlives the pass (its owner passes one in): an index is parsed again only when it changed.
 */
export class GitStatusReader {
  private readonly roots = new Map<string, Promise<string | undefined>>();
  private readonly ignoreFiles = new Map<string, Promise<PreparedGitignore | undefined>>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly onUnreadable: (path: string, reason: string) => void = () => undefined,
    private readonly indexes: GitIndexCache = new GitIndexCache(),
  ) {}

  /**
   * An env file's status: undefined when the question does not apply (no repository above it, or a template such
   * as .env.example that is meant to be committed). A link inside `projectRoot` is judged by the file it leads to.
   */
  async envFileStatus(filePath: string, projectRoot?: string): Promise<EnvGitStatus | undefined> {
    if (isTemplateEnvFile(path.basename(filePath))) return this.templateStatus(filePath);
    const linkTarget = projectRoot === undefined ? undefined : envLinkTarget(filePath, projectRoot);
    const judged = linkTarget === undefined ? filePath : path.join(projectRoot!, ...linkTarget.split('/'));
    const status = await this.status(judged);
    if (status === undefined) return undefined;
    return linkTarget === undefined ? status : { ...status, linkTarget };
  }

  /**
   * A template is meant to be committed, so the only question is the opposite one: whether git would leave it out
   * (ignored and not in the index), which a broad `.env.*` rule does. A link is not followed: a template holds no
   * values, and the link's own path is what git commits.
   */
  private async templateStatus(filePath: string): Promise<EnvGitStatus | undefined> {
    const status = await this.status(filePath);
    return status === undefined ? undefined : { ...status, template: true };
  }

  /** Whether .gitignore ignores the file and git's index does not hold it (undefined: no repository, a template). */
  async isGitIgnored(filePath: string): Promise<boolean | undefined> {
    const status = await this.envFileStatus(filePath);
    return status === undefined || status.template ? undefined : status.ignored && !status.tracked;
  }

  private async status(filePath: string): Promise<{ ignored: boolean; tracked: boolean } | undefined> {
    const repositoryRoot = await this.repositoryRootOf(path.dirname(filePath));
    if (repositoryRoot === undefined) return undefined;
    const relative = toPosix(path.relative(repositoryRoot, filePath));
    const index = this.indexes.read(repositoryRoot);
    const tracked = index.kind === 'paths' && index.paths.has(relative);
    const gitignores: PreparedGitignoreFile[] = [];
    const excludePath = path.join(repositoryRoot, '.git', 'info', 'exclude');
    const exclude = await this.ignoreFile(excludePath);
    if (exclude !== undefined) gitignores.push({ path: excludePath, dir: '', prepared: exclude });
    const folders = relative.split('/').slice(0, -1);
    let dir = '';
    for (let depth = 0; depth <= folders.length; depth++) {
      if (depth > 0) dir = dir === '' ? folders[depth - 1]! : `${dir}/${folders[depth - 1]!}`;
      const ignorePath = path.join(repositoryRoot, dir, '.gitignore');
      const prepared = await this.ignoreFile(ignorePath);
      if (prepared !== undefined) gitignores.push({ path: ignorePath, dir, prepared });
    }
    const ignored = isIgnoredByPatterns(relative, gitignores, (file, lines, depth) => {
      const key = `${file.path}\0${lines.join(',')}`;
      if (this.reported.has(key)) return;
      this.reported.add(key);
      this.onUnreadable(file.path, refusedReason(lines, depth));
    });
    return { ignored, tracked };
  }

  /** The nearest folder at or above `dir` holding .git: one stat per folder, shared by everything below it. */
  private repositoryRootOf(dir: string): Promise<string | undefined> {
    let root = this.roots.get(dir);
    if (root === undefined) {
      root = (async () => {
        try {
          await fs.stat(path.join(dir, '.git'));
          return dir;
        } catch (error) {
          if (!isMissing(error)) return undefined;
        }
        const parent = path.dirname(dir);
        return parent === dir ? undefined : this.repositoryRootOf(parent);
      })();
      this.roots.set(dir, root);
    }
    return root;
  }

  private ignoreFile(file: string): Promise<PreparedGitignore | undefined> {
    let content = this.ignoreFiles.get(file);
    if (content === undefined) {
      content = readIfPresent(file, this.onUnreadable).then((text) =>
        text === undefined ? undefined : prepareGitignore(text),
      );
      this.ignoreFiles.set(file, content);
    }
    return content;
  }
}

/** One file's git status, with a reader of its own (a single refresh; passes over many files share one). */
export function isGitIgnored(
  filePath: string,
  onUnreadable: (path: string, reason: string) => void = () => undefined,
): Promise<boolean | undefined> {
  return new GitStatusReader(onUnreadable).isGitIgnored(filePath);
}

/** git reads ignore files of any size; a megabyte of patterns is already far beyond any real one. */
export const GITIGNORE_MAX_BYTES = 1024 * 1024;

async function readIfPresent(
  file: string,
  onUnreadable: (path: string, reason: string) => void,
): Promise<string | undefined> {
  const result = await readTextFile(file, GITIGNORE_MAX_BYTES, false);
  if (result.kind === 'text') return result.text;
  if (result.kind === 'unreadable') onUnreadable(file, result.reason);
  else if (result.kind === 'too-large') onUnreadable(file, `over ${GITIGNORE_MAX_BYTES / 1024} KB`);
  return undefined;
}
