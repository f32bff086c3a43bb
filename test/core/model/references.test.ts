import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanReferences } from '../../../engine/core/model/references';

const keys = (text: string) => scanReferences(text).map((r) => `${r.kind}:${r.key}:${r.valid}`);

test('finds every reference form with the range of the key alone', () => {
  const text = [
    'Hello {{secrets.COMPANY_NAME}} and {{  secrets.SUPPORT_EMAIL  }}.',
    'Template <<secrets.WELCOME>> then <<  secrets.SPACED >>',
    'const a = context.secrets.ORDERS_TOKEN;',
    'const b = context.secrets["ZENDESK"] + context.secrets[\'SINGLE\'] + context.secrets[`TICK`];',
    'const c = context?.secrets?.OPTIONAL;',
  ].join('\n');
  const references = scanReferences(text);
  assert.deepEqual(
    references.map((r) => `${r.kind}:${r.key}`),
    [
      'template:COMPANY_NAME',
      'template:SUPPORT_EMAIL',
      'angle:WELCOME',
      'angle:SPACED',
      'context:ORDERS_TOKEN',
      'context-bracket:ZENDESK',
      'context-bracket:SINGLE',
      'context-bracket:TICK',
      'context:OPTIONAL',
    ],
  );
  const lines = text.split('\n');
  for (const reference of references) {
    assert.equal(text.slice(reference.start, reference.end), reference.key);
    assert.equal(reference.range.start.line, reference.range.end.line);
    assert.equal(
      lines[reference.range.start.line].slice(reference.range.start.character, reference.range.end.character),
      reference.key,
    );
  }
});

test('names that fail the key pattern are invalid references', () => {
  assert.deepEqual(keys('{{secrets.1ST}} {{secrets.my-key}} {{secrets.}} {{secrets.ok_1}}'), [
    'template:1ST:false',
    'template:my-key:false',
    'template::false',
    'template:ok_1:true',
  ]);
  assert.deepEqual(keys('context.secrets["has space"] context.secrets.$dollar'), [
    'context-bracket:has space:false',
    'context:$dollar:false',
  ]);
});

test('ignores near misses', () => {
  assert.deepEqual(
    keys('secrets.KEY {secrets.KEY} {{ env.KEY }} process.env.KEY contextsecrets.KEY {{secrets.KEY}'),
    [],
  );
});

test('positions are right after CRLF and lone CR line breaks', () => {
  const text = 'a\r\nb\rc\n  {{secrets.X}}';
  const [reference] = scanReferences(text);
  assert.deepEqual(reference.range.start, { line: 3, character: 12 });
});

test('columns count UTF-16 code units like LSP', () => {
  const [reference] = scanReferences('😀 é {{secrets.EMOJI}}');
  assert.equal(reference.range.start.character, '😀 é {{secrets.'.length);
});

test('a huge file without references is scanned quickly and one with many linearly', () => {
  const noise = 'x'.repeat(5_000_000);
  assert.deepEqual(scanReferences(noise), []);
  const many = '{{secrets.K}} '.repeat(100_000);
  assert.equal(scanReferences(many).length, 100_000);
  // Pathological openers with no closer must not backtrack quadratically.
  assert.deepEqual(scanReferences('{{secrets.' + 'A'.repeat(1_000_000)), []);
  assert.deepEqual(scanReferences('{{ secrets.'.repeat(100_000)), []);
});

test('GitHub Actions expressions are not references: a `$` right before `{{` makes them GitHub syntax', () => {
  assert.deepEqual(keys('token: ${{ secrets.TURBO_TOKEN }} and ${{secrets.NPM_TOKEN}}'), []);
  // Control: the same text without the `$`, and a `$` that is not right before the braces, are references.
  assert.deepEqual(keys('token: {{ secrets.TURBO_TOKEN }} and $ {{secrets.NPM_TOKEN}} $x{{secrets.X}}'), [
    'template:TURBO_TOKEN:true',
    'template:NPM_TOKEN:true',
    'template:X:true',
  ]);
});
