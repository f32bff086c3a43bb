import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseEnv } from '../../engine/core/model/envParser';
import {
  CLOAK_MASK as M,
  CLOAK_SCOPE,
  cloakRanges,
  grammarOnlyRanges,
  maskValues,
  rangesToHide,
} from '../../client/src/valueCloak';
import { CLOAK_RULE, cloakRuleStatus, withCloakRule } from '../../client/src/cloakRule';
import { isEnvFilePath } from '../../client/src/maskedEnvView';

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

test('maskValues: every value becomes the mask, lines and key positions unchanged, comments kept', () => {
  const text = '# OLD=IBEX\nA=plain # note\nB="multi\nline"\nC=\'sq\'\nMY KEY=broken\n';
  const masked = maskValues(text);
  assert.equal(masked, `# OLD=${M}\nA=${M} # note\nB="${M}\n${M}"\nC='${M}'\nMY KEY=${M}\n`);
  for (const value of ['IBEX', 'plain', 'multi', 'line', 'sq', 'broken']) assert.ok(!masked.includes(value), value);
  // Same keys on the same lines and columns: a location computed on the real file is right in the masked one.
  assert.deepEqual(
    parseEnv(masked).entries.map((e) => [e.key, e.line, e.keyStart - masked.lastIndexOf('\n', e.keyStart - 1)]),
    parseEnv(text).entries.map((e) => [e.key, e.line, e.keyStart - text.lastIndexOf('\n', e.keyStart - 1)]),
  );
});

test('grammarOnlyRanges: after an unterminated quote, the non-value text (keys, comments) is returned; else nothing', () => {
  assert.deepEqual(grammarOnlyRanges('A="x"\nB=1\n', cloakRanges('A="x"\nB=1\n')), []);
  const text = 'A="open\nB=1 # c\n';
  const parts = grammarOnlyRanges(text, cloakRanges(text)).map((r) => text.slice(r.start, r.end));
  assert.deepEqual(parts, ['\nB=', ' # c\n']);
});

test('cloakRuleStatus: our default applies unless a layer with its own top-level textMateRules replaces it', () => {
  const ours = { textMateRules: [CLOAK_RULE] };
  const theirs = { textMateRules: [{ scope: 'comment', settings: { foreground: '#888888' } }] };
  assert.deepEqual(cloakRuleStatus({ defaultValue: ours }), { applied: true });
  // Objects merge key by key: other keys, or a [Theme] block (whose rules are appended), leave ours in place.
  assert.deepEqual(cloakRuleStatus({ defaultValue: ours, globalValue: { comments: '#888888' } }), { applied: true });
  assert.deepEqual(cloakRuleStatus({ defaultValue: ours, globalValue: { '[Default Dark+]': theirs } }), {
    applied: true,
  });
  // Arrays are replaced whole: the most specific layer with textMateRules decides.
  assert.deepEqual(cloakRuleStatus({ defaultValue: ours, globalValue: theirs }), {
    applied: false,
    droppedBy: 'global',
  });
  assert.deepEqual(cloakRuleStatus({ defaultValue: ours, globalValue: ours, workspaceValue: theirs }), {
    applied: false,
    droppedBy: 'workspace',
  });
  assert.deepEqual(cloakRuleStatus({ defaultValue: ours, globalValue: withCloakRule(theirs) }), { applied: true });
  // Another extension's configurationDefaults replaced ours.
  assert.deepEqual(cloakRuleStatus({ defaultValue: theirs }), { applied: false, droppedBy: 'default' });
  // Our scope with a visible colour does not count.
  const visibleRule = { textMateRules: [{ scope: CLOAK_SCOPE, settings: { foreground: '#ff0000' } }] };
  assert.deepEqual(cloakRuleStatus({ defaultValue: ours, globalValue: visibleRule }), {
    applied: false,
    droppedBy: 'global',
  });
});

test('withCloakRule keeps the layer’s other keys and rules, and appends ours', () => {
  const value = { comments: '#888888', textMateRules: [{ scope: 'comment', settings: { fontStyle: 'italic' } }] };
  assert.deepEqual(withCloakRule(value), { comments: '#888888', textMateRules: [value.textMateRules[0], CLOAK_RULE] });
  assert.deepEqual(withCloakRule(undefined), { textMateRules: [CLOAK_RULE] });
});

test('isEnvFilePath follows the manifest’s dotenv file names', () => {
  for (const name of ['/p/.env', '/p/.env.development', '/p/.env.local', '/p/prod.env'])
    assert.ok(isEnvFilePath(name), name);
  for (const name of ['/p/env.ts', '/p/.envrc', '/p/.env/x.ts', '/p/notes.md']) assert.ok(!isEnvFilePath(name), name);
});
