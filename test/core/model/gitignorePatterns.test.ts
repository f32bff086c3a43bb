import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import ignore from 'ignore';
import {
  PATTERN_STEP_BUDGET,
  isIgnoredByPatterns,
  normaliseGitignorePattern,
  patternSteps,
  prepareGitignore,
  refusedLines,
} from '../../../engine/core/model/gitignorePatterns';

const HOSTILE = `${'**/*/'.repeat(15)}a`;

test('a run of ** and * segments becomes one ** and its *s: the 77-byte line is linear', () => {
  assert.equal(normaliseGitignorePattern(HOSTILE), `**/${'*/'.repeat(15)}a`);
  assert.equal(normaliseGitignorePattern('x/**/**/**/**/b'), 'x/**/b');
  assert.equal(normaliseGitignorePattern('!*/**/*/**/b/'), '!**/*/*/b/');
  assert.equal(normaliseGitignorePattern('/*/***/c'), '/**/*/c');
  // Left as they are: the last segment (its own meaning), runs without **, comments, escapes.
  for (const kept of ['a/**', '**/*', 'a/*/*/b', '# **/*/**/*/', 'a\\**/**/b', '**/x/**/y', '', 'plain'])
    assert.equal(normaliseGitignorePattern(kept), kept);
  // No inner ** left to backtrack on: nothing is costly, at any depth.
  const prepared = prepareGitignore(`${HOSTILE}\n.env.*\n`);
  assert.deepEqual(prepared.costly, []);
  assert.deepEqual(refusedLines(prepared, 2000), []);
});

test('normalising never changes what a pattern ignores (the ignore package on both, random patterns and paths)', () => {
  const segment = fc.constantFrom('**', '*', '***', 'a', 'b', 'a*');
  const pattern = fc
    .tuple(fc.boolean(), fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 7 }), fc.boolean())
    .map(([negated, anchored, segments, directory]) => {
      const body = (anchored ? '/' : '') + segments.join('/') + (directory ? '/' : '');
      return negated ? `!${body}` : body;
    });
  const pathArb = fc
    .tuple(fc.array(fc.constantFrom('a', 'b', 'c', 'ab'), { minLength: 1, maxLength: 8 }), fc.boolean())
    .map(([segments, directory]) => segments.join('/') + (directory ? '/' : ''));
  fc.assert(
    fc.property(pattern, pathArb, (line, path) => {
      // A negation only shows against something ignored first.
      const base = line.startsWith('!') ? '*\n' : '';
      const verdict = (text: string) => {
        const { ignored, unignored } = ignore().add(text).test(path);
        return { ignored, unignored };
      };
      const normalised = normaliseGitignorePattern(line);
      assert.deepEqual(verdict(base + normalised), verdict(base + line), `${line} → ${normalised} on ${path}`);
    }),
    { numRuns: Number(process.env.STRUERE_FUZZ_RUNS ?? 2000) },
  );
});

test('** runs split by other segments cost depth^(n+1): over the budget, the pattern is refused and reported', () => {
  const prepared = prepareGitignore('x/**/y/**/y/**/y/**/b\n**/build/**/out\n.env.*\n');
  assert.deepEqual(prepared.costly, [
    { line: 1, globstars: 4 },
    { line: 2, globstars: 2 },
  ]);
  assert.equal(patternSteps(4, 30), 30 ** 5);
  assert.ok(patternSteps(4, 30) > PATTERN_STEP_BUDGET && patternSteps(2, 30) < PATTERN_STEP_BUDGET);
  assert.deepEqual(refusedLines(prepared, 30), [1]);
  // Control: the same file at a shallow depth applies every pattern.
  assert.deepEqual(refusedLines(prepared, 5), []);
  const file = { path: '/r/.gitignore', dir: '', prepared };
  const reports: number[][] = [];
  const deep = `${Array.from({ length: 30 }, () => 'y').join('/')}/.env.development`;
  assert.equal(
    isIgnoredByPatterns(deep, [file], (_, lines) => reports.push([...lines])),
    false,
  );
  assert.deepEqual(reports, [[1]]);
  assert.equal(isIgnoredByPatterns('y/y/.env.development', [file]), true);
});
