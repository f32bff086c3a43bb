import assert from 'node:assert/strict';
import { test } from 'node:test';
import dotenv from 'dotenv';
import fc from 'fast-check';
import {
  isExported,
  keyEndOf,
  parseEnv,
  parseEnvGeneralPath,
  toValueMap,
  type ParsedEnv,
} from '../../../engine/core/model/envParser';

// ---------------------------------------------------------------------------------------------------------
// Generators: .env-like files from a grammar of realistic lines, plus token soup and arbitrary strings.
// ---------------------------------------------------------------------------------------------------------

const key = fc.oneof(
  fc.constantFrom('A', 'KEY', 'API_KEY', 'api.url', 'my-key', 'export', 'exported', '_X1', '9LIVES', '__proto__', 'e'),
  fc.stringMatching(/^[\w.-]{1,6}$/),
);
const blank = fc.constantFrom('', ' ', '  ', '\t', ' \t ', '\u00a0', '\ufeff', '\u3000');
const valueChar = fc.constantFrom(
  'a',
  'b',
  'Z',
  '0',
  ' ',
  ' ',
  '\t',
  '=',
  ':',
  '#',
  '#',
  '"',
  "'",
  '`',
  '\\',
  '\\n',
  '\\r',
  '\\"',
  "\\'",
  'n',
  'é',
  '😀',
  '\u00a0',
  '\u2028',
  '$',
  '-',
  '.',
  '/',
);
const valueText = fc.string({ unit: valueChar, maxLength: 10 });
const quoteChar = fc.constantFrom('"', "'", '`');
const lineEnd = fc.constantFrom('\n', '\n', '\n', '\r\n', '\r');
const separator = fc.constantFrom('=', '=', ' = ', '= ', ' =', '\t=\t', ': ', ':\t', ':', ' : ', '=\n', ':\n', ':\r\n');
const trailing = fc.constantFrom('', '', ' # comment', '#c', '   ', ' #', ' x', '\t# "quoted" comment');

const quotedValue = fc
  .tuple(blank, quoteChar, valueText, fc.boolean(), trailing)
  .map(([pre, q, body, closed, tail]) => `${pre}${q}${body}${closed ? q : ''}${tail}`);
const multilineValue = fc
  .tuple(quoteChar, fc.array(valueText, { minLength: 2, maxLength: 4 }), lineEnd, fc.boolean(), trailing)
  .map(([q, lines, eol, closed, tail]) => `${q}${lines.join(eol)}${closed ? q : ''}${tail}`);
const plainValue = fc.tuple(blank, valueText, trailing).map(([pre, v, tail]) => pre + v + tail);

const entryLine = fc
  .tuple(
    blank,
    fc.constantFrom('', '', '', 'export ', 'export\t', 'export  '),
    key,
    separator,
    fc.oneof(plainValue, quotedValue, multilineValue, fc.constant('')),
  )
  .map(([indent, exp, k, sep, v]) => `${indent}${exp}${k}${sep}${v}`);
const commentLine = fc.tuple(blank, valueText).map(([indent, text]) => `${indent}#${text}`);
const garbageLine = fc.tuple(blank, valueText).map(([indent, text]) => indent + text);

const envFile = fc
  .tuple(
    fc.constantFrom('', '', '\ufeff'),
    fc.array(
      fc.tuple(
        fc.oneof(
          { weight: 6, arbitrary: entryLine },
          { weight: 2, arbitrary: commentLine },
          { weight: 1, arbitrary: blank },
          { weight: 1, arbitrary: garbageLine },
        ),
        lineEnd,
      ),
      { maxLength: 8 },
    ),
    fc.boolean(),
  )
  .map(([bom, lines, finalEol]) => {
    const text = bom + lines.map(([l, eol]) => l + eol).join('');
    return finalEol || lines.length === 0 ? text : text.slice(0, -lines[lines.length - 1][1].length);
  });

/** Short tokens that hit every branch of the grammar in unplanned orders. */
const tokenSoup = fc
  .array(
    fc.constantFrom(
      'A',
      'B',
      'e',
      'export',
      'export ',
      ' ',
      '\t',
      '\n',
      '\r',
      '\r\n',
      '=',
      ':',
      ': ',
      '#',
      '"',
      "'",
      '`',
      '\\',
      'n',
      '.',
      '-',
      '_',
      '\u2028',
      '\u2029',
      '\u00a0',
      '\ufeff',
      'é',
      '\0',
      '\ufffd',
      'KEY=',
      '# c\n',
      '\\"',
      "\\'",
      '\\`',
    ),
    { maxLength: 30 },
  )
  .map((tokens) => tokens.join(''));

