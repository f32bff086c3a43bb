import assert from 'node:assert/strict';
import { test } from 'node:test';
import dotenv from 'dotenv';
import {
  isExported,
  keyEndOf,
  parseEnv,
  toValueMap,
  type EnvEntry,
  type ParsedEnv,
} from '../../../engine/core/model/envParser';
import { LINEARITY_CASES } from '../../../bench/parseCases';

/** What an entry looks like in the text: the spans sliced out, so fixtures read like the file. */
function view(text: string, entry: EnvEntry) {
  return {
    key: entry.key,
    value: entry.value,
    line: entry.line,
    keyText: text.slice(entry.keyStart, keyEndOf(entry)),
    valueText: text.slice(entry.valueStart, entry.valueEnd),
    entryText: text.slice(entry.entryStart, entry.valueEnd),
    quote: entry.quote,
    exported: isExported(entry),
  };
}

function problemsOf(text: string, parsed: ParsedEnv) {
  return parsed.problems.map((p) => ({ code: p.code, line: p.line, text: text.slice(p.start, p.end) }));
}

/** Parses and checks the value map against dotenv itself, so every fixture doubles as a conformance test. */
function parse(text: string): ParsedEnv {
  const parsed = parseEnv(text);
  assert.deepEqual(
    toValueMap(parsed),
    new Map(Object.entries(dotenv.parse(text))),
    `value map of ${JSON.stringify(text)}`,
  );
  return parsed;
}

function single(text: string) {
  const parsed = parse(text);
  assert.equal(parsed.entries.length, 1, `one entry in ${JSON.stringify(text)}`);
  return view(text, parsed.entries[0]);
}

void test('plain entries: key, value, ranges and lines', () => {
  const text = 'A=1\nB=two words\n\nC_3=x';
  const parsed = parse(text);
  assert.deepEqual(
    parsed.entries.map((e) => view(text, e)),
    [
      {
        key: 'A',
        value: '1',
        line: 0,
        keyText: 'A',
        valueText: '1',
        entryText: 'A=1',
        quote: undefined,
        exported: false,
      },
      {
        key: 'B',
        value: 'two words',
        line: 1,
        keyText: 'B',
        valueText: 'two words',
        entryText: 'B=two words',
        quote: undefined,
        exported: false,
      },
      {
        key: 'C_3',
        value: 'x',
        line: 3,
        keyText: 'C_3',
        valueText: 'x',
        entryText: 'C_3=x',
        quote: undefined,
        exported: false,
      },
    ],
  );
  assert.deepEqual(parsed.problems, []);
});

void test('blanks around key, separator and value are trimmed; ranges exclude them', () => {
  assert.deepEqual(single('\t A \t=\t b  c \t'), {
    key: 'A',
    value: 'b  c',
    line: 0,
    keyText: 'A',
    valueText: 'b  c',
    entryText: 'A \t=\t b  c',
    quote: undefined,
    exported: false,
  });
});

void test('empty values: empty span right after the separator', () => {
  const parsed = parse('A=\nB=   \nC= # note\nD=#x\n');
  for (const entry of parsed.entries) {
    assert.equal(entry.value, '');
    assert.equal(entry.valueStart, entry.valueEnd);
    assert.equal(entry.valueStart, keyEndOf(entry) + 1, `${entry.key}: span starts after "="`);
  }
  assert.deepEqual(
    parsed.entries.map((e) => e.key),
    ['A', 'B', 'C', 'D'],
  );
  assert.deepEqual(parsed.problems, []);
});

void test('`=` inside values and keys with dots and dashes', () => {
  assert.equal(single('URL=postgres://u:p@h/db?x=1&y=2').value, 'postgres://u:p@h/db?x=1&y=2');
  assert.equal(single('my.dotted-key=v').key, 'my.dotted-key');
});

void test('comments: whole-line, trailing with and without a space, `#` inside quotes', () => {
  const text = '# heading\n  #indented\nA=b#c\nB=b # c\nC="b # c" # d\nD=\'#\'\n';
  const parsed = parse(text);
  assert.deepEqual(
    parsed.entries.map((e) => [e.key, e.value, text.slice(e.entryStart, e.valueEnd)]),
    [
      ['A', 'b', 'A=b'],
      ['B', 'b', 'B=b'],
      ['C', 'b # c', 'C="b # c"'],
      ['D', '#', "D='#'"],
    ],
  );
  assert.deepEqual(parsed.problems, []);
});

