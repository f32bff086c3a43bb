import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver-types';
import { agentFileWithCursor, fixtureService } from '../../support/coreFixtures';

const ENV = {
  '.env.development': '# dev\nSTRIPE_API_KEY=sk_test_value_dev\nDEV_ONLY=dev-value\nSHARED=shared-dev\n',
  '.env.production': 'STRIPE_API_KEY=sk_live_value_prod\nSHARED=shared-prod\n',
};

test('hover on a reference shows every environment with file and line, and no value', () => {
  const { service, fixture } = fixtureService(ENV);
  const { position } = agentFileWithCursor(fixture, 'agents/a.ts', 'const p = `{{secrets.STRI|PE_API_KEY}}`');
  const hover = service.hover(fixture.uri('agents/a.ts'), position)!;
  const value = (hover.contents as MarkupContent).value;
  assert.match(value, /\| development \| set \| ✓ \.env\.development:2 \|/);
  assert.match(value, /\| production \| set \| ✓ \.env\.production:1 \|/);
  assert.match(value, /\| eval \| set \| ✓ \.env\.development:2 \|/);
  assert.match(value, /remote/);
  assert.ok(!value.includes('sk_test_value_dev') && !value.includes('sk_live_value_prod'));
  assert.deepEqual(hover.range, { start: { line: 0, character: 21 }, end: { line: 0, character: 35 } });
  const outside = agentFileWithCursor(fixture, 'agents/b.ts', 'const |p = `{{secrets.STRIPE_API_KEY}}`');
  assert.equal(service.hover(fixture.uri('agents/b.ts'), outside.position), null);
});

test('hover on an .env key tells where else it is set and how often it is referenced', () => {
  const { service, fixture } = fixtureService({ ...ENV, 'a.md': '{{secrets.SHARED}}', 'b.md': '<<secrets.SHARED>>' });
  const hover = service.hover(fixture.uri('.env.development'), { line: 3, character: 2 })!;
  const value = (hover.contents as MarkupContent).value;
  assert.match(value, /\*\*SHARED\*\*/);
  assert.match(value, /Referenced in 2 files/);
  assert.ok(!value.includes('shared-dev'));
});
