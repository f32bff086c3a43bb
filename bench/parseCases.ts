/**
 * Inputs that would expose a quadratic path in the parser: long single lines, quote soup, escaped-quote runs,
 * U+2028 quote strips, NUL soup, invalid UTF-8. Each makes a text of about `n` characters. The parse bench times
 * them at n and 4n; the parser's test checks, without a clock, that they parse whole.
 */
export const LINEARITY_CASES: readonly (readonly [string, (n: number) => string])[] = [
  ['single line', (n) => 'A=' + 'x'.repeat(n)],
  ['lone quotes', (n) => '"'.repeat(n)],
  ['opener with escaped quotes', (n) => 'A="' + '\\"x'.repeat(n / 3)],
  ['many openers', (n) => 'A="x\n'.repeat(n / 5)],
  ['U+2028 quoted pieces', (n) => 'A=x' + "\u2028'a".repeat(n / 3)],
  ['one long key', (n) => 'K'.repeat(n)],
  ['blanks then a key', (n) => ' '.repeat(n) + 'A'],
  ['NUL soup', (n) => '\0=\0"\n'.repeat(n / 5)],
  [
    'invalid UTF-8 decoded as U+FFFD',
    (n) => Buffer.from(Array.from({ length: n }, (_, i) => [0xff, 0x3d, 0xc3, 0x22, 0x0a][i % 5])).toString('utf8'),
  ],
  ['ordinary file', (n) => 'export KEY_1="value one" # note\nKEY_2=plain value\n# comment\n\n'.repeat(n / 64)],
];
