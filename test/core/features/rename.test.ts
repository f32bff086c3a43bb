import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdit, fixtureService, withCursor } from '../../support/coreFixtures';

test('rename from an .env key or a reference changes every file together; invalid names are refused', () => {
  const texts = {
    '.env.development': 'OLD=1\nOLD=2\n',
    '.env.production': 'OLD=3\n',
    'a.md': '{{secrets.OLD}} <<secrets.OLD>>',
    't.ts': 'context.secrets["OLD"]',
    'b.md': '{{secrets.OLDER}}',
  };
  const { service, fixture } = fixtureService(texts);
  const { position } = withCursor('{{secrets.O|LD}}');
  assert.deepEqual(service.prepareRename(fixture.uri('a.md'), position), {
    range: { start: { line: 0, character: 10 }, end: { line: 0, character: 13 } },
    placeholder: 'OLD',
  });
  const renamed = service.rename(fixture.uri('a.md'), position, 'NEW');
  assert.ok(renamed);
  const after = applyEdit(renamed.edit, Object.fromEntries(Object.entries(texts).map(([n, t]) => [fixture.uri(n), t])));
  assert.equal(after[fixture.uri('.env.development')], 'NEW=1\nNEW=2\n');
  assert.equal(after[fixture.uri('.env.production')], 'NEW=3\n');
  assert.equal(after[fixture.uri('a.md')], '{{secrets.NEW}} <<secrets.NEW>>');
  assert.equal(after[fixture.uri('t.ts')], 'context.secrets["NEW"]');
  assert.equal(after[fixture.uri('b.md')], '{{secrets.OLDER}}');
  assert.throws(() => service.rename(fixture.uri('.env.production'), { line: 0, character: 1 }, '9-bad'), {
    name: 'ServiceRefusal',
    message:
      "A 5-character name starting with a digit, with '-' in it cannot be a secret name: use letters, digits and _ and do not start with a digit.",
  });
});

test('references and highlights of a key, from a reference or a definition', () => {
  const { service, fixture } = fixtureService({
    '.env.development': 'export KEY="v"\nOTHER=1\n',
    '.env.production': 'KEY=1\n',
    'a.md': '{{secrets.KEY}} {{secrets.KEY}}',
    't.ts': 'context.secrets.KEY',
  });
  const refs = service.references(fixture.uri('t.ts'), { line: 0, character: 17 }, true);
  assert.equal(refs.length, 5);
  assert.equal(service.references(fixture.uri('t.ts'), { line: 0, character: 17 }, false).length, 3);
  assert.deepEqual(
    service.highlights(fixture.uri('a.md'), { line: 0, character: 11 }).map((h) => h.range.start.character),
    [10, 26],
  );
});
