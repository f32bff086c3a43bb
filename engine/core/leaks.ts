import AhoCorasick from 'modern-ahocorasick';
import { isCredentialLike } from './credentials';
import { isTemplateEnvFile } from './gitignore';
import { redactValues, valueRedactor, type Redactor } from './valueRedaction';
import type { EnvFileState } from './workspaceIndex';

/**
 * The values of a project's env files as one Aho–Corasick dictionary, so a file is scanned once for all of
 * them however many there are. Templates (`.env.example`, …) feed no dictionary: their values are
 * placeholders, and a committed template holding a real value is itself what `leaked-value` looks for.
 */

/** Where a value is defined: named in diagnostics instead of the value. */
export interface ValueDefinition {
  readonly key: string;
  readonly fileName: string;
  readonly uri: string;
  /** 0-based. */
  readonly line: number;
}

/** A value found in a text: UTF-16 offsets, end exclusive. `value` stays in memory; it is never reported. */
export interface ValueHit {
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

export class ValueDictionary {
  private compiled: AhoCorasick<string> | undefined;

  private constructor(
    /** value → every place it is defined, in env-file order. */
    readonly definitions: ReadonlyMap<string, readonly ValueDefinition[]>,
    compiled: AhoCorasick<string> | undefined,
    /**
     * When every value is a whitespace-free run of at least this many characters, only such runs of a text can
     * hold one: `find` feeds the matcher those runs alone (the matcher segments graphemes, which is its cost).
     */
    private readonly minRun: number | undefined,
    /**
     * `accept`'s verdicts on every value seen (one map per env file), handed to the next dictionary built with the
     * same `accept`: an edit of a 2,000-key env file re-decided every value's entropy otherwise.
     */
    private readonly verdicts: readonly ReadonlyMap<string, boolean>[] = [],
    private readonly accept?: (value: string) => boolean,
  ) {
    this.compiled = compiled;
  }

  static empty(): ValueDictionary {
    return new ValueDictionary(new Map(), undefined, undefined);
  }

  /** The values of `envFiles` that `accept` keeps; reuses `previous`'s compiled matcher when the values are the same. */
  static of(
    envFiles: Iterable<EnvFileState>,
    accept: (value: string) => boolean,
    previous?: ValueDictionary,
  ): ValueDictionary {
    const definitions = new Map<string, ValueDefinition[]>();
    const verdicts: ReadonlyMap<string, boolean>[] = [];
    const known = previous?.accept === accept ? previous.verdicts : [];
    for (const file of envFiles) {
      if (file.skippedBytes !== undefined || isTemplateEnvFile(file.fileName)) continue;
      const values = valuesOf(file, accept, known);
      verdicts.push(values.verdicts);
      for (const definition of values.accepted) {
        let list = definitions.get(definition.value);
        if (!list) definitions.set(definition.value, (list = []));
        list.push(definition.at);
      }
    }
    const reuse = previous !== undefined && sameKeys(previous.definitions, definitions) ? previous.compiled : undefined;
    // Whitespace-free runs can be searched alone only when no value holds whitespace (and then only runs as long
    // as the shortest value); one value with a blank means the whole text is searched.
    const values = [...definitions.keys()];
    const minRun =
      values.length > 0 && !values.some((value) => /\s/.test(value))
        ? Math.min(...values.map((value) => value.length))
        : undefined;
    return new ValueDictionary(definitions, reuse, minRun, verdicts, accept);
  }

  get size(): number {
    return this.definitions.size;
  }

  /** Whether every hit lies within one line (no value holds a blank, so none a line break): lines can be searched alone. */
  get hitsStayWithinLines(): boolean {
    return this.definitions.size === 0 || this.minRun !== undefined;
  }

  /** Whether `other` holds exactly the same values (where they are defined may differ). */
  sameValuesAs(other: ValueDictionary): boolean {
    return sameKeys(this.definitions, other.definitions);
  }

  /** Every non-overlapping occurrence, longest first at each position; one matcher pass over `text`. */
  find(text: string): ValueHit[] {
    if (this.definitions.size === 0 || text.length === 0) return [];
    if (this.minRun === undefined) return this.findIn(text, 0);
    const hits: ValueHit[] = [];
    forEachLongRun(text, this.minRun, (start, end) => hits.push(...this.findIn(text.slice(start, end), start)));
    return hits;
  }

  private findIn(text: string, offset: number): ValueHit[] {
    const hits: ValueHit[] = [];
    for (const match of this.matcher().iterate(text, { strategy: 'leftmost-longest' }))
      hits.push({ start: offset + match.start, end: offset + match.end, value: match.pattern });
    return hits;
  }

