import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseEnv } from '../../engine/core/envParser';
import { cloakRanges, rangesToHide } from '../../client/src/valueCloak';

// What the .env cloak hides: the text under each range, as the reader would see it gone.
const hidden = (text: string) => cloakRanges(text).map((range) => text.slice(range.start, range.end));

/** The text with every cloaked range replaced by `•`: what stays visible. */
const visible = (text: string) => {
  let out = '';
  let at = 0;
  for (const range of cloakRanges(text)) {
    out += `${text.slice(at, range.start)}•`;
    at = range.end;
  }
  return out + text.slice(at);
};

test('hides plain values and keeps keys, separators and blanks visible', () => {
  assert.deepEqual(hidden('A=1\nB = two words  \nC:  colon\n'), ['1', 'two words', 'colon']);
  assert.equal(visible('A=1\nB = two words  \nC:  colon\n'), 'A=•\nB = •  \nC:  •\n');
});

test('quoted values are hidden inside their quotes, whatever the quote', () => {
  assert.equal(visible(`A="double"\nB='single'\nC=\`tick\`\nD="has # hash"\n`), 'A="•"\nB=\'•\'\nC=`•`\nD="•"\n');
});

test('a multiline quoted value is one range over all its lines; lines inside it are not comments', () => {
  const text = 'KEY="line one\n# not a comment=really\nline three"\nNEXT=x\n';
  assert.deepEqual(hidden(text), ['line one\n# not a comment=really\nline three', 'x']);
  const pem = "CERT='-----BEGIN KEY-----\nabc\n-----END KEY-----'\n";
  assert.equal(visible(pem), "CERT='•'\n");
});

test('export prefix stays visible; the value is hidden', () => {
  assert.equal(visible('export TOKEN=abc\nexport  SPACED = "q"\n'), 'export TOKEN=•\nexport  SPACED = "•"\n');
});

test('trailing comments stay visible; prose comments are untouched; commented-out assignments are hidden', () => {
  const text = [
    '# Development secrets. Format: KEY=value',
    'A=1 # the first',
    '# OLD_TOKEN=sk_live_old',
    '  #export LEGACY = "kept" ',
    '## Note: nothing to hide here',
    '#',
  ].join('\n');
  assert.equal(
    visible(text),
    [
      '# Development secrets. Format: KEY=value',
      'A=• # the first',
      '# OLD_TOKEN=•',
      '  #export LEGACY = "•" ',
      '## Note: nothing to hide here',
      '#',
    ].join('\n'),
  );
});

test('empty values give no range (nothing to hide, and a mask would suggest a value)', () => {
  assert.deepEqual(cloakRanges('A=\nB=""\nC=\'\'\nD= # comment only\nE=   \n'), []);
});

test('CRLF: offsets are into the original text, ranges stop before the CR', () => {
  const text = 'A=1\r\nB="two"\r\nC=multi "x"\r\n# OLD=gone\r\n';
  assert.deepEqual(hidden(text), ['1', 'two', 'multi "x"', 'gone']);
  const multiline = 'K="a\r\nb"\r\nL=c\r\n';
  assert.deepEqual(hidden(multiline), ['a\r\nb', 'c']);
});

test('an unterminated quote hides the rest of the line, opening quote included', () => {
  assert.deepEqual(hidden('A="never closed\nB=ok\n'), ['"never closed', 'ok']);
});

test('a malformed line holding "=" still has its value hidden', () => {
  assert.equal(visible('MY KEY=sk_live_abc\nno equals here\n'), 'MY KEY=•\nno equals here\n');
});

test('ranges come out sorted and never overlap', () => {
  const text = '# X=1\nA=2\n# Y=3\nBAD LINE=4\nB="5\n6"\n';
  const ranges = cloakRanges(text);
  for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i - 1].end <= ranges[i].start, `range ${i} overlaps`);
  assert.deepEqual(hidden(text), ['1', '2', '3', '4', '5\n6']);
});

test('rangesToHide: a value shows while a cursor is on one of its lines, every other stays hidden', () => {
  const text = 'A=one\nB=two\nC="three\nfour"\nD=five\n';
  const ranges = cloakRanges(text);
  const shown = (cursors: number[]) => {
    const hide = new Set(rangesToHide(text, ranges, cursors).map((range) => text.slice(range.start, range.end)));
    return ranges.map((range) => text.slice(range.start, range.end)).filter((value) => !hide.has(value));
  };
  assert.deepEqual(shown([]), []);
  assert.deepEqual(shown([text.indexOf('B=')]), ['two'], 'cursor at the line start');
  assert.deepEqual(shown([text.indexOf('two') + 3]), ['two'], 'cursor at the line end');
  assert.deepEqual(shown([text.indexOf('four')]), ['three\nfour'], 'any line of a multiline value');
  assert.deepEqual(shown([text.indexOf('A='), text.indexOf('D=')]), ['one', 'five'], 'several cursors');
  assert.deepEqual(shown([text.length]), [], 'cursor on the empty last line');
});

test('rangesToHide with CRLF line ends', () => {
  const text = 'A=one\r\nB=two\r\n';
  const ranges = cloakRanges(text);
  assert.deepEqual(
    rangesToHide(text, ranges, [text.indexOf('B')]).map((range) => text.slice(range.start, range.end)),
    ['one'],
  );
});

test('every non-empty value of the example .env files lies inside a cloaked range (failures name keys only)', () => {
  for (const name of ['.env.development', '.env.production']) {
    const text = readFileSync(path.resolve(__dirname, '../../examples/support-agent', name), 'utf8');
    const ranges = cloakRanges(text);
    for (const entry of parseEnv(text).entries) {
      if (entry.value === '') continue;
      const covered = ranges.some(
        (range) =>
          range.start <= entry.valueStart + (entry.quote ? 1 : 0) &&
          entry.valueEnd - (entry.quote ? 1 : 0) <= range.end,
      );
      assert.ok(covered, `${name}: the value of ${entry.key} is not cloaked`);
    }
  }
});
