import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isIgnoredByGit } from '../../../engine/core/model/gitignore';
import { sanitizeSettings, DEFAULT_SETTINGS } from '../../../engine/core/model/settings';
import { scanReferences } from '../../../engine/core/model/references';
import { keyEndOf, parseEnv } from '../../../engine/core/model/envParser';
import { LineIndex } from '../../../engine/core/base/text';
import { envFileState, WorkspaceIndex } from '../../../engine/core/model/workspaceIndex';

test('every file belongs to the nearest enclosing project', () => {
  const index = new WorkspaceIndex();
  index.addProject('file:///ws');
  index.addProject('file:///ws/packages/agent');
  index.addProject('file:///ws/packages/agent-two');
  assert.equal(index.projectOf('file:///ws/packages/agent/prompts/a.md')?.rootUri, 'file:///ws/packages/agent');
  assert.equal(index.projectOf('file:///ws/packages/agent-two/a.md')?.rootUri, 'file:///ws/packages/agent-two');
  assert.equal(index.projectOf('file:///ws/other/a.md')?.rootUri, 'file:///ws');
  assert.equal(index.projectOf('file:///elsewhere/a.md'), undefined);
});

test('only .env.development / .env.production at the project root feed environments', () => {
  const index = new WorkspaceIndex();
  const project = index.addProject('file:///ws/app');
  index.setEnvFile('file:///ws/app/.env.development', 'A=1');
  index.setEnvFile('file:///ws/app/.env.local', 'B=1');
  index.setEnvFile('file:///ws/app/sub/.env.production', 'C=1');
  const environments = [...project.envFiles.values()]
    .map((file) => `${file.fileName}:${file.environment ?? '-'}`)
    .sort();
  assert.deepEqual(environments, ['.env.development:development', '.env.local:-', '.env.production:-']);
});

test('an env edit reports exactly the keys that appeared or disappeared, and who references them', () => {
  const index = new WorkspaceIndex();
  const project = index.addProject('file:///ws/app');
  index.setAgentFile('file:///ws/app/a.md', '{{secrets.A}} {{secrets.B}}');
  index.setAgentFile('file:///ws/app/b.md', '{{secrets.C}}');
  index.setEnvFile('file:///ws/app/.env.development', 'A=1\nB=2\n');
  assert.deepEqual([...index.setEnvFile('file:///ws/app/.env.development', 'A=changed\nC=3\n')].sort(), ['B', 'C']);
  assert.deepEqual([...index.filesReferencing(project, ['C'])], ['file:///ws/app/b.md']);
  index.setAgentFile('file:///ws/app/b.md', 'nothing now');
  assert.deepEqual([...index.filesReferencing(project, ['C'])], []);
  assert.deepEqual([...index.deleteEnvFile('file:///ws/app/.env.development')].sort(), ['A', 'C']);
});

test('gitignore: nested files, negation and ignored parent folders, without git', () => {
  const files = [
    { dir: '', content: '.env*\n!.env.example\n' },
    { dir: 'apps/agent', content: '!.env.production\n' },
  ];
  assert.equal(isIgnoredByGit('.env.development', files), true);
  assert.equal(isIgnoredByGit('.env.example', files), false);
  assert.equal(isIgnoredByGit('apps/agent/.env.development', files), true);
  assert.equal(isIgnoredByGit('apps/agent/.env.production', files), false);
  assert.equal(isIgnoredByGit('secret/.env.production', [{ dir: '', content: 'secret/\n' }]), true);
  assert.equal(isIgnoredByGit('.env.production', []), false);
});

test('settings are sanitized at the boundary', () => {
  assert.deepEqual(sanitizeSettings(undefined), DEFAULT_SETTINGS);
  const settings = sanitizeSettings({
    environment: 'production',
    files: { include: ['**/*.md'], exclude: 'not-an-array', maxSizeKB: 10 },
    severity: { 'missing-secret': 'error', 'not-a-code': 'error', 'duplicate-key': 'loud' },
  });
  assert.equal(settings.environment, 'production');
  assert.deepEqual(settings.include, ['**/*.md']);
  assert.deepEqual(settings.exclude, DEFAULT_SETTINGS.exclude);
  assert.equal(settings.maxFileBytes, 10 * 1024);
  assert.deepEqual(settings.severity, { 'missing-secret': 'error' });
  assert.equal(sanitizeSettings({ environment: 'staging' }).environment, 'development');
});

