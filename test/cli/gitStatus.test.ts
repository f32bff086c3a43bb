import assert from 'node:assert/strict';
import { chmodSync, existsSync, symlinkSync } from 'node:fs';
import { test } from 'node:test';
import { ownGit } from '../support/ownGit';
import { runCli, type CliResult } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

/**
 * What git would commit, judged through the built CLI as a hook runs it: git's index read directly (never the git
 * binary), links judged by their target, and .gitignore patterns that must not stall the check.
 */

const LIMIT = { limitMs: 20_000 };
/** Credential-like (isCredentialLike): what a live key looks like. Must never be printed. */
const LIVE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';

interface JsonDiagnostic {
  file: string;
  code: string;
  severity: string;
  message: string;
}

function diagnosticsOf(result: CliResult): JsonDiagnostic[] {
  assert.ok(!result.hung, `the CLI hung; stderr: ${result.stderr}`);
  assert.doesNotMatch(result.stdout + result.stderr, new RegExp(LIVE));
  return (JSON.parse(result.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
}

function check(dir: string): Promise<CliResult> {
  return runCli(['check', dir, '--format', 'json'], LIMIT);
}

function notGitignored(diagnostics: JsonDiagnostic[]): string[] {
  return diagnostics
    .filter((d) => d.code === 'not-gitignored')
    .map((d) => `${d.file}:${d.severity}`)
    .sort();
}

/** A real repository (made here, so running git in it is safe) whose .gitignore ignores every env file. */
function repository(files: Record<string, string>) {
  const ws = tempWorkspace({ 'struere.json': '{}', '.gitignore': '.env.*\nsecrets/\n', ...files }, { git: false });
  ownGit(ws.dir, ['init', '-q']);
  return ws;
}

test('an env file git tracks or has staged with live values is an error; otherwise .gitignore decides', async (t) => {
  const ws = repository({
    '.env.development': `TOKEN=${LIVE}\n`,
    '.env.production': 'PORT=3000\nMODE=fast\n',
    '.env': 'MODE=fast\n',
  });
  t.after(() => ws.dispose());
  // Before: .gitignore alone (`.env` is not ignored: a warning, as it always was).
  const before = await check(ws.dir);
  assert.deepEqual(notGitignored(diagnosticsOf(before)), ['.env:warning']);
  assert.equal(before.code, 0);
  // Force-added past .gitignore: staged, so the next commit takes the live key. Controls: an ignored file without
  // credential-like values stays as it was (nothing), a not-ignored one a warning that says it is tracked.
  ownGit(ws.dir, ['add', '-f', '.env.development', '.env.production', '.env']);
  const staged = await check(ws.dir);
  const diagnostics = diagnosticsOf(staged);
  assert.deepEqual(notGitignored(diagnostics), ['.env.development:error', '.env:warning']);
  assert.match(
    diagnostics.find((d) => d.file === '.env.development')!.message,
    /credential-like values.*git rm --cached/,
  );
  assert.match(diagnostics.find((d) => d.file === '.env')!.message, /tracked or staged/);
  assert.equal(staged.code, 1);
  // Committed (tracked) is the same; dropped from the index, .gitignore decides again.
  ownGit(ws.dir, ['commit', '-qm', 'env']);
  assert.deepEqual(notGitignored(diagnosticsOf(await check(ws.dir))), ['.env.development:error', '.env:warning']);
  ownGit(ws.dir, ['rm', '-q', '--cached', '.env.development', '.env.production', '.env']);
  const dropped = await check(ws.dir);
  assert.deepEqual(notGitignored(diagnosticsOf(dropped)), ['.env:warning']);
  assert.equal(dropped.code, 0);
});

test('without a readable index, .gitignore alone decides (an empty .git, a garbled index)', async (t) => {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.gitignore': '.env.development\n',
    '.env.development': `A=${LIVE}\n`,
  });
  t.after(() => ws.dispose());
  ws.write('.env.production', 'A=1\n');
  assert.deepEqual(notGitignored(diagnosticsOf(await check(ws.dir))), ['.env.production:warning']);
  ws.write('.git/index', 'DIRC garbage');
  assert.deepEqual(notGitignored(diagnosticsOf(await check(ws.dir))), ['.env.production:warning']);
});

