import { promises as fs, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { isEnvFileName } from '../core';

/**
 * Why a file must not be compiled as a prompt (both front ends' preview), when it is an env file under another
 * name: a link whose target is an env file or lies outside the project, or the same file (device and inode) as one
 * of `envFilePaths` — a hard link. Undefined for an ordinary prompt file, and for one that is gone (the read says
 * so). The preview is redacted as well; this refuses the whole file rather than only the values long enough to
 * redact.
 */
export async function envFileBehind(
  filePath: string,
  projectRoot: string,
  envFilePaths: readonly string[],
): Promise<string | undefined> {
  let target: string;
  try {
    target = realpathSync.native(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return 'cannot be resolved';
  }
  if (isEnvFileName(path.basename(target))) return 'is a link to an .env file';
  let root: string;
  try {
    root = realpathSync.native(projectRoot);
  } catch {
    root = path.resolve(projectRoot);
  }
  if (!target.startsWith(root + path.sep)) return 'is a link to a file outside the project';
  const stat = await fs.stat(target);
  if (stat.nlink < 2) return undefined;
  for (const envFilePath of envFilePaths) {
    const envStat = await fs.stat(envFilePath).catch(() => undefined);
    if (envStat?.ino === stat.ino && envStat.dev === stat.dev)
      return `is the same file as ${path.basename(envFilePath)} (a hard link)`;
  }
  return undefined;
}
