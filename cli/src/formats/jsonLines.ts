/**
 * A JSON document as lines, with one array of it produced item by item: a report of millions of diagnostics is
 * never one string (V8 caps a string at about half a gigabyte). The lines joined with '\n' are exactly
 * `JSON.stringify(document, null, 2)` with the array in place of the placeholder, so readers see no difference.
 */

/** Stands where the streamed array goes; a string no report can hold (it has a NUL). */
export const ARRAY_PLACEHOLDER = '\u0000streamed-array\u0000';

const INDENT = '  ';

export function* jsonLines(document: unknown, items: Iterable<unknown>): Generator<string> {
  const lines = JSON.stringify(document, null, INDENT).split('\n');
  const marker = JSON.stringify(ARRAY_PLACEHOLDER);
  const at = lines.findIndex((line) => line.includes(marker));
  if (at === -1) throw new Error('jsonLines: the document has no ARRAY_PLACEHOLDER');
  const [before, after] = lines[at]!.split(marker) as [string, string];
  const indent = /^ */.exec(before)![0];
  yield* lines.slice(0, at);
  // An item's last line waits for the next item, which tells whether it takes a comma.
  let held: string | undefined;
  for (const item of items) {
    yield held === undefined ? `${before}[` : `${held},`;
    const itemLines = JSON.stringify(item, null, INDENT)
      .split('\n')
      .map((line) => `${indent}${INDENT}${line}`);
    held = itemLines.pop();
    yield* itemLines;
  }
  yield held === undefined ? `${before}[]${after}` : held;
  if (held !== undefined) yield `${indent}]${after}`;
  yield* lines.slice(at + 1);
}
