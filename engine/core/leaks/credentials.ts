/**
 * Which env values count as credentials for `leaked-value`. A pre-commit tool that flagged every value found
 * verbatim drowned its users in ports, booleans and template names, so only values that look random count:
 *
 * 1. at least {@link MIN_CREDENTIAL_LENGTH} characters (short passwords like `admin123` are out: too many
 *    innocent strings share them), at most {@link MAX_CREDENTIAL_LENGTH}, and no whitespace (so prose, names
 *    and multi-line PEM blocks are out — secretlint's `hardcoded-secret` covers private keys);
 * 2. a Shannon entropy of at least {@link MIN_ENTROPY_BITS} bits per character (no `aaaaaaaaaaaaaaaa`);
 * 3. one alphanumeric run (split at every other character) that mixes letters and digits in a way words do
 *    not: not `word123`, not `4o`, not `15T10` (one letter), and at least 4 characters long. So identifiers
 *    built from words and numbers (`gpt-4o-mini-2024-07-18`, `production-eu-west-1`, `support-v2`,
 *    `https://api.example.com/v1`, `admin@example.com`, ISO dates) are ordinary, while tokens
 *    (`sk_live_4eC39HqLyjWD…`, `ghp_…`, `AKIA…`, hex digests, UUIDs, `Tr0ub4dor&3xK9!`) are not. A short
 *    lower-case run with a letter past `f` is a numeronym or a versioned name (`utf8mb4`, `i18n`, `l10n`, `a11y`),
 *    so `utf8mb4_unicode_ci` and `src/i18n/locales` are ordinary; hex runs (UUID groups, digests) stay random,
 *    and so does any mixed-case or longer run.
 *
 * Known gap, documented in the README: a credential made only of letters, or only of digits, is not
 * recognised here (secretlint still catches the well-known formats among them).
 */
export const MIN_CREDENTIAL_LENGTH = 12;
export const MAX_CREDENTIAL_LENGTH = 4096;
export const MIN_ENTROPY_BITS = 3;

export function isCredentialLike(value: string): boolean {
  if (value.length < MIN_CREDENTIAL_LENGTH || value.length > MAX_CREDENTIAL_LENGTH) return false;
  if (/\s/.test(value)) return false;
  // Both tests must pass; the run test goes first because it is cheap and most values (names, ports, URLs) fail it,
  // while the entropy builds a map of characters per value.
  if (!value.split(/[^A-Za-z0-9]+/).some(looksRandom)) return false;
  return shannonEntropy(value) >= MIN_ENTROPY_BITS;
}

/** A run of letters and digits that no word-and-number naming scheme produces. */
function looksRandom(run: string): boolean {
  if (run.length < 4) return false;
  const letters = run.replace(/[0-9]/g, '').length;
  const digits = run.length - letters;
  if (letters < 2 || digits === 0) return false;
  // `base64`, `value1999`, `4o`, `3d`: a word and a number side by side.
  if (/^[A-Za-z]+[0-9]+$/.test(run) || /^[0-9]+[A-Za-z]+$/.test(run)) return false;
  return !isNumeronym(run);
}

/** `utf8mb4`, `i18n`, `l10n`, `k8s`: short, lower case, and not hex (so `e29b`, `550e8400` are not numeronyms). */
function isNumeronym(run: string): boolean {
  return run.length <= MAX_NUMERONYM_LENGTH && /^[a-z0-9]+$/.test(run) && /[g-z]/.test(run);
}

const MAX_NUMERONYM_LENGTH = 8;

/** Bits per character of the value's own character distribution. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  const length = [...value].length;
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
