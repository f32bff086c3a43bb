import type { EnvFileState } from '../model/workspaceIndex';
import { ValueDictionary } from './dictionary';
import { redactValues, valueRedactor, type Redactor } from './valueRedaction';

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
