import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineIndex } from '../../../engine/core/base/text';

/** Oracle: the lines LSP defines (\n, \r\n and a lone \r each end one), found by splitting. */
function lineStartsBySplitting(text: string): number[] {
  const starts = [0];
  const breaks = /\r\n|\r|\n/g;
  for (let match = breaks.exec(text); match; match = breaks.exec(text)) starts.push(match.index + match[0].length);
  return starts;
}

const pieces = (withCarriageReturns: boolean) =>
  fc.array(fc.constantFrom('a', 'é', ' ', '\n', '\n\n', ...(withCarriageReturns ? ['\r', '\r\n'] : [])), {
    maxLength: 60,
  });

for (const withCarriageReturns of [false, true])
  test(`LineIndex puts every offset on the line the oracle does (${withCarriageReturns ? 'with' : 'without'} \\r)`, () => {
    fc.assert(
      fc.property(pieces(withCarriageReturns), (parts) => {
        const text = parts.join('');
        const index = new LineIndex(text);
        const starts = lineStartsBySplitting(text);
        assert.equal(index.lineCount, starts.length);
        starts.forEach((start, line) => assert.equal(index.lineStart(line), start));
      }),
      { numRuns: 2000 },
    );
  });

test('control: the oracle tells a lone \\r apart from no break', () => {
  assert.notDeepEqual(lineStartsBySplitting('a\rb'), lineStartsBySplitting('a b'));
  assert.equal(new LineIndex('a\rb').lineCount, 2);
});
