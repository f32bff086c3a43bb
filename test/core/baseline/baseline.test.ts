import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  baselineLineText,
  BaselineFormatError,
  formatBaseline,
  parseBaseline,
  redactionDictionary,
  subtractBaseline,
} from '../../../engine/core';
import { fixtureProject } from '../../support/coreFixtures';

const TOKEN = 'Zq8Rt2Lm9Xv4Kp7Wn3Bd6Hs1Jf5Gc0Ty';
const { project } = fixtureProject({ '.env.development': `API_TOKEN=${TOKEN}\nMODE=abc\n` });
const dictionary = redactionDictionary(project.envFiles.values());
const DIGEST = 'a'.repeat(64);

void test('baselineLineText: values become markers, spans are masked, an env line is its key alone', () => {
  const prompt = `Intro\n  Call with ${TOKEN} and ghp_secretlike please  \n`;
  const at = prompt.split('\n')[1]!.indexOf('ghp_');
  assert.equal(
    baselineLineText('file:///ws/p.md', prompt, 1, dictionary, [{ start: at, end: at + 'ghp_secretlike'.length }]),
    'Call with [SECRET:API_TOKEN] and [SECRET] please',
  );
  // Control: without the span the unknown credential stays, so the mask is what removes it.
  assert.match(baselineLineText('file:///ws/p.md', prompt, 1, dictionary, []), /ghp_secretlike/);
  // An env file's line never keeps its value (even a short one, which the dictionary leaves alone).
  assert.equal(baselineLineText('file:///ws/.env.production', `MODE=abc\n`, 0, dictionary, []), 'MODE=[SECRET:MODE]');
  assert.equal(baselineLineText('file:///ws/.env', `# note abc\n`, 0, dictionary, []), '');
  assert.equal(baselineLineText('file:///ws/p.md', 'one line', 7, dictionary, []), '');
});

void test('formatBaseline: counted and sorted; parseBaseline reads it back; subtractBaseline honours counts', () => {
  const a = { code: 'leaked-value', path: 'b.ts', key: 'API_TOKEN', line: DIGEST };
  const b = { code: 'missing-secret', path: 'a.md', key: 'X', line: DIGEST };
  const text = formatBaseline([a, b, a]);
  const entries = parseBaseline(text);
  assert.deepEqual(entries, [
    { ...b, count: 1 },
    { ...a, count: 2 },
  ]);
  assert.equal(formatBaseline([b, a, a]), text, 'the order of findings does not change the file');
  const { fresh, accepted } = subtractBaseline(['a1', 'a2', 'a3', 'b1'], (f) => (f[0] === 'a' ? a : b), entries);
  assert.deepEqual(fresh, ['a3']);
  assert.equal(accepted, 3);
});

void test('parseBaseline: malformed or newer text is a BaselineFormatError that never repeats the text', () => {
  for (const [text, reason] of [
    [`{"version": 1, "findings": ["${TOKEN}"]}`, /finding 1 is not an object/],
    [`${TOKEN}`, /is not valid JSON/],
    ['[]', /is not a baseline/],
    ['{"version": 2, "findings": []}', /newer struere-secrets/],
    ['{"version": 1}', /no "findings"/],
    [`{"version": 1, "findings": [{"code": "c", "path": "p", "key": "k", "line": "${TOKEN}", "count": 1}]}`, /SHA-256/],
    [`{"version": 1, "findings": [{"code": "c", "path": "p", "key": "k", "line": "${DIGEST}", "count": 0}]}`, /count/],
  ] as const)
    assert.throws(
      () => parseBaseline(text),
      (error: unknown) =>
        error instanceof BaselineFormatError && reason.test(error.message) && !error.message.includes(TOKEN),
    );
});