void test('quotes of all three kinds: value without quotes, range with them', () => {
  assert.deepEqual(single(`A='single'  `), {
    key: 'A',
    value: 'single',
    line: 0,
    keyText: 'A',
    valueText: "'single'",
    entryText: "A='single'",
    quote: "'",
    exported: false,
  });
  assert.equal(single('A="double"').quote, '"');
  assert.equal(single('A=`tick` # c').value, 'tick');
  assert.equal(single('A= " padded " ').value, ' padded ');
  assert.equal(single("A=''").value, '');
});

void test('escapes: \\n and \\r expand in double quotes only', () => {
  assert.equal(single('A="x\\ny\\rz"').value, 'x\ny\rz');
  assert.equal(single("A='x\\ny'").value, 'x\\ny');
  assert.equal(single('A=`x\\ny`').value, 'x\\ny');
  assert.equal(single('A=x\\ny').value, 'x\\ny');
  assert.equal(single('A="say \\"hi\\""').value, 'say \\"hi\\"');
});

void test('export prefix', () => {
  assert.deepEqual(single('export  API_KEY=abc'), {
    key: 'API_KEY',
    value: 'abc',
    line: 0,
    keyText: 'API_KEY',
    valueText: 'abc',
    entryText: 'export  API_KEY=abc',
    quote: undefined,
    exported: true,
  });
  assert.deepEqual(
    [single('export=1').key, single('export =1').key, single('exported=1').key],
    ['export', 'export', 'exported'],
  );
  assert.equal(single('export =1').exported, false);
  const parsed = parse('export ONLY_A_NAME\n');
  assert.deepEqual(parsed.entries, []);
  assert.deepEqual(problemsOf('export ONLY_A_NAME\n', parsed), [
    { code: 'malformed-line', line: 0, text: 'export ONLY_A_NAME' },
  ]);
});

void test('`KEY: value` separator needs the colon right after the key and a blank after it', () => {
  assert.deepEqual(single('A: b'), {
    key: 'A',
    value: 'b',
    line: 0,
    keyText: 'A',
    valueText: 'b',
    entryText: 'A: b',
    quote: undefined,
    exported: false,
  });
  assert.equal(single('A:\t"q"').value, 'q');
  const text = 'B:b\nC : d\n';
  const parsed = parse(text);
  assert.deepEqual(parsed.entries, []);
  assert.deepEqual(
    problemsOf(text, parsed).map((p) => p.line),
    [0, 1],
  );
});

void test('multiline double-quoted value (PEM), LF and CRLF, and the lines after it', () => {
  for (const eol of ['\n', '\r\n', '\r']) {
    const text = ['A=1', 'KEY="-----BEGIN-----', 'abc', '-----END-----"', 'B=2'].join(eol);
    const parsed = parse(text);
    assert.deepEqual(
      parsed.entries.map((e) => [e.key, e.line]),
      [
        ['A', 0],
        ['KEY', 1],
        ['B', 4],
      ],
    );
    const key = parsed.entries[1];
    assert.equal(key.value, '-----BEGIN-----\nabc\n-----END-----');
    assert.equal(text.slice(key.valueStart, key.valueEnd), `"-----BEGIN-----${eol}abc${eol}-----END-----"`);
    assert.deepEqual(parsed.problems, []);
  }
});

void test('CRLF and lone CR line endings', () => {
  const text = 'A=1\r\nB="2"\r\n\r\n# c\r\nC=3\rD=4';
  const parsed = parse(text);
  assert.deepEqual(
    parsed.entries.map((e) => [e.key, e.value, e.line]),
    [
      ['A', '1', 0],
      ['B', '2', 1],
      ['C', '3', 4],
      ['D', '4', 5],
    ],
  );
  assert.equal(text.slice(parsed.entries[0].valueStart, parsed.entries[0].valueEnd), '1');
});

