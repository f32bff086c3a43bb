import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { lineEditOf, type LineEdit } from '../../../engine/core/model/lineEdits';
import { LineIndex } from '../../../engine/core/base/text';
import { WorkspaceIndex } from '../../../engine/core/model/workspaceIndex';

/**
 * An edit of an open buffer rescans only the lines it touched (engine/core/lineEdits.ts). The oracle is a fresh
 * full scan of the text after the edit: references (keys, kinds, ranges), leak hits and the key → files map must be
 * the same, for random texts (every line break kind, references split and joined by the edit) and random edits.
 */
const ROOT = 'file:///ws/app';
const FILE = `${ROOT}/agents/big.md`;
const OTHER = `${ROOT}/agents/other.md`;
const LEAKED = 'tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

const piece = fc.constantFrom(
  '{{secrets.',
  '{{ secrets.',
  '}}',
  ' }}',
  '<<secrets.',
  '>>',
  'context.secrets.',
  'context.secrets["',
  '"]',
  'KEY_1',
  'KEY_2',
  'A',
  '9bad',
  ' ',
  'x',
  '.',
  '\n',
  '\r\n',
  '\r',
  LEAKED,
  LEAKED.slice(0, 10),
  LEAKED.slice(10),
);

function projectIndex(): WorkspaceIndex {
  const index = new WorkspaceIndex();
  index.addProject(ROOT);
  index.setEnvFile(`${ROOT}/.env.development`, `KEY_1=1\nSECRET_TOKEN=${LEAKED}\n`);
  index.setAgentFile(OTHER, '{{secrets.KEY_1}} {{secrets.A}}');
  return index;
}

/** The edit as the server builds it from an editor's change: line/character range, line counts, the new lines. */
function lineEditFor(before: string, start: number, end: number, after: string, versions = { from: 1, to: 2 }) {
  const old = new LineIndex(before);
  const next = new LineIndex(after);
  const lineText = (line: number) => after.slice(next.lineStart(line), next.lineEnd(line));
  const range = old.rangeOf(start, end);
  return lineEditOf(
    { fromVersion: versions.from, toVersion: versions.to },
    range,
    old.lineCount,
    next.lineCount,
    lineText,
  );
}

function model(index: WorkspaceIndex) {
  const project = index.getProject(ROOT)!;
  const file = project.agentFiles.get(FILE)!;
  return {
    references: file.references.map(({ key, kind, range, valid }) => ({ key, kind, range, valid })),
    leaks: file.leaks.map(({ value, range }) => ({ value, range })),
    byKey: [...project.referencesByKey].map(([key, uris]) => [key, [...uris].sort()]).sort(),
  };
}

function editedAndFresh(before: string, start: number, end: number, inserted: string, edit?: LineEdit) {
  const after = before.slice(0, start) + inserted + before.slice(end);
  const edited = projectIndex();
  edited.setAgentFile(FILE, before, lineEditFor('', 0, 0, before, { from: 0, to: 1 }));
  edited.setAgentFile(FILE, after, edit ?? lineEditFor(before, start, end, after));
  const fresh = projectIndex();
  fresh.setAgentFile(FILE, after);
  return { edited: model(edited), fresh: model(fresh) };
}

const textAndEdit = fc
  .tuple(fc.array(piece, { maxLength: 40 }), fc.array(piece, { maxLength: 6 }), fc.nat(), fc.nat())
  .map(([pieces, insertedPieces, a, b]) => {
    const before = pieces.join('');
    const [start, end] = [a % (before.length + 1), b % (before.length + 1)].sort((x, y) => x - y);
    return { before, start: start!, end: end!, inserted: insertedPieces.join('') };
  });

test('an edit rescans its lines only and ends with the model a full scan of the new text gives', () => {
  fc.assert(
    fc.property(textAndEdit, ({ before, start, end, inserted }) => {
      const { edited, fresh } = editedAndFresh(before, start, end, inserted);
      assert.deepEqual(edited, fresh);
    }),
    { numRuns: 3000 },
  );
});

test('edits at the start, middle and end of a big prompt, multi-line, splitting and joining references', () => {
  const lines = Array.from({ length: 3000 }, (_, i) => `Line ${i}: use {{secrets.KEY_${i % 3}}} and <<secrets.A>>.`);
  const big = lines.join('\n') + '\n';
  const at = (line: number, character: number) => new LineIndex(big).offsetAt({ line, character });
  const cases: [string, number, number, string][] = [
    ['start: a new reference', 0, 0, '{{secrets.NEW}} '],
    ['middle: split a reference', at(1500, 16), at(1500, 16), '}} x {{secrets.'],
    ['middle: join two lines into one reference', at(1500, 25), at(1501, 0), ''],
    ['multi-line: replace 200 lines with 3', at(100, 0), at(300, 0), 'a\n{{secrets.B}}\r\nb\r'],
    ['end: remove the last line', at(2999, 0), big.length, ''],
    ['end: a leaked value appended', big.length, big.length, `key ${LEAKED}\n`],
  ];
  for (const [name, start, end, inserted] of cases) {
    const { edited, fresh } = editedAndFresh(big, start, end, inserted);
    assert.deepEqual(edited, fresh, name);
  }
});

test('control: an edit that does not describe the change leaves a model the oracle tells apart', () => {
  const before = 'a\n{{secrets.KEY_1}}\nb\n';
  const after = 'a\n{{secrets.KEY_1}}\nb {{secrets.A}}\n';
  // Says line 0 changed while line 2 did: the rescan misses the new reference, and the comparison sees it.
  const misled = projectIndex();
  misled.setAgentFile(FILE, before, lineEditFor('', 0, 0, before, { from: 0, to: 1 }));
  misled.setAgentFile(FILE, after, lineEditFor(before, 0, 0, after));
  assert.notDeepEqual(model(misled), model(freshOf(after)));
});

test('an edit made to another version of the text than the model holds is scanned in full', () => {
  const before = 'a\n{{secrets.KEY_1}}\nb\n';
  const after = 'a\n{{secrets.KEY_1}}\nb {{secrets.A}}\n';
  const index = projectIndex();
  index.setAgentFile(FILE, before, lineEditFor('', 0, 0, before, { from: 0, to: 1 }));
  // The same wrong description as the control, but from version 5: the model is of version 1, so it is not used.
  index.setAgentFile(FILE, after, { ...lineEditFor(before, 0, 0, after), fromVersion: 5, toVersion: 6 });
  assert.deepEqual(model(index), model(freshOf(after)));
});

function freshOf(text: string): WorkspaceIndex {
  const index = projectIndex();
  index.setAgentFile(FILE, text);
  return index;
}