test('check never runs git: a repository whose config runs a command on git status is read safely', async (t) => {
  const ws = repository({ '.env.development': `TOKEN=${LIVE}\n` });
  t.after(() => ws.dispose());
  const marker = ws.path('fsmonitor-ran');
  const hook = ws.write('monitor.sh', `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
  chmodSync(hook, 0o755);
  ownGit(ws.dir, ['add', '-f', '.env.development']);
  ownGit(ws.dir, ['config', 'core.fsmonitor', hook]);
  const result = await check(ws.dir);
  assert.deepEqual(notGitignored(diagnosticsOf(result)), ['.env.development:error']);
  assert.equal(existsSync(marker), false, 'check ran a command the repository configured');
  // Control: git itself runs it, so the canary would have seen a git call.
  ownGit(ws.dir, ['status', '--porcelain']);
  assert.equal(existsSync(marker), true);
});

test('an env file that links to a committed file is judged by the target', async (t) => {
  const ws = repository({ 'docs/app.yaml': `TOKEN=${LIVE}\n`, 'secrets/dev.env': 'A=1\n', 'notes/plain.txt': 'A=1\n' });
  t.after(() => ws.dispose());
  ownGit(ws.dir, ['add', 'docs/app.yaml']);
  symlinkSync('docs/app.yaml', ws.path('.env.development'));
  const linked = diagnosticsOf(await check(ws.dir));
  assert.deepEqual(notGitignored(linked), ['.env.development:error']);
  assert.match(linked.find((d) => d.code === 'not-gitignored')!.message, /links to docs\/app\.yaml/);
  // Controls: a link to an ignored file says nothing; to a file git would add, a warning naming it.
  symlinkSync('secrets/dev.env', ws.path('.env.production'));
  symlinkSync('notes/plain.txt', ws.path('.env.local'));
  const all = diagnosticsOf(await check(ws.dir));
  assert.deepEqual(notGitignored(all), ['.env.development:error', '.env.local:warning']);
  assert.match(all.find((d) => d.file === '.env.local' && d.code === 'not-gitignored')!.message, /notes\/plain\.txt/);
});

test('a 77-byte .gitignore of repeated **/*/ answers a deep project at once, with the verdict git gives', async (t) => {
  const hostile = `${'**/*/'.repeat(15)}a\n`;
  assert.equal(Buffer.byteLength(hostile), 77);
  const ws = repository({});
  t.after(() => ws.dispose());
  const deep = Array.from({ length: 28 }, (_, i) => `folder-${String(i).padStart(2, '0')}-of-the-tree`).join('/');
  ws.write('.gitignore', `${hostile}.env.development\n`);
  ws.write(`${deep}/struere.json`, '{}');
  ws.write(`${deep}/.env.development`, 'A=1\n');
  ws.write(`${deep}/.env.production`, 'A=1\n');
  const result = await check(ws.dir);
  // .env.production is not ignored (nothing named `a`), .env.development is.
  assert.deepEqual(notGitignored(diagnosticsOf(result)), [`${deep}/.env.production:warning`]);
});

test('a pattern too costly for a deep path is not applied there, is reported, and the file counts as committed', async (t) => {
  const costly = `x/**/y/**/y/**/y/**/b\n`;
  const ws = repository({});
  t.after(() => ws.dispose());
  const deep = Array.from({ length: 30 }, () => 'y').join('/');
  ws.write('.gitignore', `${costly}.env.*\n`);
  ws.write(`${deep}/struere.json`, '{}');
  ws.write(`${deep}/.env.development`, 'A=1\n');
  ws.write('shallow/struere.json', '{}');
  ws.write('shallow/.env.development', 'A=1\n');
  const diagnostics = diagnosticsOf(await check(ws.dir));
  assert.deepEqual(notGitignored(diagnostics), [`${deep}/.env.development:warning`]);
  // Control: shallow/ is ignored by the same file; the report names the line.
  const report = diagnostics.filter((d) => d.code === 'unreadable-file');
  assert.equal(report.length, 1, JSON.stringify(report));
  assert.match(report[0]!.message, /line 1\b/);
});

test('a .gitignore that ignores the committed template .env.example is a warning; a negation after it clears it', async (t) => {
  // The repository's rule `.env.*` ignores .env.example too: the template would never be committed.
  const ws = repository({ '.env.development': 'PORT=3000\n', '.env.example': 'PORT=\n' });
  t.after(() => ws.dispose());
  const ignoredTemplate = (result: CliResult) =>
    diagnosticsOf(result)
      .filter((d) => d.code === 'template-ignored')
      .map((d) => `${d.file}:${d.severity}`);
  const before = await check(ws.dir);
  assert.deepEqual(ignoredTemplate(before), ['.env.example:warning']);
  assert.deepEqual(notGitignored(diagnosticsOf(before)), [], 'a template is never judged as an env file with values');

  // The fix the README and the quick fix give: `!.env.example` after the broad rule.
  ws.write('.gitignore', '.env.*\nsecrets/\n!.env.example\n');
  assert.deepEqual(ignoredTemplate(await check(ws.dir)), []);

  // Control: force-added past .gitignore, git's index holds it, so it will be committed after all.
  ws.write('.gitignore', '.env.*\nsecrets/\n');
  ownGit(ws.dir, ['add', '-f', '.env.example']);
  assert.deepEqual(ignoredTemplate(await check(ws.dir)), []);
});
