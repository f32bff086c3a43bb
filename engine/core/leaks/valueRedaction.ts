import { CodeUnitMatcher } from './codeUnitMatcher';

/**
 * Redaction on code units: every occurrence of every value is covered, and occurrences that overlap are merged
 * into one covered span before anything is printed, so no part of any value is printed — not the tail of a value
 * that starts inside another, nor a value next to a combining mark (see CodeUnitMatcher). Each covered span
 * becomes one marker, named after the value that starts it (the longest there).
 */

/** A streaming redactor: `write` returns what is settled so far; `end` the rest. */
export interface Redactor {
  write(chunk: string): string;
  end(): string;
}

/** A stretch of the text not printed yet: raw text, or a covered span that prints as its marker. */
type Piece =
  | { readonly covered: false; readonly start: number; text: string }
  | { readonly covered: true; start: number; end: number; pattern: number };

/**
 * Holds back only what is undecided: the raw text an occurrence could still start in (at most the longest value
 * less one code unit, the matcher's depth) and covered spans an occurrence could still overlap. A covered span
 * keeps no text, so memory stays bounded however long overlapping values chain.
 */
export function createValueRedactor(matcher: CodeUnitMatcher, markerOf: (pattern: number) => string): Redactor {
  if (matcher.patterns.length === 0) return { write: (chunk) => chunk, end: () => '' };
  let state = 0;
  /** Code units consumed so far; pieces cover [pieces[0].start, consumed). */
  let consumed = 0;
  const pieces: Piece[] = [];

  const appendRaw = (text: string, start: number): void => {
    if (text.length === 0) return;
    const last = pieces.at(-1);
    if (last !== undefined && !last.covered) last.text += text;
    else pieces.push({ covered: false, start, text });
  };

  /** Covers [start, end): raw text there is dropped, covered spans it touches merge into one. */
  const cover = (start: number, end: number, pattern: number): void => {
    let merged = { start, end, pattern };
    while (pieces.length > 0) {
      const last = pieces.at(-1)!;
      const lastEnd = last.covered ? last.end : last.start + last.text.length;
      if (lastEnd <= merged.start) break;
      pieces.pop();
      if (last.covered) {
        // The span that starts first names the merged one (the longer at the same start).
        const earlier =
          last.start < merged.start || (last.start === merged.start && last.end - last.start >= end - start);
        merged = {
          start: Math.min(last.start, merged.start),
          end: Math.max(last.end, merged.end),
          pattern: earlier ? last.pattern : merged.pattern,
        };
      } else if (last.start < merged.start) {
        pieces.push({ covered: false, start: last.start, text: last.text.slice(0, merged.start - last.start) });
        break;
      }
    }
    pieces.push({ covered: true, ...merged });
  };

  /** Prints every piece that ends before `settled`, and raw text up to it. */
  const flush = (settled: number): string => {
    let out = '';
    let taken = 0;
    for (; taken < pieces.length; taken++) {
      const piece = pieces[taken]!;
      if (piece.covered) {
        if (piece.end > settled) break;
        out += markerOf(piece.pattern);
        continue;
      }
      const end = piece.start + piece.text.length;
      if (end <= settled) {
        out += piece.text;
        continue;
      }
      if (piece.start < settled) {
        out += piece.text.slice(0, settled - piece.start);
        pieces[taken] = { covered: false, start: settled, text: piece.text.slice(settled - piece.start) };
      }
      break;
    }
    pieces.splice(0, taken);
    return out;
  };

  return {
    write(chunk) {
      const base = consumed;
      let rawFrom = 0;
      for (let i = 0; i < chunk.length; i++) {
        state = matcher.step(state, chunk.charCodeAt(i));
        const end = base + i + 1;
        for (let node = matcher.firstEnding(state); node > 0; node = matcher.nextEnding(node)) {
          appendRaw(chunk.slice(rawFrom, i + 1), base + rawFrom);
          rawFrom = i + 1;
          cover(end - matcher.depth(node), end, matcher.patternAt(node));
        }
      }
      appendRaw(chunk.slice(rawFrom), base + rawFrom);
      consumed += chunk.length;
      // No occurrence still to come starts before consumed - depth: everything ending by then is settled.
      return flush(consumed - matcher.depth(state));
    },
    end() {
      state = 0;
      return flush(Infinity);
    },
  };
}

/** A whole text redacted: the streaming redactor over one chunk, so both agree on every input. */
export function redactWith(text: string, matcher: CodeUnitMatcher, markerOf: (pattern: number) => string): string {
  const redactor = createValueRedactor(matcher, markerOf);
  return redactor.write(text) + redactor.end();
}

/** Every text to cover (a value or an encoded form of one, as in a ValueDictionary) → the key its marker names. */
export interface RedactionValues {
  readonly patternKeys: ReadonlyMap<string, string>;
}

/** One matcher per set of values, built on first use. */
const compiled = new WeakMap<RedactionValues, { matcher: CodeUnitMatcher; keys: string[] }>();

function compiledOf(values: RedactionValues): { matcher: CodeUnitMatcher; keys: string[] } {
  let entry = compiled.get(values);
  if (entry === undefined) {
    const matcher = new CodeUnitMatcher(values.patternKeys.keys());
    const keys = matcher.patterns.map((text) => values.patternKeys.get(text) ?? 'UNKNOWN');
    compiled.set(values, (entry = { matcher, keys }));
  }
  return entry;
}

/** A streaming redactor replacing every value by `marker(key)`. */
export function valueRedactor(values: RedactionValues, marker: (key: string) => string): Redactor {
  const { matcher, keys } = compiledOf(values);
  return createValueRedactor(matcher, (pattern) => marker(keys[pattern]!));
}

/** `text` with every value replaced by `marker(key)`. */
export function redactValues(text: string, values: RedactionValues, marker: (key: string) => string): string {
  if (values.patternKeys.size === 0) return text;
  const { matcher, keys } = compiledOf(values);
  return redactWith(text, matcher, (pattern) => marker(keys[pattern]!));
}