/**
 * Files made mostly of the line shapes parseEnv's fast path reads (`[export ]KEY = value`, `KEY: value`, quoted on
 * one line) and of their near misses (other blanks, a quote or `#` or nothing for a value, an escaped or late
 * closing quote, text after it, a line break inside), which the general path must read instead.
 */
const fastPathBlank = fc.constantFrom('', '', ' ', '\t', '  ', '\u00a0', '\n');
const fastPathLine = fc
  .tuple(
    fc.constantFrom('', '', 'export ', 'export\t', 'export  ', 'export'),
    key,
    fc.oneof(
      fc.tuple(fastPathBlank, fastPathBlank).map(([before, after]) => `${before}=${after}`),
      fastPathBlank.map((after) => `:${after}`),
    ),
    fc.oneof(
      { weight: 4, arbitrary: fc.stringMatching(/^[\w/+:.@$-]{1,10}( \w{1,4})?$/) },
      {
        weight: 4,
        arbitrary: fc
          .tuple(quoteChar, fc.stringMatching(/^[\w /+:.@$\\-]{0,10}$/))
          .map(([q, body]) => `${q}${body}${q}`),
      },
      valueText,
      quotedValue,
      multilineValue,
      fc
        .tuple(quoteChar, valueText, fc.constantFrom('', ' x', '#c', ' # c', '\t', '\u2028', '"', "'"))
        .map(([q, body, tail]) => `${q}${body}${q}${tail}`),
    ),
    trailing,
  )
  .map(([exp, k, sep, v, tail]) => `${exp}${k}${sep}${v}${tail}`);
const fastPathFile = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 6, arbitrary: fastPathLine },
        { weight: 1, arbitrary: entryLine },
        { weight: 1, arbitrary: commentLine },
      ),
      lineEnd,
    ),
    { maxLength: 8 },
  )
  .map((lines) => lines.map(([l, eol]) => l + eol).join(''));

// ---------------------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------------------

function assertSameAsDotenv(text: string, parsed: ParsedEnv): void {
  assert.deepEqual(toValueMap(parsed), new Map(Object.entries(dotenv.parse(text))));
}

/** Reference line numbering (LF, CRLF, CR) by brute force. */
function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split(/\r\n|\r|\n/).length - 1;
}

function assertWellFormed(text: string, parsed: ParsedEnv): void {
  const n = text.length;
  let previousEnd = 0;
  for (const e of parsed.entries) {
    const keyEnd = keyEndOf(e);
    assert.ok(previousEnd <= e.entryStart, 'entries are ordered and do not overlap');
    assert.ok(
      e.entryStart <= e.keyStart && e.keyStart < keyEnd && keyEnd < e.valueStart + 1,
      'entry starts at or before its key',
    );
    assert.ok(
      keyEnd <= e.valueStart && e.valueStart <= e.valueEnd && e.valueEnd <= n,
      'spans in order, inside the text',
    );
    assert.equal(text.slice(e.keyStart, keyEnd), e.key);
    assert.equal(e.line, lineOf(text, e.keyStart));
    if (e.quote !== undefined) {
      assert.ok(e.valueEnd - e.valueStart >= 2);
      assert.equal(text[e.valueStart], e.quote);
      assert.equal(text[e.valueEnd - 1], e.quote);
    }
    if (isExported(e)) assert.ok(text.startsWith('export', e.entryStart));
    previousEnd = e.valueEnd;
  }
  let previousStart = 0;
  for (const p of parsed.problems) {
    assert.ok(
      previousStart <= p.start && p.start < p.end && p.end <= n,
      'problems are ordered, non-empty, inside the text',
    );
    assert.equal(p.line, lineOf(text, p.start));
    previousStart = p.start;
  }
}

/**
 * Every line dotenv sees (split at LF, CR, U+2028, U+2029) that holds something other than blanks or a
 * comment is covered by an entry or reported as malformed, and nothing else is reported as malformed.
 */
function assertLinesAccountedFor(text: string, parsed: ParsedEnv): void {
  const malformed = parsed.problems.filter((p) => p.code === 'malformed-line');
  const breaks = /[\n\r\u2028\u2029]/g;
  let start = 0;
  for (;;) {
    const match = breaks.exec(text);
    const end = match ? match.index : text.length;
    const content = text.slice(start, end).trim();
    const covered = parsed.entries.some((e) => e.entryStart <= end && e.valueEnd >= start);
    const reported = malformed.filter((p) => p.start >= start && p.end <= end);
    if (covered || content === '' || content.startsWith('#')) {
      assert.equal(reported.length, 0, `line ${JSON.stringify(text.slice(start, end))} is not malformed`);
    } else {
      assert.equal(reported.length, 1, `line ${JSON.stringify(text.slice(start, end))} is reported once`);
      assert.equal(text.slice(reported[0].start, reported[0].end), content);
    }
    if (!match) break;
    start = end + 1;
  }
  const total = malformed.length;
  assert.ok(total <= text.split(/[\n\r\u2028\u2029]/).length);
}

