import { createReplaceStream } from 'modern-ahocorasick/stream';
import type { EnvFileState } from '../model/workspaceIndex';
import { ValueDictionary } from './dictionary';

/**
 * What `redact`, `preview` and Copy Redacted print instead of a value: `[SECRET:KEY]`. Its dictionary holds every
 * value of at least MIN_REDACTED_LENGTH characters, credential-like or not, since a printed copy of any of them
 * gives the value away.
 */

/** `redact` replaces every value of at least this many characters, credential-like or not. */
export const MIN_REDACTED_LENGTH = 6;

export function redactionDictionary(envFiles: Iterable<EnvFileState>): ValueDictionary {
  return ValueDictionary.of(envFiles, (value) => value.length >= MIN_REDACTED_LENGTH);
}

export const redactionMarker = (key: string): string => `[SECRET:${key}]`;

/** A whole text with every value replaced by its marker. */
export function redactText(text: string, dictionary: ValueDictionary): string {
  if (dictionary.size === 0) return text;
  return dictionary.matcher().replace(text, (match) => redactionMarker(dictionary.keyOf(match.pattern) ?? 'UNKNOWN'), {
    strategy: 'leftmost-longest',
  });
}

/**
 * A streaming redactor: `write` returns what is settled so far, holding back at most the longest value's
 * length of undecided text, so a value split across chunks is still replaced and memory stays bounded.
 */
export interface Redactor {
  write(chunk: string): string;
  end(): string;
}

export function createRedactor(dictionary: ValueDictionary): Redactor {
  if (dictionary.size === 0) return { write: (chunk) => chunk, end: () => '' };
  const stream = createReplaceStream(
    dictionary.matcher(),
    (match) => redactionMarker(dictionary.keyOf(match.pattern) ?? 'UNKNOWN'),
    { strategy: 'leftmost-longest' },
  );
  return { write: (chunk) => stream.write(chunk).join(''), end: () => stream.end().join('') };
}
