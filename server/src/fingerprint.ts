import type { Diagnostic } from 'vscode-languageserver';

/**
 * A content fingerprint (length and two independent 32-bit hashes, FNV-1a and a multiplicative one) for result ids
 * and for skipping a push identical to the last: unchanged files are not resent. Two hashes keep the chance that a
 * changed list is taken for the old one near 2^-64, while a file's fingerprint stays a short string.
 */
export function fingerprint(diagnostics: readonly Diagnostic[]): string {
  return fingerprintOf(JSON.stringify(diagnostics));
}

/** The fingerprint of a JSON text (see fingerprint). */
export function fingerprintOf(text: string): string {
  let fnv = 0x811c9dc5;
  let mul = 0x2545f491;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    fnv = Math.imul(fnv ^ c, 0x01000193);
    mul = Math.imul(mul + c, 0x9e3779b1) ^ (mul >>> 15);
  }
  return `${text.length}-${(fnv >>> 0).toString(36)}-${(mul >>> 0).toString(36)}`;
}