function checkAll(text: string): void {
  const parsed = parseEnv(text);
  assertSameAsDotenv(text, parsed);
  assertWellFormed(text, parsed);
  assertLinesAccountedFor(text, parsed);
}

// ---------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------

void test('grammar-built .env files: same map as dotenv, well-formed ranges, every line accounted for', () => {
  fc.assert(fc.property(envFile, checkAll), { numRuns: 6000 });
});

void test('token soup: same map as dotenv, well-formed ranges, every line accounted for', () => {
  fc.assert(fc.property(tokenSoup, checkAll), { numRuns: 6000 });
});

void test('arbitrary strings (any code point, any Latin-1 control): same map, never throws', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), checkAll), { numRuns: 1500 });
  fc.assert(fc.property(fc.string({ unit: 'binary-ascii', maxLength: 60 }), checkAll), { numRuns: 1500 });
});

void test('dotenv fast mode yields the same map as the default on these inputs', () => {
  // parseEnv follows the default mode; this pins the observation that the modes agree, so a dotenv
  // upgrade that splits them is noticed here rather than as a sync that sends different values.
  fc.assert(
    fc.property(fc.oneof(envFile, tokenSoup), (text) => {
      assert.deepEqual(
        new Map(Object.entries(dotenv.parse(text, { fast: true }))),
        new Map(Object.entries(dotenv.parse(text))),
      );
    }),
    { numRuns: 2000 },
  );
});

/** Lines of the shapes the fast path reads, as the test sees them (its conditions, roughly, as a regex). */
const FAST_PATH_SHAPE =
  /^(?:export[ \t]+)?[\w.-]+(?:[ \t]*=|:[ \t])[ \t]*(?:[^\s#"'`][^\r\n]*|(["'`])(?:(?!\1)[^\r\n])*(?<!\\)\1[^\S\r\n]*(?:#[^\r\n]*)?)$/;

void test('the fast path for KEY=value lines yields exactly what the general path yields: entries, ranges, problems', () => {
  const same = (text: string) => assert.deepEqual(parseEnv(text), parseEnvGeneralPath(text));
  fc.assert(fc.property(fastPathFile, same), { numRuns: 6000 });
  fc.assert(fc.property(fc.oneof(envFile, tokenSoup), same), { numRuns: 4000 });
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), same), { numRuns: 1500 });
  // Near misses written out: each must leave the fast path or be read exactly as the general path reads it.
  for (const text of [
    'K=',
    'K=\n',
    'K=#c',
    'K= v',
    'K=\u00a0"v"',
    'K=\u00a0v',
    'K=v # c',
    'K=v\t\r\nL=w',
    'K=é',
    'K=a\u2028"b"',
    'K="a\u2028b"',
    'K="a"b',
    'K="a" b',
    'K="a"#c',
    'K="a"\t# c\n',
    'K="a\\"',
    'K="a\\" # c',
    'K="a\\"b"',
    'K="a\nb"',
    'K="a\\nb\\rc\\\\n"',
    "K='a\\'",
    'K=`a`',
    'K="',
    'K="a',
    'K="a"\u2029L=b',
    'export=v',
    'exported=v',
    'export K=v',
    'export\tK = "v" # c',
    'export =v',
    'export\n K=v',
    'export \u00a0K=v',
    'K : v',
    'K:v',
    'K:\t"v"',
    'K:\nv',
    'K \t= \t v \t',
    'K =\n"v"',
    '__proto__=v',
  ]) {
    same(text);
  }
});

void test('control: the fast-path comparison runs on lines the fast path reads and on lines it refuses', () => {
  // Were every generated line refused (or every one read) by the fast path, the comparison above could not fail
  // in the way it guards against.
  let fast = 0;
  let other = 0;
  for (const text of fc.sample(fastPathFile, { numRuns: 1000, seed: 42 })) {
    for (const line of text.split(/\r\n|\r|\n/)) {
      if (line === '') continue;
      if (FAST_PATH_SHAPE.test(line)) fast++;
      else other++;
    }
  }
  assert.ok(fast > 500, `lines of the fast path's shape: ${fast}`);
  assert.ok(other > 500, `other lines: ${other}`);
});
