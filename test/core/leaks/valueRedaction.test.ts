import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import AhoCorasick from 'modern-ahocorasick';
import { createRedactor, redactionDictionary, redactText } from '../../../engine/core/leaks/redaction';
import type { ValueDictionary } from '../../../engine/core/leaks/dictionary';
import { fixtureProject } from '../../support/coreFixtures';

// redact and Copy Redacted match values on UTF-16 code units and merge overlapping occurrences: no part of any
// value is printed, whatever stands next to it, at whatever chunk boundary the stream is cut.

const TOKEN = 'tok3nV4lue9x';
const dictionaryOf = (env: Record<string, string>): ValueDictionary =>
  redactionDictionary(
    fixtureProject({
      '.env.development': Object.entries(env)
        .map(([key, value]) => `${key}=${value}\n`)
        .join(''),
    }).project.envFiles.values(),
  );

/** Characters that join the character before or after them into one grapheme cluster. */
const NEIGHBOURS: Record<string, { before?: string; after?: string }> = {
  'combining acute accent': { after: '\u0301' },
  'zero width joiner': { before: '\u200d', after: '\u200d' },
  'variation selector 16': { after: '\ufe0f' },
  'arabic number sign (prepended concatenation mark)': { before: '\u0600' },
  'combining enclosing keycap': { after: '\u20e3' },
};

/** Streams `text` cut at `cuts` through a fresh redactor. */
function streamed(dictionary: ValueDictionary, text: string, cuts: readonly number[]): string {
  const redactor = createRedactor(dictionary);
  let output = '';
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    output += redactor.write(text.slice(from, cut));
    from = cut;
  }
  return output + redactor.end();
}

/** Every single cut, and every pair of cuts: each chunk boundary of the streaming redactor. */
function assertAtEveryBoundary(dictionary: ValueDictionary, text: string, expected: string): void {
  for (let a = 0; a <= text.length; a++) {
    assert.equal(streamed(dictionary, text, [a]), expected, `one cut at ${a}`);
    for (let b = a; b <= text.length; b++)
      assert.equal(streamed(dictionary, text, [a, b]), expected, `cuts ${a}, ${b}`);
  }
}

void test('redact: a value next to a combining mark, ZWJ, variation selector or U+0600 is replaced, the neighbour kept', () => {
  const dictionary = dictionaryOf({ TOKEN });
  for (const [what, { before = '', after = '' }] of Object.entries(NEIGHBOURS)) {
    const text = `id=${before}${TOKEN}${after}.`;
    const expected = `id=${before}[SECRET:TOKEN]${after}.`;
    assert.equal(redactText(text, dictionary), expected, what);
    assertAtEveryBoundary(dictionary, text, expected);
  }
});

void test('control: a matcher that steps over grapheme clusters misses those values, so the check above can fail', () => {
  // modern-ahocorasick, which redaction used before, segments the text into graphemes.
  const grapheme = new AhoCorasick([TOKEN]);
  for (const [what, { before = '', after = '' }] of Object.entries(NEIGHBOURS)) {
    const replaced = grapheme.replace(`id=${before}${TOKEN}${after}.`, () => '[SECRET:TOKEN]', {
      strategy: 'leftmost-longest',
    });
    assert.ok(replaced.includes(TOKEN), `${what}: the grapheme matcher left the value in`);
  }
  // …and it does find the value on its own, so the neighbour is what it misses.
  assert.equal(
    grapheme.replace(`id=${TOKEN}.`, () => '[X]', { strategy: 'leftmost-longest' }),
    'id=[X].',
  );
});

void test('redact: overlapping values are covered as one span, so no part of either is printed', () => {
  const HEAD = 'abcdef123456';
  const TAIL = '123456uvwxyz';
  const INNER = 'def123';
  const dictionary = dictionaryOf({ HEAD, TAIL, INNER, OTHER: 'xyz9zz' });
  const cases: [string, string][] = [
    // TAIL starts inside HEAD: leftmost-longest took HEAD and printed "uvwxyz".
    [`<${HEAD}uvwxyz>`, '<[SECRET:HEAD]>'],
    // INNER starts first and TAIL overlaps its end.
    [`<xyzdef${TAIL}>`, '<xyz[SECRET:INNER]>'],
    // A chain: HEAD, TAIL, and OTHER overlapping TAIL's end.
    [`<${HEAD}uvwxyz9zz>`, '<[SECRET:HEAD]>'],
    // One inside another: the outer one names the span.
    [`<${HEAD}>`, '<[SECRET:HEAD]>'],
    // Next to each other but not overlapping: two markers.
    [`<${HEAD}${TAIL}>`, '<[SECRET:HEAD][SECRET:TAIL]>'],
    [`<${INNER}>`, '<[SECRET:INNER]>'],
  ];
  for (const [text, expected] of cases) {
    assert.equal(redactText(text, dictionary), expected, text);
    assertAtEveryBoundary(dictionary, text, expected);
  }
});

void test('redact: a run of overlapping values of any length is held as one span, not as text', () => {
  const dictionary = dictionaryOf({ A: 'aaaaaa' });
  const redactor = createRedactor(dictionary);
  let output = '';
  for (let i = 0; i < 2000; i++) output += redactor.write('a'.repeat(500));
  output += redactor.write('!');
  assert.equal(output, '[SECRET:A]!');
  assert.equal(redactor.end(), '');
});

/** The reference: every occurrence by brute force, overlapping ones merged, each span named by its first value. */
function reference(text: string, values: readonly [string, string][]): string {
  const spans: { start: number; end: number; key: string }[] = [];
  for (let start = 0; start < text.length; start++)
    for (const [key, value] of [...values].sort((a, b) => b[1].length - a[1].length))
      if (text.startsWith(value, start)) spans.push({ start, end: start + value.length, key });
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: typeof spans = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  let out = '';
  let at = 0;
  for (const span of merged) {
    out += `${text.slice(at, span.start)}[SECRET:${span.key}]`;
    at = span.end;
  }
  return out + text.slice(at);
}

void test('redact property: whole and streamed output equal the brute-force reference, no value survives', () => {
  const unit = fc.constantFrom('a', 'b', '1', '\u0301', '\u200d', '\ufe0f', '\u0600', '\ud83d\ude00', ' ');
  const word = fc.array(unit, { minLength: 6, maxLength: 9 }).map((units) => units.join(''));
  fc.assert(
    fc.property(
      fc.uniqueArray(
        word.filter((value) => value.trim() === value && !value.includes(' ')),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
      fc.array(fc.oneof(unit, word), { maxLength: 30 }),
      fc.array(fc.nat(), { maxLength: 4 }),
      (values, parts, rawCuts) => {
        const named = values.map((value, i) => [`K${i}`, value] as [string, string]);
        const dictionary = dictionaryOf(Object.fromEntries(named));
        // Keys defined once each, so the first definition of each value is its own key.
        const text = parts.map((part, i) => (i % 3 === 0 ? values[i % values.length]! : part)).join('');
        const expected = reference(text, named);
        assert.equal(redactText(text, dictionary), expected);
        const cuts = rawCuts.map((cut) => cut % (text.length + 1)).sort((a, b) => a - b);
        const output = streamed(dictionary, text, cuts);
        assert.equal(output, expected, `cuts ${cuts.join(',')}`);
        for (const [, value] of named) assert.ok(!output.includes(value));
      },
    ),
    { numRuns: 500 },
  );
});
