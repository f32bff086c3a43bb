import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver-types';
import { doComplete, resolveCompletion, withTextEdits } from '../../engine/core/completion';
import { findDefinition } from '../../engine/core/definition';
import { hoverEnvKey, hoverReference } from '../../engine/core/hover';
import { fixtureProject, fresh, lineAt, sourceWithCursor, withCursor } from '../support/coreFixtures';

const ENV = {
  '.env.development': '# dev\nSTRIPE_API_KEY=sk_test_value_dev\nDEV_ONLY=dev-value\nSHARED=shared-dev\n',
  '.env.production': 'STRIPE_API_KEY=sk_live_value_prod\nSHARED=shared-prod\n',
};

function complete(marked: string, environment: 'development' | 'production' | 'eval' = 'development') {
  const fixture = fixtureProject(ENV, { production: fresh('REMOTE_PROD') });
  const { text, position } = withCursor(marked);
  const completions = doComplete(lineAt(text, position.line), position, fixture.project, environment);
  return completions ? withTextEdits(completions) : [];
}

test('completion inside every reference form offers the keys of the selected environment first', () => {
  for (const marked of [
    '{{secrets.|',
    '{{ secrets.S|',
    '<<secrets.|',
    'context.secrets.|',
    'context.secrets["|',
    "context?.secrets?.['|",
  ]) {
    const items = complete(marked);
    assert.ok(items.length > 0, marked);
    const first = items.filter((item) => item.sortText === '0').map((item) => item.label);
    assert.deepEqual(first, ['DEV_ONLY', 'SHARED', 'STRIPE_API_KEY'], marked);
  }
  const production = complete('{{secrets.|', 'production');
  assert.deepEqual(
    production.filter((item) => item.sortText === '0').map((item) => item.label),
    ['REMOTE_PROD', 'SHARED', 'STRIPE_API_KEY'],
  );
  const elsewhere = production.find((item) => item.label === 'DEV_ONLY')!;
  assert.equal(elsewhere.labelDetails?.description, 'not set in production');
});

test('completion replaces the partial key and closes an open template', () => {
  const [item] = complete('say {{secrets.ST|').filter((i) => i.label === 'STRIPE_API_KEY');
  assert.deepEqual(item.textEdit, {
    range: { start: { line: 0, character: 14 }, end: { line: 0, character: 16 } },
    newText: 'STRIPE_API_KEY}}',
  });
  const [closed] = complete('say {{secrets.ST|RIPE}} more').filter((i) => i.label === 'STRIPE_API_KEY');
  assert.deepEqual(closed.textEdit, {
    range: { start: { line: 0, character: 14 }, end: { line: 0, character: 20 } },
    newText: 'STRIPE_API_KEY',
  });
});

test('no completion outside a reference', () => {
  assert.deepEqual(complete('secrets.|'), []);
  assert.deepEqual(complete('{{ env.|'), []);
  assert.deepEqual(complete('{{secrets.A}} |'), []);
});

test('completion items carry presence but never a value; resolve adds the presence table', () => {
  const items = complete('{{secrets.|');
  const shared = items.find((item) => item.label === 'SHARED')!;
  const resolved = resolveCompletion(shared, fixtureProject(ENV).project);
  assert.match(resolved.detail!, /development ✓ · production ✓ · eval ✓/);
  assert.match((resolved.documentation as MarkupContent).value, /\| production \| set \| ✓ \.env\.production:2 \|/);
  const text = JSON.stringify([...items, resolved]);
  for (const value of ['sk_test_value_dev', 'sk_live_value_prod', 'dev-value', 'shared-dev', 'shared-prod'])
    assert.ok(!text.includes(value), value);
});

test('hover on a reference shows every environment with file and line, and no value', () => {
  const fixture = fixtureProject(ENV);
  const { source, position } = sourceWithCursor(fixture, 'agents/a.ts', 'const p = `{{secrets.STRI|PE_API_KEY}}`');
  const hover = hoverReference(source, position, fixture.project)!;
  const value = (hover.contents as MarkupContent).value;
  assert.match(value, /\| development \| set \| ✓ \.env\.development:2 \|/);
  assert.match(value, /\| production \| set \| ✓ \.env\.production:1 \|/);
  assert.match(value, /\| eval \| set \| ✓ \.env\.development:2 \|/);
  assert.match(value, /remote/);
  assert.ok(!value.includes('sk_test_value_dev') && !value.includes('sk_live_value_prod'));
  assert.deepEqual(hover.range, { start: { line: 0, character: 21 }, end: { line: 0, character: 35 } });
  const outside = sourceWithCursor(fixture, 'agents/b.ts', 'const |p = `{{secrets.STRIPE_API_KEY}}`');
  assert.equal(hoverReference(outside.source, outside.position, fixture.project), null);
});

test('hover on an .env key tells where else it is set and how often it is referenced', () => {
  const fixture = fixtureProject({ ...ENV, 'a.md': '{{secrets.SHARED}}', 'b.md': '<<secrets.SHARED>>' });
  const file = fixture.project.envFiles.get(fixture.uri('.env.development'))!;
  const hover = hoverEnvKey(file, { line: 3, character: 2 }, fixture.project)!;
  const value = (hover.contents as MarkupContent).value;
  assert.match(value, /\*\*SHARED\*\*/);
  assert.match(value, /Referenced in 2 files/);
  assert.ok(!value.includes('shared-dev'));
});

test('definition goes to the key in the selected environment file; eval goes to .env.development', () => {
  const fixture = fixtureProject(ENV);
  const { source, position } = sourceWithCursor(fixture, 'a.ts', 'context.secrets.SHA|RED');
  assert.deepEqual(findDefinition(source, position, fixture.project, 'development'), [
    {
      uri: fixture.uri('.env.development'),
      range: { start: { line: 3, character: 0 }, end: { line: 3, character: 6 } },
    },
  ]);
  assert.deepEqual(findDefinition(source, position, fixture.project, 'production'), [
    {
      uri: fixture.uri('.env.production'),
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 6 } },
    },
  ]);
  assert.equal(findDefinition(source, position, fixture.project, 'eval')[0].uri, fixture.uri('.env.development'));
});

test('definition of a key missing from the selected environment offers where it is set instead', () => {
  const fixture = fixtureProject(ENV);
  const { source, position } = sourceWithCursor(fixture, 'a.ts', '{{secrets.DEV_|ONLY}}');
  assert.deepEqual(
    findDefinition(source, position, fixture.project, 'production').map((l) => l.uri),
    [fixture.uri('.env.development')],
  );
});
