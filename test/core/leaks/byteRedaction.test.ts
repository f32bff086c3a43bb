import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createByteRedactor, envFileState, redactionDictionary } from '../../../engine/core';

// `run`'s redactor: the child's bytes in, as latin1 code units; values matched as their UTF-8 bytes.

const VALUE = 'pässwörd-✓-9f2c';
const dictionary = redactionDictionary([
  envFileState('file:///p/.env.development', `PASS="${VALUE}"\nPORT=3000\n`, undefined),
]);

/** Feeds `bytes` cut at `cuts` and returns the bytes written out. */
function redactBytes(bytes: Buffer, cuts: readonly number[]): Buffer {
  const redactor = createByteRedactor(dictionary);
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(Buffer.from(redactor.write(bytes.subarray(from, cut).toString('latin1')), 'latin1'));
    from = cut;
  }
  out.push(Buffer.from(redactor.end(), 'latin1'));
  return Buffer.concat(out);
}

test('a value is replaced whatever byte it is cut at, even inside a multi-byte character', () => {
  const input = Buffer.concat([Buffer.from('before \u00ff\n'), Buffer.from(VALUE), Buffer.from(' after 3000')]);
  const expected = Buffer.concat([
    Buffer.from('before \u00ff\n'),
    Buffer.from('[SECRET:PASS]'),
    Buffer.from(' after 3000'),
  ]);
  for (let cut = 0; cut <= input.length; cut++) assert.deepEqual(redactBytes(input, [cut]), expected, `cut at ${cut}`);
  for (let a = 0; a <= input.length; a += 3)
    for (let b = a; b <= input.length; b += 2)
      assert.deepEqual(redactBytes(input, [a, b]), expected, `cuts ${a}, ${b}`);
});

test('bytes that are no value pass unchanged, invalid UTF-8 included (control: the same bytes plus the value)', () => {
  const noise = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256));
  assert.deepEqual(redactBytes(noise, [100, 101, 300]), noise);
  const withValue = Buffer.concat([noise, Buffer.from(VALUE), noise]);
  assert.deepEqual(redactBytes(withValue, [600]), Buffer.concat([noise, Buffer.from('[SECRET:PASS]'), noise]));
});

test('text that cannot start a value is settled at once: nothing held back after a prompt', () => {
  const redactor = createByteRedactor(dictionary);
  assert.equal(redactor.write('Password: '), 'Password: ');
  // Control: the first bytes of the value are held back until the rest decides them.
  assert.equal(redactor.write(Buffer.from('päss').toString('latin1')), '');
  assert.equal(redactor.write('x'), Buffer.from('pässx').toString('latin1'));
});
