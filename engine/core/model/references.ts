import type { Range } from 'vscode-languageserver-types';
import { isValidKey } from './environments';

/**
 * How a secret is referenced. Prompts use templates that the platform compiles (an unset key becomes
 * `[MISSING_SECRET:KEY]`); tools read `context.secrets` at run time (an unset key is `undefined`).
 */
export type ReferenceKind = 'template' | 'angle' | 'context' | 'context-bracket';

export interface SecretReference {
  readonly key: string;
  readonly kind: ReferenceKind;
  /** The range of the key name alone: what diagnostics underline and rename replaces. */
  readonly range: Range;
  /** Offsets of the key name in the scanned text. */
  readonly start: number;
  readonly end: number;
  /** False when the name fails the key pattern: such a reference can never resolve. */
  readonly valid: boolean;
}

export function isPromptReference(kind: ReferenceKind): boolean {
  return kind === 'template' || kind === 'angle';
}

/*
 * One pass over the text with one alternation. Each branch is a fixed prefix, one character class for the
 * name and a fixed suffix whose first character the name class excludes, so the engine never backtracks
 * more than the name's length: linear in the input.
 *   1 {{ secrets.NAME }}      2 << secrets.NAME >>
 *   3 context.secrets.NAME    (also optional chaining: context?.secrets?.NAME)
 *   4 context.secrets["NAME"] / ['NAME'] / [`NAME`]
 * A `$` right before `{{` makes GitHub Actions' expression syntax (`${{ secrets.NAME }}`), never ours: the
 * lookbehind reads one character, so the pass stays linear.
 */
const PROMPT_FORMS = String.raw`(?<!\$)\{\{[ \t]*secrets\.([^\s{}<>]*)[ \t]*\}\}|<<[ \t]*secrets\.([^\s{}<>]*)[ \t]*>>`;
const REFERENCE_PATTERN = new RegExp(
  PROMPT_FORMS +
    String.raw`|context\??\.secrets\??\.([A-Za-z0-9_$]+)|context\??\.secrets\??\.?\[[ \t]*(["'\`])([^"'\`\r\n\]]*)\4[ \t]*\]`,
  'g',
);

/** A fresh global regex for the prompt forms alone (groups 1: `{{ }}` name, 2: `<< >>` name), for compiling prompts. */
export function promptReferencePattern(): RegExp {
  return new RegExp(PROMPT_FORMS, 'g');
}

/** Finds every secret reference in `text`, in order. */
export function scanReferences(text: string): SecretReference[] {
  // Most files of a project mention no secret at all; skip the regex for them.
  if (!text.includes('secrets')) return [];
  const references: SecretReference[] = [];
  const cursor = new PositionCursor(text);
  REFERENCE_PATTERN.lastIndex = 0;
  for (let match = REFERENCE_PATTERN.exec(text); match !== null; match = REFERENCE_PATTERN.exec(text)) {
    const group = match[1] !== undefined ? 1 : match[2] !== undefined ? 2 : match[3] !== undefined ? 3 : 5;
    const kind = KIND_OF_GROUP[group];
    const key = match[group];
    const start = match.index + keyOffset(match[0], group, key, match[4]);
    const end = start + key.length;
    const startPosition = cursor.advanceTo(start);
    const endPosition = { line: startPosition.line, character: startPosition.character + key.length };
    references.push({
      key,
      kind,
      start,
      end,
      range: { start: startPosition, end: endPosition },
      valid: isValidKey(key),
    });
  }
  return references;
}

/**
 * Where the key starts in a match, from the pattern's shape (cheaper than the `d` flag's offsets for every group):
 * the prompt forms' key follows the first `secrets.` (the opener holds none); `context.secrets.NAME` ends with it;
 * the bracket form's follows the first quote (nothing before it is one).
 */
function keyOffset(matched: string, group: number, key: string, quote: string | undefined): number {
  if (group === 1 || group === 2) return matched.indexOf('secrets.') + 'secrets.'.length;
  if (group === 3) return matched.length - key.length;
  return matched.indexOf(quote!) + 1;
}

const KIND_OF_GROUP: Record<number, ReferenceKind> = { 1: 'template', 2: 'angle', 3: 'context', 5: 'context-bracket' };

/** Turns increasing offsets into positions without rescanning from the start each time. */
class PositionCursor {
  private offset = 0;
  private line = 0;
  private lineStart = 0;
  private readonly hasCarriageReturn: boolean;

  constructor(private readonly text: string) {
    this.hasCarriageReturn = text.includes('\r');
  }

  advanceTo(target: number): { line: number; character: number } {
    const text = this.text;
    if (!this.hasCarriageReturn) {
      // Only \n breaks lines: jump from one to the next natively instead of testing every character.
      for (let nl = text.indexOf('\n', this.offset); nl !== -1 && nl < target; nl = text.indexOf('\n', nl + 1)) {
        this.line++;
        this.lineStart = nl + 1;
      }
    } else {
      for (let i = this.offset; i < target; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) {
          this.line++;
          this.lineStart = i + 1;
        } else if (c === 13) {
          if (text.charCodeAt(i + 1) === 10 && i + 1 < target) i++;
          this.line++;
          this.lineStart = i + 1;
        }
      }
    }
    this.offset = Math.max(this.offset, target);
    return { line: this.line, character: target - this.lineStart };
  }
}