test('projectOf after projects come and go: the nearest remaining one, or none', () => {
  const index = new WorkspaceIndex();
  index.addProject('file:///ws/a');
  index.addProject('file:///ws/a/b/c');
  assert.equal(index.projectOf('file:///ws/a/b/c/d/x.md')?.rootUri, 'file:///ws/a/b/c');
  assert.equal(index.projectOf('file:///ws/a/x.md')?.rootUri, 'file:///ws/a');
  index.removeProject('file:///ws/a');
  assert.equal(index.projectOf('file:///ws/a/x.md'), undefined);
  assert.equal(index.projectOf('file:///ws/a/b/c/x.md')?.rootUri, 'file:///ws/a/b/c');
  index.removeProject('file:///ws/a/b/c');
  assert.equal(index.projectOf('file:///ws/a/b/c/x.md'), undefined);
  // Control: a project added again is found again (the walk's lower bound follows the roots).
  index.addProject('file:///ws');
  assert.equal(index.projectOf('file:///ws/a/b/c/x.md')?.rootUri, 'file:///ws');
});

test('an edit keeps the references it did not move as the same objects, and every reference matches a fresh scan', () => {
  const index = new WorkspaceIndex();
  index.addProject('file:///ws');
  const uri = 'file:///ws/p.md';
  const fields = (refs: readonly { key: string; kind: string; range: unknown; valid: boolean }[]) =>
    refs.map(({ key, kind, range, valid }) => ({ key, kind, range, valid }));
  const before = index.setAgentFile(
    uri,
    'a {{secrets.ONE}}\nb {{secrets.TWO}} {{secrets.THREE}}\nc <<secrets.FOUR>>\n',
  )!;
  // TWO's line gets longer before THREE; a line is inserted before FOUR.
  const text = 'a {{secrets.ONE}}\nb {{secrets.TWO}} xx {{secrets.THREE}}\nnew line\nc <<secrets.FOUR>>\n';
  const after = index.setAgentFile(uri, text)!;
  assert.deepEqual(fields(after.references), fields(scanReferences(text)));
  const same = after.references.map((reference, i) => reference === before.references[i]);
  assert.deepEqual(same, [true, true, false, false], 'ONE and TWO did not move; THREE and FOUR did');
  // Control: a rescan of unchanged text keeps every object.
  const again = index.setAgentFile(uri, text)!;
  assert.ok(again.references.every((reference, i) => reference === after.references[i]));
  assert.deepEqual([...index.filesReferencing(index.projectOf(uri)!, ['FOUR'])], [uri]);
});

test('an env key location works its ranges out when read, and they are the ranges LineIndex gives', () => {
  const text = 'export A=1\r\nB="two\nlines"\rC=3 # note\n  D = x\n';
  const file = envFileState('file:///ws/.env.development', text, 'development');
  const lines = new LineIndex(text);
  const oracle = parseEnv(text).entries.map((entry) => ({
    key: entry.key,
    line: entry.line,
    keyRange: lines.rangeOf(entry.keyStart, keyEndOf(entry)),
    entryRange: lines.rangeOf(entry.entryStart, entry.valueEnd),
  }));
  const located = [...file.keys.values()].map(({ key, line, keyRange, entryRange }) => ({
    key,
    line,
    keyRange,
    entryRange,
  }));
  assert.deepEqual(located, oracle);
  const b = file.keys.get('B')!;
  assert.equal(b.keyRange, b.keyRange, 'worked out once');
  // Control: the locations differ from key to key, so a location answering another key's ranges would not pass.
  assert.notDeepEqual(file.keys.get('C')!.entryRange, b.entryRange);
});