  /** The key a redaction names: the first definition's. */
  keyOf(value: string): string | undefined {
    return this.definitions.get(value)?.[0]?.key;
  }

  matcher(): AhoCorasick<string> {
    this.compiled ??= new AhoCorasick([...this.definitions.keys()]);
    return this.compiled;
  }
}

/**
 * Calls `visit` with every maximal run of at least `minRun` non-blank (`isSpace`) characters, in order. Any such run
 * covers one of every `minRun` consecutive positions, so only every `minRun`-th character is looked at until one
 * is not blank, and only then is its run measured both ways: with 36-character credential values a 2 KB prompt
 * costs ~1/5 of a test per character. (A pattern cost more: `\S{n,}` tried every position inside a shorter run to
 * its end, and `(?<!\S)\S{n,}` still ~30 ns a character while indexing.)
 */
export function forEachLongRun(text: string, minRun: number, visit: (start: number, end: number) => void): void {
  const step = Math.max(1, minRun);
  for (let probe = step - 1; probe < text.length;) {
    if (isSpace(text.charCodeAt(probe))) {
      probe += step;
      continue;
    }
    let start = probe;
    while (start > 0 && !isSpace(text.charCodeAt(start - 1))) start--;
    let end = probe + 1;
    while (end < text.length && !isSpace(text.charCodeAt(end))) end++;
    if (end - start >= minRun) visit(start, end);
    // text[end] is blank: the next run starts after it, and any run of minRun from there covers end + step or later.
    probe = end + step;
  }
}

/** Whether a UTF-16 unit is JavaScript's `\s` (WhiteSpace or LineTerminator), the split `minRun` is defined by. */
export function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** One env file's verdicts and accepted values, kept per (immutable) file state and `accept`. */
interface FileValues {
  readonly accept: (value: string) => boolean;
  readonly verdicts: ReadonlyMap<string, boolean>;
  readonly accepted: readonly { value: string; at: ValueDefinition }[];
}

/**
 * An .env edit replaces one file's state and rebuilds the dictionary: the other files' values are taken from here
 * instead of being looked up again (a 2,000-key file's values cost ~1 ms of map lookups per keystroke).
 */
const valuesOfFile = new WeakMap<EnvFileState, FileValues>();

function valuesOf(
  file: EnvFileState,
  accept: (value: string) => boolean,
  known: readonly ReadonlyMap<string, boolean>[],
): FileValues {
  const kept = valuesOfFile.get(file);
  if (kept?.accept === accept) return kept;
  const verdicts = new Map<string, boolean>();
  const accepted: { value: string; at: ValueDefinition }[] = [];
  for (const entry of file.parsed.entries) {
    let verdict = verdicts.get(entry.value);
    if (verdict === undefined) {
      verdict = knownVerdict(known, entry.value) ?? accept(entry.value);
      verdicts.set(entry.value, verdict);
    }
    if (verdict)
      accepted.push({
        value: entry.value,
        at: { key: entry.key, fileName: file.fileName, uri: file.uri, line: entry.line },
      });
  }
  const values = { accept, verdicts, accepted };
  valuesOfFile.set(file, values);
  return values;
}

function knownVerdict(known: readonly ReadonlyMap<string, boolean>[], value: string): boolean | undefined {
  for (const verdicts of known) {
    const verdict = verdicts.get(value);
    if (verdict !== undefined) return verdict;
  }
  return undefined;
}

function sameKeys(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const key of a.keys()) if (!b.has(key)) return false;
  return true;
}

/** The dictionary `leaked-value` matches against: credential-like values only (see credentials.ts). */
export function leakDictionary(envFiles: Iterable<EnvFileState>, previous?: ValueDictionary): ValueDictionary {
  return ValueDictionary.of(envFiles, isCredentialLike, previous);
}

/** `redact` replaces every value of at least this many characters, credential-like or not. */
export const MIN_REDACTED_LENGTH = 6;

export function redactionDictionary(envFiles: Iterable<EnvFileState>): ValueDictionary {
  return ValueDictionary.of(envFiles, (value) => value.length >= MIN_REDACTED_LENGTH);
}

export const redactionMarker = (key: string): string => `[SECRET:${key}]`;

/** A whole text with every value replaced by its marker; overlapping values are covered as one (valueRedaction.ts). */
export function redactText(text: string, dictionary: ValueDictionary): string {
  return redactValues(text, dictionary, redactionMarker);
}

export type { Redactor };

/**
 * A streaming redactor: `write` returns what is settled so far, holding back at most the longest value's
 * length of undecided text, so a value split across chunks is still replaced and memory stays bounded.
 */
export function createRedactor(dictionary: ValueDictionary): Redactor {
  return valueRedactor(dictionary, redactionMarker);
}
