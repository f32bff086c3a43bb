import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';

/**
 * The git hooks as a user sets them up, shared by the plain-hook test (test/cli/preCommit.test.ts, in `npm test`)
 * and the pre-commit framework suite (test/hooks/, `npm run test:hooks`): the CLI installed from its packed
 * tarball, each hook in a temp git repository where a commit with an error is stopped and a clean one goes through.
 */

export const ROOT = path.resolve(__dirname, '../..');

export interface HookWork {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
}

export function sh(work: HookWork, command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, env: work.env, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export function must(work: HookWork, command: string, args: string[], cwd: string): string {
  const result = sh(work, command, args, cwd);
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.output}`);
  return result.output;
}

/** A temp folder with the CLI installed from its tarball, on the PATH of `env`; removed after the file's tests. */
export function hookWork(): HookWork {
  const work = { dir: '', env: {} as NodeJS.ProcessEnv };
  before(() => {
    work.dir = mkdtempSync(path.join(tmpdir(), 'struere-hooks-'));
    const prefix = path.join(work.dir, 'npm-global');
    work.env = {
      ...process.env,
      PATH: `${path.join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
      npm_config_prefix: prefix,
      npm_config_update_notifier: 'false',
      PRE_COMMIT_HOME: path.join(work.dir, 'pre-commit-cache'),
      GIT_CONFIG_GLOBAL: path.join(work.dir, 'gitconfig'),
      GIT_CONFIG_NOSYSTEM: '1',
    };
    writeFileSync(
      work.env.GIT_CONFIG_GLOBAL!,
      '[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n',
    );
    const artifacts = path.join(work.dir, 'artifacts');
    must(work, process.execPath, [path.join(ROOT, 'scripts/packCli.mjs'), '--out', artifacts], ROOT);
    must(
      work,
      'npm',
      ['install', '--global', '--offline', '--no-audit', '--no-fund', path.join(artifacts, readdirSync(artifacts)[0]!)],
      work.dir,
    );
  });
  after(() => rmSync(work.dir, { recursive: true, force: true }));
  return work;
}

/** A git repository with a Struere project whose env files are ignored, with a hook installed by `install`. */
function repository(work: HookWork, name: string, install: (dir: string) => void): string {
  const dir = path.join(work.dir, name);
  mkdirSync(path.join(dir, 'prompts'), { recursive: true });
  writeFileSync(path.join(dir, 'struere.json'), '{}\n');
  writeFileSync(path.join(dir, '.gitignore'), '.env.development\n.env.production\n');
  writeFileSync(path.join(dir, '.env.development'), 'A=1\n');
  writeFileSync(path.join(dir, 'prompts/p.md'), 'Hello {{secrets.A}}\n');
  must(work, 'git', ['init', '-q'], dir);
  install(dir);
  return dir;
}

/** Credential-like (isCredentialLike): a live key in an env file. Never printed by the hook. */
const LIVE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';

/**
 * What a commit must stop, one row each: a file, its content, the code the hook names; `force` stages it with
 * `git add -f` past .gitignore, as someone committing an ignored env file on purpose or by mistake would.
 */
const BLOCKED: { file: string; content: string; code: string; force?: boolean }[] = [
  { file: '.env.example', content: 'A=\n1BAD=\n', code: 'invalid-key' },
  { file: '.env.example', content: 'A=\nthis line sets nothing\n', code: 'malformed-line' },
  { file: 'prompts/p.md', content: 'Hello {{secrets.9lives}}\n', code: 'invalid-reference' },
  { file: '.env.development', content: `A=1\nTOKEN=${LIVE}\n`, code: 'not-gitignored', force: true },
];

/** Stages `file` in a repository with the hook and commits: blocked rows fail naming the code, clean ones pass. */
function commits(work: HookWork, dir: string, file: string, content: string, force = false) {
  writeFileSync(path.join(dir, file), content);
  if (force) must(work, 'git', ['add', '-f', file], dir);
  must(work, 'git', ['add', '--all'], dir);
  return sh(work, 'git', ['commit', '-qm', `change ${file}`], dir);
}

export function hookCases(work: HookWork, label: string, install: (dir: string) => void): void {
  for (const [index, row] of BLOCKED.entries()) {
    void test(`${label}: a commit with ${row.code} in ${row.file} is stopped`, () => {
      const dir = repository(work, `${label.replace(/\W+/g, '-')}-blocked-${index}`, install);
      const result = commits(work, dir, row.file, row.content, row.force);
      assert.notEqual(result.status, 0, result.output);
      assert.match(result.output, new RegExp(`\\b${row.code}\\b`));
      assert.doesNotMatch(result.output, new RegExp(LIVE));
      assert.equal(sh(work, 'git', ['rev-parse', '--verify', '-q', 'HEAD'], dir).status, 1, 'a commit was made');
    });
  }
  void test(`${label}: a clean commit passes (warnings do not block) and a file outside the project is fine`, () => {
    const dir = repository(work, `${label.replace(/\W+/g, '-')}-clean`, install);
    writeFileSync(path.join(dir, 'README.md'), 'notes\n');
    const result = commits(work, dir, '.env.example', 'A=\n');
    assert.equal(result.status, 0, result.output);
    const warned = commits(work, dir, 'prompts/p.md', 'Hello {{secrets.A}} {{secrets.NOT_SET}}\n');
    assert.equal(warned.status, 0, warned.output);
    // Control for the force-added row: an env file without credential-like values does not block.
    const plain = commits(work, dir, '.env.production', 'PORT=3000\n', true);
    assert.equal(plain.status, 0, plain.output);
    assert.equal(must(work, 'git', ['rev-list', '--count', 'HEAD'], dir).trim(), '3');
  });
}
