import { latin1Of } from '../base/text';
import type { EnvFileState } from '../model/workspaceIndex';
import { ValueDictionary } from './dictionary';
import { redactValues, valueRedactor, type RedactionValues, type Redactor } from './valueRedaction';

/**
 * What `redact`, `run`, `preview` and Copy Redacted print instead of a value: `[SECRET:KEY]`. Its dictionary holds
 * every value of at least MIN_REDACTED_LENGTH characters, credential-like or not, since a printed copy of any of
 * them gives the value away, and the encoded forms of the credential-like ones (encodedForms.ts). An encoded copy
 * gets the same marker as the literal: the output format stays `[SECRET:KEY]` for whatever reads it, and spans of
 * overlapping forms merge into one marker that could name only one form anyway.
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
 * A streaming redactor: `write` returns what is settled so far, holding back at most the longest pattern's
 * length of undecided text (a value's hex or percent-encoding is two to three times the value), so a value split
 * across chunks is still replaced and memory stays bounded.
 */
export function createRedactor(dictionary: ValueDictionary): Redactor {
  return valueRedactor(dictionary, redactionMarker);
}

/**
 * A streaming redactor over bytes, for a child's output that may not be text (`run`): each byte is one code unit
 * of a latin1 string, so what is not a value passes through byte for byte, and each value (and encoded form) is
 * matched as its UTF-8 bytes. Feed it `buffer.toString('latin1')`, write out `Buffer.from(text, 'latin1')`; markers are ASCII.
 */
export function createByteRedactor(dictionary: ValueDictionary): Redactor {
  let values = byteValues.get(dictionary);
  if (values === undefined) {
    const encoder = new TextEncoder();
    const patternKeys = new Map(
      [...dictionary.patternKeys].map(([text, key]) => [latin1Of(encoder.encode(text)), key] as const),
    );
    byteValues.set(dictionary, (values = { patternKeys }));
  }
  // One value set per dictionary, so its matcher is built once for all the streams it redacts (stdout, stderr).
  return valueRedactor(values, redactionMarker);
}

const byteValues = new WeakMap<ValueDictionary, RedactionValues>();
