import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TextDocumentEdit } from 'vscode-languageserver-types';
import { codeActions } from '../../../engine/core/features/codeActions';
import {
  exampleFileOf,
  exampleSources,
  updateExampleText,
  validateEnvExample,
} from '../../../engine/core/features/envExample';
import { fixtureProject } from '../../support/coreFixtures';

const host = () => ({ versionOf: () => null, gitignoreText: undefined });
const CANARY = 'canary-value-7f3a';

function diagnose(files: Record<string, string>, file: string) {
  const fixture = fixtureProject(files);
  const envFile = fixture.project.envFiles.get(fixture.uri(file))!;
  return { fixture, diagnostics: validateEnvExample(envFile, fixture.project, {}) };
}

void test('env-example both ways: a source key missing from .env.example, an example key in no source', () => {
  const files = {
    '.env.development': 'A=1\nB=2\n',
    '.env.production': 'A=1\nC=3\n',
    '.env.example': 'A=\nOLD=\n',
  };
  const onDevelopment = diagnose(files, '.env.development').diagnostics;
  assert.deepEqual(
    onDevelopment.map((d) => [d.code, (d.data as { key: string }).key, d.range.start.line, d.severity]),
    [['env-example', 'B', 1, 3]],
  );
  assert.deepEqual(
    diagnose(files, '.env.production').diagnostics.map((d) => (d.data as { key: string }).key),
    ['C'],
  );
  const onExample = diagnose(files, '.env.example').diagnostics;
  assert.deepEqual(
    onExample.map((d) => [(d.data as { key: string }).key, d.range.start.line]),
    [['OLD', 1]],
  );
  assert.match(
    String(onExample[0]!.message),
    /OLD is in \.env\.example but not in \.env\.development or \.env\.production/,
  );
});

void test('env-example: nothing without a template, for other env files, for a skipped file, or when turned off', () => {
  assert.deepEqual(diagnose({ '.env.development': 'A=1\n' }, '.env.development').diagnostics, []);
  assert.deepEqual(
    diagnose({ '.env.local': 'Z=1\n', '.env.development': 'A=1\n', '.env.example': 'A=\n' }, '.env.local').diagnostics,
    [],
  );
  const fixture = fixtureProject({ '.env.development': 'A=1\nB=1\n', '.env.example': 'A=\n' });
  const file = fixture.project.envFiles.get(fixture.uri('.env.development'))!;
  assert.equal(validateEnvExample(file, fixture.project, {}).length, 1); // control: the same files do report
  assert.deepEqual(validateEnvExample(file, fixture.project, { 'env-example': 'off' }), []);
  fixture.index.setSkippedEnvFile(fixture.uri('.env.example'), 10_000_000);
  assert.deepEqual(validateEnvExample(file, fixture.project, {}), []);
});

void test('quick fix "Add KEY to .env.example" appends KEY= with no value; none on the template itself', () => {
  const { fixture, diagnostics } = diagnose(
    { '.env.development': `A=1\nSECRET=${CANARY}\n`, '.env.example': 'A=' },
    '.env.development',
  );
  const [action] = codeActions(fixture.project, fixture.uri('.env.development'), diagnostics, 'development', host());
  assert.equal(action?.title, 'Add SECRET to .env.example');
  const edit = action!.edit!.documentChanges![0] as TextDocumentEdit;
  assert.equal(edit.textDocument.uri, fixture.uri('.env.example'));
  assert.deepEqual(
    edit.edits.map((e) => [e.range.start, (e as { newText: string }).newText]),
    [[{ line: 0, character: 2 }, '\nSECRET=\n']],
  );
  assert.ok(!JSON.stringify(action).includes(CANARY));

  const onExample = diagnose({ '.env.development': 'A=1\n', '.env.example': 'A=\nOLD=\n' }, '.env.example');
  assert.deepEqual(
    codeActions(
      onExample.fixture.project,
      onExample.fixture.uri('.env.example'),
      onExample.diagnostics,
      'development',
      host(),
    ),
    [],
  );
});

void test('a new template follows the first source: comments and order kept, values blanked, stray lines dropped', () => {
  const fixture = fixtureProject({
    '.env.development': [
      '# Support agent',
      `export A=${CANARY}`,
      '',
      `# a note quoting the value: ${CANARY}`,
      `# OLD_TOKEN=old-${CANARY}`,
      `B="multi`,
      `${CANARY}"`,
      `stray ${CANARY}`,
      `C='${CANARY}' # trailing ${CANARY}`,
      `A=${CANARY}`,
      '',
    ].join('\n'),
    '.env.production': `A=1\n\n# Only in production\nP=${CANARY}\n`,
  });
  const update = updateExampleText(undefined, exampleSources(fixture.project), fixture.project.envFiles.values());
  assert.equal(
    update.text,
    ['# Support agent', 'A=', '', '# OLD_TOKEN=', 'B=', 'C=', '# Only in production', 'P=', ''].join('\n'),
  );
  assert.deepEqual(update.added, ['A', 'B', 'C', 'P']);
  assert.ok(!update.text.includes(CANARY));
});

void test('updating keeps the template as written and appends missing names with their comments; CRLF kept', () => {
  const fixture = fixtureProject({
    '.env.development': `A=1\r\n# the queue\r\nQUEUE=${CANARY}\r\n`,
    '.env.example': '# Template\r\nA=placeholder\r\nEXTRA=',
  });
  const update = updateExampleText(
    exampleFileOf(fixture.project),
    exampleSources(fixture.project),
    fixture.project.envFiles.values(),
  );
  assert.equal(update.text, '# Template\r\nA=placeholder\r\nEXTRA=\r\n# the queue\r\nQUEUE=\r\n');
  assert.deepEqual(update.added, ['QUEUE']);
  const again = fixtureProject({ '.env.development': 'A=1\n', '.env.example': update.text });
  const none = updateExampleText(
    exampleFileOf(again.project),
    exampleSources(again.project),
    again.project.envFiles.values(),
  );
  assert.deepEqual(none, { text: update.text, added: [] });
});
