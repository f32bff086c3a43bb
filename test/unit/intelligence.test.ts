import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeAction, Diagnostic, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { codeActions, type CodeActionHost } from '../../engine/core/codeActions';
import { completeEnvKey, documentSymbols, envCodeLenses, workspaceSymbols } from '../../engine/core/envFileFeatures';
import { validateParity } from '../../engine/core/parity';
import {
  documentHighlights,
  findReferences,
  planRename,
  prepareRename,
  suggestValidName,
} from '../../engine/core/rename';
import { validateEnvFile, validateSourceFile } from '../../engine/core/validation';
import { fixtureProject, fresh, withCursor } from '../support/coreFixtures';

const host = (overrides: Partial<CodeActionHost> = {}): CodeActionHost => ({
  versionOf: () => 7,
  gitignoreText: undefined,
  ...overrides,
});
const settings = { environment: 'development' as const, severity: {}, maxFileBytes: 1 << 20 };

/** Applies a WorkspaceEdit's text edits to in-memory texts (creating files it creates). */
function applyEdit(edit: WorkspaceEdit, texts: Record<string, string>): Record<string, string> {
  const result = { ...texts };
  for (const change of edit.documentChanges ?? []) {
    if ('kind' in change) {
      if (change.kind === 'create' && result[change.uri] === undefined) result[change.uri] = '';
      continue;
    }
    const textEdit = change as TextDocumentEdit;
    let text = result[textEdit.textDocument.uri] ?? '';
    const lines = text.split('\n');
    const offset = (p: { line: number; character: number }) =>
      lines.slice(0, p.line).reduce((sum, l) => sum + l.length + 1, 0) + p.character;
    const sorted = [...textEdit.edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
    for (const e of sorted) {
      if (!('newText' in e)) continue;
      text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(Math.min(text.length, offset(e.range.end)));
    }
    result[textEdit.textDocument.uri] = text;
  }
  return result;
}

test('missing-secret: add to either file (cursor after =), or switch to where it is set', () => {
  const texts = { '.env.development': 'A=1\n', '.env.production': 'A=1\nPROD=2' };
  const fixture = fixtureProject({ ...texts, 'p.md': '{{secrets.PROD}}' });
  const source = fixture.project.sourceFiles.get(fixture.uri('p.md'))!;
  const [diagnostic] = validateSourceFile(source, fixture.project, settings);
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
  const [diagnostic] = validateSourceFile(
    fixture.project.sourceFiles.get(fixture.uri('p.md'))!,
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
  const diagnostic = validateEnvFile(file, true, settings).find((d) => d.code === 'invalid-key')!;
  const [action] = codeActions(fixture.project, fixture.uri('.env.development'), [diagnostic], 'development', host());
  assert.equal(action.title, 'Rename to MY_KEY');
  const after = applyEdit(action.edit!, Object.fromEntries(Object.entries(texts).map(([n, t]) => [fixture.uri(n), t])));
  assert.equal(after[fixture.uri('.env.development')], 'MY_KEY=1\n');
  assert.equal(after[fixture.uri('p.md')], 'use {{secrets.MY_KEY}} here');
});

test('duplicate-key: remove the earlier definition, multiline values included', () => {
  const text = 'A="one\ntwo"\nB=2\nA=3\n';
  const fixture = fixtureProject({ '.env.development': text });
  const file = fixture.project.envFiles.get(fixture.uri('.env.development'))!;
  const diagnostic = validateEnvFile(file, true, settings).find((d) => d.code === 'duplicate-key')!;
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
    false,
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

test('rename from an .env key or a reference changes every file together; invalid names are refused', () => {
  const texts = {
    '.env.development': 'OLD=1\nOLD=2\n',
    '.env.production': 'OLD=3\n',
    'a.md': '{{secrets.OLD}} <<secrets.OLD>>',
    't.ts': 'context.secrets["OLD"]',
    'b.md': '{{secrets.OLDER}}',
  };
  const fixture = fixtureProject(texts);
  const { position } = withCursor('{{secrets.O|LD}}');
  assert.deepEqual(prepareRename(fixture.project, fixture.uri('a.md'), position), {
    range: { start: { line: 0, character: 10 }, end: { line: 0, character: 13 } },
    placeholder: 'OLD',
  });
  const plan = planRename(fixture.project, fixture.uri('a.md'), position, 'NEW');
  assert.ok(plan && !('error' in plan));
  const after = applyEdit(
    { documentChanges: [...plan.edits].map(([uri, edits]) => ({ textDocument: { uri, version: null }, edits })) },
    Object.fromEntries(Object.entries(texts).map(([n, t]) => [fixture.uri(n), t])),
  );
  assert.equal(after[fixture.uri('.env.development')], 'NEW=1\nNEW=2\n');
  assert.equal(after[fixture.uri('.env.production')], 'NEW=3\n');
  assert.equal(after[fixture.uri('a.md')], '{{secrets.NEW}} <<secrets.NEW>>');
  assert.equal(after[fixture.uri('t.ts')], 'context.secrets["NEW"]');
  assert.equal(after[fixture.uri('b.md')], '{{secrets.OLDER}}');
  assert.deepEqual(planRename(fixture.project, fixture.uri('.env.production'), { line: 0, character: 1 }, '9-bad'), {
    error: '"9-bad" is not a valid secret name: use letters, digits and _ and do not start with a digit.',
  });
});

test('references, highlights, outline and workspace symbols', () => {
  const fixture = fixtureProject({
    '.env.development': 'export KEY="v"\nOTHER=1\n',
    '.env.production': 'KEY=1\n',
    'a.md': '{{secrets.KEY}} {{secrets.KEY}}',
    't.ts': 'context.secrets.KEY',
  });
  const refs = findReferences(fixture.project, fixture.uri('t.ts'), { line: 0, character: 17 }, true);
  assert.equal(refs.length, 5);
  assert.equal(findReferences(fixture.project, fixture.uri('t.ts'), { line: 0, character: 17 }, false).length, 3);
  assert.deepEqual(
    documentHighlights(fixture.project, fixture.uri('a.md'), { line: 0, character: 11 }).map(
      (h) => h.range.start.character,
    ),
    [10, 26],
  );
  const outline = documentSymbols(fixture.project.envFiles.get(fixture.uri('.env.development'))!);
  assert.deepEqual(
    outline.map((s) => [s.name, s.detail]),
    [
      ['KEY', 'export'],
      ['OTHER', ''],
    ],
  );
  assert.ok(!JSON.stringify(outline).includes('"v"'));
  assert.deepEqual(
    workspaceSymbols(fixture.index, 'ky')
      .map((s) => `${s.name}@${s.containerName}`)
      .sort(),
    ['KEY@.env.development', 'KEY@.env.production'],
  );
});

test('environment parity: information both ways; completion offers the sibling keys missing here', () => {
  const fixture = fixtureProject({
    '.env.development': 'A=1\nDEV_ONLY=1\n',
    '.env.production': 'A=1\nPROD_ONLY=1\nPROD_TWO=2\n',
  });
  const development = fixture.project.envFiles.get(fixture.uri('.env.development'))!;
  const parity: Diagnostic[] = validateParity(development, fixture.project, {});
  assert.deepEqual(
    parity.map((d) => [d.code, d.severity, d.range.start.line]),
    [['env-parity', 3, 1]],
  );
  assert.deepEqual(validateParity(development, fixture.project, { 'env-parity': 'off' }), []);
  const items = completeEnvKey(development, fixture.project, 'PROD', { line: 2, character: 4 });
  assert.deepEqual(
    items.map((i) => [i.label, (i.textEdit as { newText: string }).newText]),
    [
      ['PROD_ONLY', 'PROD_ONLY='],
      ['PROD_TWO', 'PROD_TWO='],
    ],
  );
  assert.deepEqual(completeEnvKey(development, fixture.project, 'A=', { line: 0, character: 2 }), []);
  const alone = fixtureProject({ '.env.development': 'A=1\n' });
  assert.deepEqual(validateParity(alone.project.envFiles.get(alone.uri('.env.development'))!, alone.project, {}), []);
});

test('code lenses: sync or deploy, what the server lacks when known, and the cloak toggle', () => {
  const fixture = fixtureProject(
    { '.env.development': 'A=1\nB=2\n', '.env.production': 'A=1\n' },
    { development: fresh('A', 'REMOTE_ONLY') },
  );
  const titles = (name: string) =>
    envCodeLenses(fixture.project.envFiles.get(fixture.uri(name))!, fixture.project).map((l) => l.command!.title);
  assert.deepEqual(titles('.env.development'), [
    '$(cloud-upload) Sync to development (+ eval)',
    '1 key not on the server yet · 1 remote-only kept (fresh)',
    '$(eye-closed) Show / hide values',
  ]);
  assert.deepEqual(titles('.env.production'), ['$(rocket) Deploy to production', '$(eye-closed) Show / hide values']);
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