void test('BOM: skipped as a blank, offsets stay UTF-16 offsets of the input', () => {
  const text = '\ufeffA=1\nB=2';
  const parsed = parse(text);
  assert.equal(parsed.entries[0].keyStart, 1);
  assert.equal(parsed.entries[0].entryStart, 1);
  assert.deepEqual(
    parsed.entries.map((e) => [e.key, e.line]),
    [
      ['A', 0],
      ['B', 1],
    ],
  );
  assert.equal(single('A=\ufeffx\ufeff').value, 'x');
});

void test('unicode values: offsets count UTF-16 code units', () => {
  const text = 'GREETING=héllo 😀 wörld # ✓\nNEXT=ü';
  const parsed = parse(text);
  assert.deepEqual(
    parsed.entries.map((e) => view(text, e).valueText),
    ['héllo 😀 wörld', 'ü'],
  );
  assert.equal(parsed.entries[1].keyStart, text.indexOf('NEXT'));
});

void test('duplicates: both entries reported, the later value wins in the map', () => {
  const parsed = parse('A=1\nB=x\nA=2\n');
  assert.deepEqual(
    parsed.entries.map((e) => e.key),
    ['A', 'B', 'A'],
  );
  assert.equal(toValueMap(parsed).get('A'), '2');
});

void test('malformed lines: what dotenv silently drops, range = trimmed line', () => {
  const text = 'just words\n  =nokey\n"quoted"\nA=1\n   spaced out   \nexport\n# ok\n\n';
  const parsed = parse(text);
  assert.deepEqual(
    parsed.entries.map((e) => e.key),
    ['A'],
  );
  assert.deepEqual(problemsOf(text, parsed), [
    { code: 'malformed-line', line: 0, text: 'just words' },
    { code: 'malformed-line', line: 1, text: '=nokey' },
    { code: 'malformed-line', line: 2, text: '"quoted"' },
    { code: 'malformed-line', line: 4, text: 'spaced out' },
    { code: 'malformed-line', line: 5, text: 'export' },
  ]);
});

void test('unterminated quote at the end of a line: value keeps the quote, problem from the quote to line end', () => {
  const text = 'OPEN="never closed\nB=2\n';
  const parsed = parse(text);
  assert.deepEqual(
    parsed.entries.map((e) => [e.key, e.value, e.quote]),
    [
      ['OPEN', '"never closed', undefined],
      ['B', '2', undefined],
    ],
  );
  assert.deepEqual(problemsOf(text, parsed), [{ code: 'unterminated-quote', line: 0, text: '"never closed' }]);
});

void test('unterminated quote up to a trailing comment still counts', () => {
  const text = "A='abc # note\n";
  const parsed = parse(text);
  assert.equal(parsed.entries[0].value, "'abc");
  assert.deepEqual(problemsOf(text, parsed), [{ code: 'unterminated-quote', line: 0, text: "'abc # note" }]);
});

void test('a close reached only through a later escaped quote swallows lines: value as dotenv, problem reported', () => {
  const text = 'A="abc\nB=1\nC=say \\"hi\\"\nD=4';
  const parsed = parse(text);
  assert.deepEqual(
    parsed.entries.map((e) => e.key),
    ['A', 'D'],
  );
  assert.equal(parsed.entries[0].value, 'abc\nB=1\nC=say \\"hi\\');
  assert.equal(parsed.entries[1].line, 3);
  assert.deepEqual(problemsOf(text, parsed), [{ code: 'unterminated-quote', line: 0, text: '"abc' }]);
});

void test('a genuine multiline close is not a problem, even when it swallows KEY=VALUE-looking lines', () => {
  const parsed = parse('A="abc\nB=1"\nC=2');
  assert.deepEqual(
    parsed.entries.map((e) => [e.key, e.value]),
    [
      ['A', 'abc\nB=1'],
      ['C', '2'],
    ],
  );
  assert.deepEqual(parsed.problems, []);
});

void test('a quote closed before junk is an unquoted value, not an unterminated quote', () => {
  const parsed = parse('A="abc"def\nB="a"b"\n');
  assert.deepEqual(
    parsed.entries.map((e) => [e.value, e.quote]),
    [
      ['"abc"def', undefined],
      ['a"b', undefined],
    ],
  );
  assert.deepEqual(parsed.problems, []);
});

