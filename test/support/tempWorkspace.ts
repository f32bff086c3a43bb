import { mkdirSync, mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** A throwaway folder with the given files ('/'-separated names); `.git` makes it a repository. */
export function tempWorkspace(
  files: Record<string, string | Buffer>,
  options: { git?: boolean } = {},
): { dir: string; write(name: string, content: string | Buffer): string; path(name: string): string; dispose(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'struere-test-'));
  const write = (name: string, content: string | Buffer) => {
    const full = path.join(dir, ...name.split('/'));
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
    return full;
  };
  if (options.git !== false) mkdirSync(path.join(dir, '.git'));
  for (const [name, content] of Object.entries(files)) write(name, content);
  return {
    dir,
    write,
    path: (name) => path.join(dir, ...name.split('/')),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh copy of the example project, so tests may edit it. */
export function copyOfExample(): { dir: string; dispose(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'struere-example-'));
  cpSync(path.resolve(__dirname, '../../examples/support-agent'), dir, { recursive: true });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
