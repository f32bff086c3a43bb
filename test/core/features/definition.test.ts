import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentFileWithCursor, fixtureService } from '../../support/coreFixtures';

const ENV = {
  '.env.development': '# dev\nSTRIPE_API_KEY=sk_test_value_dev\nDEV_ONLY=dev-value\nSHARED=shared-dev\n',
  '.env.production': 'STRIPE_API_KEY=sk_live_value_prod\nSHARED=shared-prod\n',
};

test('definition goes to the key in the selected environment file; eval goes to .env.development', () => {
  const { at, fixture } = fixtureService(ENV);
  const { position } = agentFileWithCursor(fixture, 'a.ts', 'context.secrets.SHA|RED');
  const uri = fixture.uri('a.ts');
  assert.deepEqual(at('development').definition(uri, position), [
    {
      uri: fixture.uri('.env.development'),
      range: { start: { line: 3, character: 0 }, end: { line: 3, character: 6 } },
    },
  ]);
  assert.deepEqual(at('production').definition(uri, position), [
    {
      uri: fixture.uri('.env.production'),
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 6 } },
    },
  ]);
  assert.equal(at('eval').definition(uri, position)[0].uri, fixture.uri('.env.development'));
});

test('definition of a key missing from the selected environment offers where it is set instead', () => {
  const { at, fixture } = fixtureService(ENV);
  const { position } = agentFileWithCursor(fixture, 'a.ts', '{{secrets.DEV_|ONLY}}');
  const uri = fixture.uri('a.ts');
  assert.deepEqual(
    at('production')
      .definition(uri, position)
      .map((l) => l.uri),
    [fixture.uri('.env.development')],
  );
});
