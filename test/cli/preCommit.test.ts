import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, after, test } from 'node:test';

// The git hooks as a user sets them up: the CLI installed from its packed tarball, the real `pre-commit` (Debian's
// package) reading this repository's .pre-commit-hooks.yaml, and the plain .git/hooks/pre-commit of the README;
// each in a temp git repository where a commit with an error is stopped and a clean one goes through.

const ROOT = path.resolve(__dirname, '../..');
let work: string;
let env: NodeJS.ProcessEnv;

function sh(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function must(command: string, args: string[], cwd: string): string {
  const result = sh(command, args, cwd);
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.output}`);
  return result.output;
}

before(() => {
  work = mkdtempSync(path.join(tmpdir(), 'struere-hooks-'));
  const prefix = path.join(work, 'npm-global');
  env = {
    ...process.env,
    PATH: `${path.join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
    npm_config_prefix: prefix,
    npm_config_update_notifier: 'false',
    PRE_COMMIT_HOME: path.join(work, 'pre-commit-cache'),
    GIT_CONFIG_GLOBAL: path.join(work, 'gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
  };
  writeFileSync(
    env.GIT_CONFIG_GLOBAL!,
    '[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n',
  );
  const artifacts = path.join(work, 'artifacts');
  must(process.execPath, [path.join(ROOT, 'scripts/packCli.mjs'), '--out', artifacts], ROOT);
  must(
    'npm',
    ['install', '--global', '--offline', '--no-audit', '--no-fund', path.join(artifacts, readdirSync(artifacts)[0]!)],
    work,
  );
  // A repository holding this working tree's .pre-commit-hooks.yaml, as pre-commit would clone ours.
  const hooksRepo = path.join(work, 'hooks-repo');
  mkdirSync(hooksRepo);
  copyFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), path.join(hooksRepo, '.pre-commit-hooks.yaml'));
  must('git', ['init', '-q'], hooksRepo);
  must('git', ['add', '.'], hooksRepo);
  must('git', ['commit', '-qm', 'hooks'], hooksRepo);
});

after(() => rmSync(work, { recursive: true, force: true }));

/** A git repository with a Struere project whose env files are ignored, with a hook installed by `install`. */
function repository(name: string, install: (dir: string) => void): string {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, 'prompts'), { recursive: true });
  writeFileSync(path.join(dir, 'struere.json'), '{}\n');
  writeFileSync(path.join(dir, '.gitignore'), '.env.development\n.env.production\n');
  writeFileSync(path.join(dir, '.env.development'), 'A=1\n');
  writeFileSync(path.join(dir, 'prompts/p.md'), 'Hello {{secrets.A}}\n');
  must('git', ['init', '-q'], dir);
  install(dir);
  return dir;
}

/**
 * What a commit must stop, one row each: a file, its content, the code the hook names. Rows for leaked values and
 * hard-coded credentials are one line each once those codes exist.
 */
const BLOCKED: { file: string; content: string; code: string }[] = [
  { file: '.env.example', content: 'A=\n1BAD=\n', code: 'invalid-key' },
  { file: '.env.example', content: 'A=\nthis line sets nothing\n', code: 'malformed-line' },
  { file: 'prompts/p.md', content: 'Hello {{secrets.9lives}}\n', code: 'invalid-reference' },
];

/** Stages `file` in a repository with the hook and commits: blocked rows fail naming the code, clean ones pass. */
function commits(dir: string, file: string, content: string): { status: number | null; output: string } {
  writeFileSync(path.join(dir, file), content);
  must('git', ['add', '--all'], dir);
  return sh('git', ['commit', '-qm', `change ${file}`], dir);
}

function hookCases(label: string, install: (dir: string) => void): void {
  for (const [index, row] of BLOCKED.entries()) {
    void test(`${label}: a commit with ${row.code} in ${row.file} is stopped`, () => {
      const dir = repository(`${label.replace(/\W+/g, '-')}-blocked-${index}`, install);
      const result = commits(dir, row.file, row.content);
      assert.notEqual(result.status, 0, result.output);
      assert.match(result.output, new RegExp(`\\b${row.code}\\b`));
      assert.equal(sh('git', ['rev-parse', '--verify', '-q', 'HEAD'], dir).status, 1, 'a commit was made');
    });
  }
  void test(`${label}: a clean commit passes (warnings do not block) and a file outside the project is fine`, () => {
    const dir = repository(`${label.replace(/\W+/g, '-')}-clean`, install);
    writeFileSync(path.join(dir, 'README.md'), 'notes\n');
    const result = commits(dir, '.env.example', 'A=\n');
    assert.equal(result.status, 0, result.output);
    const warned = commits(dir, 'prompts/p.md', 'Hello {{secrets.A}} {{secrets.NOT_SET}}\n');
    assert.equal(warned.status, 0, warned.output);
    assert.equal(must('git', ['rev-list', '--count', 'HEAD'], dir).trim(), '2');
  });
}

hookCases('pre-commit framework', (dir) => {
  const hooksRepo = path.join(work, 'hooks-repo');
  const rev = must('git', ['rev-parse', 'HEAD'], hooksRepo).trim();
  writeFileSync(
    path.join(dir, '.pre-commit-config.yaml'),
    `repos:\n  - repo: ${hooksRepo}\n    rev: ${rev}\n    hooks:\n      - id: struere-secrets\n`,
  );
  must('pre-commit', ['install'], dir);
});

hookCases('plain .git/hooks/pre-commit from the README', (dir) => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const hook = /<!-- plain-git-hook -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(hook, 'README.md has no plain git hook block');
  writeFileSync(path.join(dir, '.git/hooks/pre-commit'), hook, { mode: 0o755 });
});
