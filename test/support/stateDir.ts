import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * One per-user state folder (the sync journal's) per test process, removed when the process exits: a test never
 * reads or writes the real ~/.local/state/struere-secrets. Tests that need a journal of their own make their own.
 */
let shared: string | undefined;

export function testStateDir(): string {
  if (shared === undefined) {
    const dir = mkdtempSync(path.join(tmpdir(), 'struere-state-'));
    shared = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return shared;
}

/** A fresh, empty state folder for one test. */
export function freshStateDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'struere-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// In-process syncs (engine/sync) read the folder from the environment, as the CLI and the editor do.
process.env.STRUERE_SECRETS_STATE_DIR ??= testStateDir();
