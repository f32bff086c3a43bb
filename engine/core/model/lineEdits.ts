import type { Position, Range } from 'vscode-languageserver-types';
import type { ValueDictionary } from '../leaks/dictionary';
import { scanReferences, type SecretReference } from './references';

/**
 * One edit of an open document, as lines: what the front end knows from the editor's change event. Lines before
 * `firstLine` are the same text before and after; lines after `lastLineBefore` (before the edit) are the lines after
 * `lastLineAfter` (after it), shifted.
 */
export interface LineEdit {
  /** The buffer's version before and after the edit: applied only to the model of the text before it. */
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly firstLine: number;
  readonly lastLineBefore: number;
  readonly lastLineAfter: number;
  /** The number of lines of the text after the edit. */
  readonly lineCount: number;
  /** A line of the text after the edit, without its line break. */
  lineText(line: number): string;
}

/**
 * The LineEdit of one ranged change as an editor's document applies it (a reversed range swapped, lines outside
 * the text clamped), from the line counts before and after it.
 */
export function lineEditOf(
  versions: { fromVersion: number; toVersion: number },
  range: Range,
  linesBefore: number,
  linesAfter: number,
  lineText: (line: number) => string,
): LineEdit {
  const clamp = (line: number) => Math.max(0, Math.min(line, linesBefore - 1));
  const lastLineBefore = clamp(Math.max(range.start.line, range.end.line));
  return {
    ...versions,
    firstLine: clamp(Math.min(range.start.line, range.end.line)),
    lastLineBefore,
    lastLineAfter: lastLineBefore + linesAfter - linesBefore,
    lineCount: linesAfter,
    lineText,
  };
}

/** What the index keeps of a reference (see IndexedReference in workspaceIndex.ts). */
type KeptReference = Omit<SecretReference, 'start' | 'end'>;

export interface RescannedLines<R> {
  /** The file's references after the edit: the untouched ones are the same objects, the later ones shifted. */
  readonly references: R[];
  /** The references that were dropped and the ones found in the rescanned lines. */
  readonly removed: readonly R[];
  readonly added: readonly R[];
}

/**
 * A file's references after one edit, scanning only the edited lines (one more on each side: a lone `\r` next to
 * the edit may join or split a line break there) instead of the whole text, so a keystroke costs what its
 * lines cost, not what the file costs. Exact because no reference spans a line break (each form's name and blanks exclude them),
 * so a line's references depend on that line's text alone. Undefined when the lines may hold a leaked value: the
 * caller scans the whole text then (leaks are rare; their offsets would need shifting too).
 */
export function rescanEditedLines<R extends KeptReference>(
  previous: readonly R[],
  edit: LineEdit,
  leakValues: ValueDictionary,
  keep: (reference: KeptReference) => R,
): RescannedLines<R> | undefined {
  if (!leakValues.hitsStayWithinLines) return undefined;
  const from = Math.max(0, edit.firstLine - 1);
  const shift = edit.lastLineAfter - edit.lastLineBefore;
  const oldTo = edit.lastLineBefore + 1;
  const newTo = Math.min(edit.lastLineAfter + 1, edit.lineCount - 1);
  const added: R[] = [];
  for (let line = from; line <= newTo; line++) {
    const text = edit.lineText(line);
    if (leakValues.find(text).length > 0) return undefined;
    for (const { key, kind, range, valid } of scanReferences(text))
      added.push(keep({ key, kind, valid, range: onLine(range, line) }));
  }
  let first = 0;
  while (first < previous.length && previous[first]!.range.start.line < from) first++;
  let after = first;
  while (after < previous.length && previous[after]!.range.start.line <= oldTo) after++;
  const rest = previous.slice(after);
  const references = previous.slice(0, first).concat(added, shift === 0 ? rest : rest.map((r) => shifted(r, shift)));
  return { references, removed: previous.slice(first, after), added };
}

function onLine(range: Range, line: number): Range {
  return { start: { line, character: range.start.character }, end: { line, character: range.end.character } };
}

function shifted<R extends KeptReference>(reference: R, lines: number): R {
  if (lines === 0) return reference;
  const move = (position: Position) => ({ line: position.line + lines, character: position.character });
  return { ...reference, range: { start: move(reference.range.start), end: move(reference.range.end) } };
}
