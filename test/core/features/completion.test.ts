import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver-types';
import { doComplete } from '../../../engine/core/features/completion';
import { WorkspaceIndex } from '../../../engine/core/model/workspaceIndex';
import { fixtureService, fresh, withCursor } from '../../support/coreFixtures';

const ENV = {
  '.env.development': '# dev\nSTRIPE_API_KEY=sk_test_value_dev\nDEV_ONLY=dev-value\nSHARED=shared-dev\n',
  '.env.production': 'STRIPE_API_KEY=sk_live_value_prod\nSHARED=shared-prod\n',
};

/** Completion at the `|` of `marked` in an open prompt file, through the service a plain LSP client talks to. */
function completeIn(marked: string, environment: 'development' | 'production' | 'eval' = 'development') {
  const { text, position } = withCursor(marked);
  const { at, fixture } = fixtureService(ENV, { remote: { production: fresh('REMOTE_PROD') }, open: { 'a.md': text } });
  const service = at(environment);
  service.updateDocument(fixture.uri('a.md'), text);
  const answer = service.complete(fixture.uri('a.md'), position);
  return { service, items: Array.isArray(answer) ? answer : answer.items };
}

function complete(marked: string, environment: 'development' | 'production' | 'eval' = 'development') {
  return completeIn(marked, environment).items;
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
  const { service, items } = completeIn('{{secrets.|');
  const shared = items.find((item) => item.label === 'SHARED')!;
  const resolved = service.resolveCompletion(shared);
  assert.match(resolved.detail!, /development ✓ · production ✓ · eval ✓/);
  assert.match((resolved.documentation as MarkupContent).value, /\| production \| set \| ✓ \.env\.production:2 \|/);
  const text = JSON.stringify([...items, resolved]);
  for (const value of ['sk_test_value_dev', 'sk_live_value_prod', 'dev-value', 'shared-dev', 'shared-prod'])
    assert.ok(!text.includes(value), value);
});

test('the item list is reused while nothing it shows changed, and rebuilt when an env file or remote list did', () => {
  const index = new WorkspaceIndex();
  const project = index.addProject('file:///ws');
  index.setEnvFile('file:///ws/.env.development', 'A=1\n');
  const position = { line: 0, character: '{{secrets.'.length };
  const labels = (items: readonly { label: string }[]) => items.map((item) => item.label);
  const first = doComplete('{{secrets.', position, project, 'development')!.items;
  // Control for the rebuilds below: the same inputs give the very same list.
  assert.equal(doComplete('{{secrets.', position, project, 'development')!.items, first);
  index.setEnvFile('file:///ws/.env.development', 'A=1\nB=2\n');
  const afterEdit = doComplete('{{secrets.', position, project, 'development')!.items;
  assert.deepEqual(labels(afterEdit), ['A', 'B']);
  index.setRemote('file:///ws', 'development', { state: 'fresh', names: new Set(['REMOTE']), fetchedAt: 0 });
  assert.deepEqual(labels(doComplete('{{secrets.', position, project, 'development')!.items), ['A', 'B', 'REMOTE']);
  // Another environment: the same keys are "not set in production" there, with their own closer-less items.
  const production = doComplete('context.secrets.', { line: 0, character: 16 }, project, 'production')!.items;
  assert.deepEqual(
    production.map((item) => [item.label, item.labelDetails?.description, item.textEditText]),
    [
      ['A', 'not set in production', undefined],
      ['B', 'not set in production', undefined],
      ['REMOTE', 'not set in production', undefined],
    ],
  );
});

test('no completion inside a GitHub Actions expression; the same opener without `$` completes', () => {
  assert.deepEqual(complete('${{ secrets.|'), []);
  assert.ok(complete('{{ secrets.|').length > 0);
});
