import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { scanReferences } from '../../../engine/core/model/references';
import { LineIndex } from '../../../engine/core/base/text';

/**
 * scanReferences works out each key's offset from the shape of its match and its line by jumping between line
 * breaks. Oracles that do neither: the same pattern with the `d` flag (each group's offsets from the engine) and
 * LineIndex (every character, \n, \r\n and a lone \r), over texts assembled from the pieces references are made of.
 */
const ORACLE = new RegExp(
  String.raw`\{\{[ \t]*secrets\.([^\s{}<>]*)[ \t]*\}\}|<<[ \t]*secrets\.([^\s{}<>]*)[ \t]*>>` +
    String.raw`|context\??\.secrets\??\.([A-Za-z0-9_$]+)|context\??\.secrets\??\.?\[[ \t]*(["'\`])([^"'\`\r\n\]]*)\4[ \t]*\]`,
  'dg',
);

function oracle(text: string): { key: string; start: number }[] {
  const found: { key: string; start: number }[] = [];
  ORACLE.lastIndex = 0;
  for (let match = ORACLE.exec(text); match; match = ORACLE.exec(text)) {
    const group = [1, 2, 3, 5].find((g) => match![g] !== undefined)!;
    found.push({ key: match[group]!, start: match.indices![group]![0] });
  }
  return found;
}

const piece = fc.constantFrom(
  '{{',
  '}}',
  '<<',
  '>>',
  '{{ ',
  ' }}',
  'secrets.',
  'secrets',
  'context.',
  'context?.',
  '?.',
  '.',
  '[',
  ']',
  '"',
  "'",
  '`',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\r',
  'A',
  'KEY_1',
  'é',
  '$x',
  'x',
  '{',
  '<',
  'secrets.secrets',
);

test('scanReferences finds the same keys at the same offsets and positions as the d-flag and LineIndex oracles', () => {
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
      const text = pieces.join('');
      const lines = new LineIndex(text);
      const scanned = scanReferences(text);
      assert.deepEqual(
        scanned.map(({ key, start }) => ({ key, start })),
        oracle(text),
      );
      for (const reference of scanned) {
        assert.deepEqual(reference.range.start, lines.positionAt(reference.start));
        assert.equal(reference.end, reference.start + reference.key.length);
      }
    }),
    { numRuns: 3000 },
  );
});

test('control: the oracles tell a misplaced key apart', () => {
  const text = 'x\r\n{{ secrets.A }} context.secrets["B"]';
  const [a, b] = scanReferences(text);
  assert.deepEqual(oracle(text), [
    { key: 'A', start: 14 },
    { key: 'B', start: 36 },
  ]);
  assert.deepEqual([a!.start, b!.start], [14, 36]);
  assert.deepEqual(a!.range.start, { line: 1, character: 11 });
});
