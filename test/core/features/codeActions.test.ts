import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeAction, TextDocumentEdit } from 'vscode-languageserver-types';
import { codeActions, type CodeActionHost } from '../../../engine/core/features/codeActions';
import { validateEnvFile, validateAgentFile } from '../../../engine/core/rules/validation';
import { suggestValidName } from '../../../engine/core/model/environments';
import { applyEdit, fixtureProject, GIT_IGNORED, GIT_NOT_IGNORED } from '../../support/coreFixtures';

const host = (overrides: Partial<CodeActionHost> = {}): CodeActionHost => ({
  versionOf: () => 7,
  gitignoreText: undefined,
  ...overrides,
});
const settings = { environment: 'development' as const, severity: {}, maxFileBytes: 1 << 20 };

test('missing-secret: add to either file (cursor after =), or switch to where it is set', () => {
  const texts = { '.env.development': 'A=1\n', '.env.production': 'A=1\nPROD=2' };
  const fixture = fixtureProject({ ...texts, 'p.md': '{{secrets.PROD}}' });
  const source = fixture.project.agentFiles.get(fixture.uri('p.md'))!;
  const [diagnostic] = validateAgentFile(source, fixture.project, settings);
  const actions = codeActions(fixture.project, fixture.uri('p.md'), [diagnostic], 'development', host());
  assert.deepEqual(
    actions.map((a) => a.title),
    ['Add PROD to .env.development', 'Switch to production (PROD is set there)'],
  );
  const add = actions[0];
  const uriTexts = Object.fromEntries(Object.entries(texts).map(([name, text]) => [fixture.uri(name), text]));
  const after = applyEdit(add.edit!, uriTexts);
  assert.equal(after[fixture.uri('.env.development')], 'A=1\nPROD=\n');
  assert.deepEqual(add.command!.arguments, [fixture.uri('.env.development'), 1, 5]);
  assert.equal(
    (add.edit!.documentChanges![0] as TextDocumentEdit).textDocument.version,
    7,
    'edits carry the document version',
  );
  assert.deepEqual(actions[1].command, {
    title: 'Switch to production',
    command: 'struere.selectEnvironment',
    arguments: ['production'],
  });
});

test('missing-secret: a missing file is created; a file without a final newline gets one first', () => {
  const fixture = fixtureProject({ '.env.development': 'A=1', 'p.md': '{{secrets.NEW}}' });
  const [diagnostic] = validateAgentFile(
    fixture.project.agentFiles.get(fixture.uri('p.md'))!,
    fixture.project,
    settings,
  );
  const actions = codeActions(fixture.project, fixture.uri('p.md'), [diagnostic], 'development', host());
  const texts = applyEdit(actions[0].edit!, { [fixture.uri('.env.development')]: 'A=1' });
  assert.equal(texts[fixture.uri('.env.development')], 'A=1\nNEW=\n');
  const production = actions.find((a) => a.title === 'Add NEW to .env.production')!;
  assert.equal((production.edit!.documentChanges![0] as { kind: string }).kind, 'create');
  assert.equal(applyEdit(production.edit!, {})[fixture.uri('.env.production')], 'NEW=\n');
});

test('invalid-key: rename to a valid name, references follow', () => {
  assert.equal(suggestValidName('my-key'), 'MY_KEY');
  assert.equal(suggestValidName('1st.token'), '_1ST_TOKEN');
  const texts = { '.env.development': 'my-key=1\n', 'p.md': 'use {{secrets.my-key}} here' };
  const fixture = fixtureProject(texts);
  const file = fixture.project.envFiles.get(fixture.uri('.env.development'))!;
  const diagnostic = validateEnvFile(file, GIT_IGNORED, settings).find((d) => d.code === 'invalid-key')!;
  const [action] = codeActions(fixture.project, fixture.uri('.env.development'), [diagnostic], 'development', host());
  assert.equal(action.title, 'Rename to a valid name (letters, digits and _)');
  const after = applyEdit(action.edit!, Object.fromEntries(Object.entries(texts).map(([n, t]) => [fixture.uri(n), t])));
  assert.equal(after[fixture.uri('.env.development')], 'MY_KEY=1\n');
  assert.equal(after[fixture.uri('p.md')], 'use {{secrets.MY_KEY}} here');
});

