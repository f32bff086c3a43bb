import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { errorText } from '../core';

/**
 * Follows changes on disk for clients that cannot watch files for us (no dynamic didChangeWatchedFiles).
 * Events arrive in bursts (an editor's save is several); they are gathered for one tick and passed on once.
 */
export function watchFoldersOnDisk(folders: readonly string[], onChanges: (paths: string[]) => void): () => void {
  const watchers: FSWatcher[] = [];
  const pending = new Set<string>();
  let timer: NodeJS.Immediate | undefined;
  for (const folder of folders) {
    try {
      const watcher = watch(folder, { recursive: true }, (_event, fileName) => {
        if (!fileName) return;
        const segments = fileName.toString().split(path.sep);
        // Inside .git only the index matters (what git tracks or has staged: not-gitignored).
        const gitIndex = segments.at(-2) === '.git' && segments.at(-1) === 'index';
        if (segments.includes('node_modules') || (segments.includes('.git') && !gitIndex)) return;
        pending.add(path.join(folder, fileName.toString()));
        timer ??= setImmediate(() => {
          timer = undefined;
          const paths = [...pending];
          pending.clear();
          onChanges(paths);
        });
      });
      watcher.on('error', () => watcher.close());
      watchers.push(watcher);
    } catch (error) {
      // Recursive watching is unavailable on some file systems; the server still works from editor events.
      process.stderr.write(`struere: cannot watch ${folder}: ${errorText(error)}\n`);
    }
  }
  return () => {
    for (const watcher of watchers) watcher.close();
  };
}
