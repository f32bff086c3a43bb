import { execFileSync } from 'node:child_process';

/**
 * Runs the real git in a repository the test made itself (never in one it did not: a repository's own config can
 * run commands). No global or system config is read, so the machine's settings change nothing.
 */
export function ownGit(dir: string, args: readonly string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_INDEX_FILE: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The paths git's own ls-files lists (staged ones included), sorted. */
export function gitListedPaths(dir: string): string[] {
  return ownGit(dir, ['ls-files', '-z']).split('\0').filter(Boolean).sort();
}