test('duplicate-key: remove the earlier definition, multiline values included', () => {
  const text = 'A="one\ntwo"\nB=2\nA=3\n';
  const fixture = fixtureProject({ '.env.development': text });
  const file = fixture.project.envFiles.get(fixture.uri('.env.development'))!;
  const diagnostic = validateEnvFile(file, GIT_IGNORED, settings).find((d) => d.code === 'duplicate-key')!;
  const [action] = codeActions(fixture.project, fixture.uri('.env.development'), [diagnostic], 'development', host());
  assert.equal(
    applyEdit(action.edit!, { [fixture.uri('.env.development')]: text })[fixture.uri('.env.development')],
    'B=2\nA=3\n',
  );
});

test('not-gitignored: extend the project .gitignore, or create it', () => {
  const fixture = fixtureProject({ '.env.development': 'A=1\n' });
  const diagnostic = validateEnvFile(
    fixture.project.envFiles.get(fixture.uri('.env.development'))!,
    GIT_NOT_IGNORED,
    settings,
  )[0];
  const gitignore = fixture.uri('.gitignore');
  const [existing] = codeActions(
    fixture.project,
    fixture.uri('.env.development'),
    [diagnostic],
    'development',
    host({ gitignoreText: 'node_modules' }),
  );
  assert.equal(
    applyEdit(existing.edit!, { [gitignore]: 'node_modules' })[gitignore],
    'node_modules\n.env.development\n.env.production\n',
  );
  const [created] = codeActions(fixture.project, fixture.uri('.env.development'), [diagnostic], 'development', host());
  assert.equal(applyEdit(created.edit!, {})[gitignore], '.env.development\n.env.production\n');
});

test('template-ignored: append a negation for the template, after the rule that ignores it', () => {
  const fixture = fixtureProject({ '.env.example': 'A=\n', 'config/.env.example': 'A=\n' });
  const diagnoseTemplate = (name: string) =>
    validateEnvFile(fixture.project.envFiles.get(fixture.uri(name))!, { ...GIT_IGNORED, template: true }, settings);
  const [diagnostic] = diagnoseTemplate('.env.example');
  assert.equal(diagnostic.code, 'template-ignored');
  const gitignore = fixture.uri('.gitignore');
  const [fix] = codeActions(
    fixture.project,
    fixture.uri('.env.example'),
    [diagnostic],
    'development',
    host({ gitignoreText: '.env.*' }),
  );
  assert.equal(fix.title, 'Keep .env.example committed: add !.env.example to .gitignore');
  assert.equal(applyEdit(fix.edit!, { [gitignore]: '.env.*' })[gitignore], '.env.*\n!.env.example\n');

  // Controls: a template git will commit gets nothing; one in a subfolder gets the warning but no root-level fix
  // (a negation in the project's .gitignore would not name it).
  assert.deepEqual(
    validateEnvFile(
      fixture.project.envFiles.get(fixture.uri('.env.example'))!,
      { ...GIT_NOT_IGNORED, template: true },
      settings,
    ),
    [],
  );
  const [nested] = diagnoseTemplate('config/.env.example');
  assert.equal(nested?.code, 'template-ignored');
  assert.deepEqual(
    codeActions(
      fixture.project,
      fixture.uri('config/.env.example'),
      [nested],
      'development',
      host({ gitignoreText: '' }),
    ),
    [],
  );
});

test('code actions ignore diagnostics that are not ours', () => {
  const fixture = fixtureProject({ 'p.md': '{{secrets.X}}' });
  const foreign = {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    message: 'x',
    code: 'something-else',
    source: 'eslint',
  };
  const actions: CodeAction[] = codeActions(fixture.project, fixture.uri('p.md'), [foreign], 'development', host());
  assert.deepEqual(actions, []);
});