void test('dotenv quirks: blanks (line breaks included) around separators, `KEY:` swallowing the next line', () => {
  const crossLine = parse('KEY\n=val\n');
  assert.deepEqual(
    crossLine.entries.map((e) => [e.key, e.value, e.line]),
    [['KEY', 'val', 0]],
  );
  assert.deepEqual(crossLine.problems, []);

  const emptyThenQuoted = parse("A=\n'on the next line'\n");
  assert.deepEqual(
    emptyThenQuoted.entries.map((e) => [e.key, e.value]),
    [['A', 'on the next line']],
  );

  const colonNewline = parse('A:\nB=2\n');
  assert.deepEqual(
    colonNewline.entries.map((e) => [e.key, e.value, e.line]),
    [['A', 'B=2', 0]],
  );

  const exportNewline = parse('export\nFOO=1');
  assert.deepEqual(
    exportNewline.entries.map((e) => [e.key, isExported(e), e.line]),
    [['FOO', true, 1]],
  );
});

void test('U+2028 ends a comment or a failed line for dotenv but not an unquoted value', () => {
  assert.deepEqual(single('A=1\u2028B=2').value, '1\u2028B=2');
  assert.deepEqual(single("A=x\u2028'q'").value, 'x\u2028q');
  assert.deepEqual(single("A=x\u2028''").value, 'x\u2028');
  assert.deepEqual(single("A=x\u2028'a'\u2029b").value, 'x\u2028a\u2029b');
  const parsed = parse('# c\u2028B=2\nnope\u2029C=3');
  assert.deepEqual(
    parsed.entries.map((e) => [e.key, e.line]),
    [
      ['B', 0],
      ['C', 1],
    ],
  );
  assert.deepEqual(problemsOf('# c\u2028B=2\nnope\u2029C=3', parsed), [
    { code: 'malformed-line', line: 1, text: 'nope' },
  ]);
});

void test('__proto__ is an entry but not in the value map, like dotenv', () => {
  const parsed = parse('__proto__=x\nA=1');
  assert.deepEqual(
    parsed.entries.map((e) => e.key),
    ['__proto__', 'A'],
  );
  assert.deepEqual([...toValueMap(parsed)], [['A', '1']]);
});

void test('bad input does not throw: NULs, lone quotes, binary-ish text, empty', () => {
  for (const text of [
    '',
    '"',
    "'",
    '`',
    '=',
    '\0',
    'A=\0\0"\0',
    '\0\0\0\n\0=\0',
    'A="',
    '\ufffd\ufffdA=\ufffd\n\ud800=x',
    '\r',
    '\r\n\r',
    'export',
    'export ',
    'A:',
    'A: ',
  ]) {
    const parsed = parse(text);
    for (const p of parsed.problems) assert.ok(p.start <= p.end && p.end <= text.length);
  }
});

void test('large inputs parse whole: single long lines, quote soup, escaped-quote runs, U+2028 quote strips', () => {
  // Speed on these inputs (4× the input costs about 4× the time) is a benchmark: bench/parse.bench.ts times the
  // same cases (LINEARITY_CASES) at n and 4n. Here, without a clock: each case parses at 4n into a result of the
  // same shape as at n, four times over, with every range inside the text.
  for (const [name, make] of LINEARITY_CASES) {
    const [small, large] = [parseEnv(make(1 << 14)), parseEnv(make(1 << 16))];
    for (const result of [small, large])
      for (const problem of result.problems) assert.ok(problem.start <= problem.end, name);
    assert.ok(
      large.entries.length >= small.entries.length,
      `${name}: entries ${small.entries.length} → ${large.entries.length}`,
    );
    assert.ok(
      large.entries.length <= 4 * small.entries.length + 4,
      `${name}: entries ${small.entries.length} → ${large.entries.length}`,
    );
    assert.ok(
      large.problems.length <= 4 * small.problems.length + 4,
      `${name}: problems ${small.problems.length} → ${large.problems.length}`,
    );
  }
  const line = parse('A=' + 'x'.repeat(1 << 20));
  assert.equal(line.entries[0].value.length, 1 << 20);
});
