import AhoCorasick from 'modern-ahocorasick';
import { isSpace } from '../base/text';
import { isCredentialLike } from './credentials';
import { encodedForms, hasEncodedForms, type EncodedForm, type EncodedPattern } from './encodedForms';
import { isTemplateEnvFile } from '../model/gitignore';
import type { EnvFileState } from '../model/workspaceIndex';

/**
 * The values of a project's env files as one Aho–Corasick dictionary, so a file is scanned once for all of
 * them however many there are. Templates (`.env.example`, …) feed no dictionary: their values are
 * placeholders, and a committed template holding a real value is itself what `leaked-value` looks for.
 * Besides each value, the dictionary holds the encoded forms of the values `encodeWhen` picks (encodedForms.ts),
 * so the one pass finds encoded copies too.
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
  /** How the text encodes the value; absent when the text is the value itself. */
  readonly form?: EncodedForm;
}

/** What a pattern of the dictionary stands for: a value, literally or in an encoded form. */
export interface ValuePattern {
  readonly value: string;
  readonly form?: EncodedForm;
}

export class ValueDictionary {
  private compiled: AhoCorasick<string> | undefined;
  private keyed: ReadonlyMap<string, string> | undefined;

  private constructor(
    /** value → every place it is defined, in env-file order. */
    readonly definitions: ReadonlyMap<string, readonly ValueDefinition[]>,
    /** Every text the matcher looks for → the value it stands for: the values first, then their encoded forms. */
    readonly patterns: ReadonlyMap<string, ValuePattern>,
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
    private readonly encodeWhen?: (value: string) => boolean,
    /**
     * Each value's encoded forms (empty when `encodeWhen` declined it), handed to the next dictionary built with
     * the same `encodeWhen`: an edit of one value of a 2,000-key env file re-encoded every value otherwise (75–263
     * ms a keystroke measured, against 8–31 ms without forms).
     */
    private readonly forms: ReadonlyMap<string, readonly EncodedPattern[]> = new Map(),
  ) {
    this.compiled = compiled;
  }

  static empty(): ValueDictionary {
    return new ValueDictionary(new Map(), new Map(), undefined, undefined);
  }

  /**
   * The values of `envFiles` that `accept` keeps, with the encoded forms of those `encodeWhen` picks; reuses
   * `previous`'s patterns and compiled matcher when the values are the same.
   */
  static of(
    envFiles: Iterable<EnvFileState>,
    accept: (value: string) => boolean,
    previous?: ValueDictionary,
    encodeWhen: (value: string) => boolean = hasEncodedForms,
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
    const reuse =
      previous !== undefined && previous.encodeWhen === encodeWhen && sameKeys(previous.definitions, definitions)
        ? previous
        : undefined;
    const knownForms = previous?.encodeWhen === encodeWhen ? previous.forms : undefined;
    const { patterns, forms } = reuse
      ? { patterns: reuse.patterns, forms: reuse.forms }
      : patternsOf(definitions.keys(), encodeWhen, knownForms);
    // Whitespace-free runs can be searched alone only when no pattern holds whitespace (and then only runs as long
    // as the shortest pattern); one value with a blank means the whole text is searched.
    const minRun = shortestWithoutBlanks(patterns.keys());
    return new ValueDictionary(definitions, patterns, reuse?.compiled, minRun, verdicts, accept, encodeWhen, forms);
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
    for (const match of this.matcher().iterate(text, { strategy: 'leftmost-longest' })) {
      const pattern = this.patterns.get(match.pattern);
      if (pattern === undefined) continue;
      const at = { start: offset + match.start, end: offset + match.end, value: pattern.value };
      hits.push(pattern.form === undefined ? at : { ...at, form: pattern.form });
    }
    return hits;
  }

  /** The key a redaction names: the first definition's. */
  keyOf(value: string): string | undefined {
    return this.definitions.get(value)?.[0]?.key;
  }

  /** Every pattern → the key its redaction marker names (the value's first definition's). */
  get patternKeys(): ReadonlyMap<string, string> {
    this.keyed ??= new Map(
      [...this.patterns].map(([text, pattern]) => [text, this.keyOf(pattern.value) ?? 'UNKNOWN'] as const),
    );
    return this.keyed;
  }

  matcher(): AhoCorasick<string> {
    this.compiled ??= new AhoCorasick([...this.patterns.keys()]);
    return this.compiled;
  }
}

/**
 * Calls `visit` with every maximal run of at least `minRun` non-blank (`isSpace`) characters, in order. Any such run
 * covers one of every `minRun` consecutive positions, so only every `minRun`-th character is looked at until one
 * is not blank, and only then is its run measured both ways. (A pattern such as `\S{n,}` tries every position
 * inside a shorter run to its end, which is why this is a loop.)
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

/** One env file's verdicts and accepted values, kept per (immutable) file state and `accept`. */
interface FileValues {
  readonly accept: (value: string) => boolean;
  readonly verdicts: ReadonlyMap<string, boolean>;
  readonly accepted: readonly { value: string; at: ValueDefinition }[];
}

/**
 * An .env edit replaces one file's state and rebuilds the dictionary: the other files' values are taken from here
 * instead of being looked up again, so a keystroke costs the edited file's values only.
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

/**
 * The values, then the encoded forms of those `encodeWhen` picks. A text that is already a pattern keeps what it
 * stands for first: a value's literal over another value's encoded form, so a literal hit is never called encoded.
 */
function patternsOf(
  values: Iterable<string>,
  encodeWhen: (value: string) => boolean,
  known: ReadonlyMap<string, readonly EncodedPattern[]> = new Map(),
): { patterns: Map<string, ValuePattern>; forms: Map<string, readonly EncodedPattern[]> } {
  const patterns = new Map<string, ValuePattern>();
  const forms = new Map<string, readonly EncodedPattern[]>();
  for (const value of values) {
    patterns.set(value, { value });
    forms.set(value, known.get(value) ?? (encodeWhen(value) ? encodedForms(value) : []));
  }
  for (const [value, encoded] of forms)
    for (const { text, form } of encoded) if (!patterns.has(text)) patterns.set(text, { value, form });
  return { patterns, forms };
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

/**
 * The length of the shortest pattern, or undefined when there is none or one holds a blank. A loop, not
 * `Math.min(...lengths)`: a large env file with encoded forms gives hundreds of thousands of patterns, past the
 * argument limit.
 */
function shortestWithoutBlanks(texts: Iterable<string>): number | undefined {
  let shortest: number | undefined;
  for (const text of texts) {
    if (/\s/.test(text)) return undefined;
    if (shortest === undefined || text.length < shortest) shortest = text.length;
  }
  return shortest;
}
