import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isIgnoredByGit, isTemplateEnvFile, type GitignoreFile } from '../core/gitignore';
import { isMissing } from './readText';
import { toPosix } from './discover';

/**
 * Whether git would ignore `filePath`: undefined when the question does not apply (no repository above it,
 * or a template such as .env.example that is meant to be committed). Reads .gitignore files from the
 * repository root down to the file's folder and .git/info/exclude; no git binary needed.
 */
export async function isGitIgnored(filePath: string): Promise<boolean | undefined> {
  if (isTemplateEnvFile(path.basename(filePath))) return undefined;
  const repositoryRoot = await findRepositoryRoot(path.dirname(filePath));
  if (repositoryRoot === undefined) return undefined;
  const relative = toPosix(path.relative(repositoryRoot, filePath));
  const gitignores: GitignoreFile[] = [];
  const exclude = await readIfPresent(path.join(repositoryRoot, '.git', 'info', 'exclude'));
  if (exclude !== undefined) gitignores.push({ dir: '', content: exclude });
  const folders = relative.split('/').slice(0, -1);
  for (let depth = 0; depth <= folders.length; depth++) {
    const dir = folders.slice(0, depth).join('/');
    const content = await readIfPresent(path.join(repositoryRoot, dir, '.gitignore'));
    if (content !== undefined) gitignores.push({ dir, content });
  }
  return isIgnoredByGit(relative, gitignores);
}

async function findRepositoryRoot(start: string): Promise<string | undefined> {
  for (let dir = start; ; dir = path.dirname(dir)) {
    try {
      await fs.stat(path.join(dir, '.git'));
      return dir;
    } catch (error) {
      if (!isMissing(error)) return undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}
