import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Diagnostic } from 'vscode-languageserver-types';
import { codeActions } from '../../../engine/core/features/codeActions';
import { isCredentialLike } from '../../../engine/core/leaks/credentials';
import { leakDictionary } from '../../../engine/core/leaks/dictionary';
import { appendedEnvText } from '../../../engine/core/leaks/leakFixes';
import { validateLeaks } from '../../../engine/core/leaks/leakDiagnostics';
import {
  createByteRedactor,
  createRedactor,
  redactionDictionary,
  redactText,
} from '../../../engine/core/leaks/redaction';
import { envFileState } from '../../../engine/core/model/workspaceIndex';
import { fixtureProject, realFixes } from '../../support/coreFixtures';

// Fake credentials of realistic shape, made up for these tests. AWS_LIKE holds `/` (percent-encoding, `\/`) and its
// base64 holds `+` or `/` (so base64url differs); ODD_LIKE holds a quote, a backslash and non-ASCII characters.
const STRIPE_LIKE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
const AWS_LIKE = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ODD_LIKE = 'Tr0ub4dor&3xK9!"q\\é~';
const ENV = `STRIPE_KEY=${STRIPE_LIKE}\nAWS_SECRET=${AWS_LIKE}\nODD_PASS='${ODD_LIKE}'\n`;

/**
 * How real encoders write a value, one per form (Node's Buffer, the platform's URI functions, JSON.stringify): the
 * engine's own encoders are not used to make the expected texts.
 */
const ENCODERS: readonly { readonly form: string; readonly encode: (value: string) => string }[] = [
  { form: 'base64', encode: (v) => Buffer.from(v).toString('base64') },
  { form: 'base64', encode: (v) => Buffer.from(v).toString('base64').replace(/=+$/, '') },
  { form: 'base64url', encode: (v) => Buffer.from(v).toString('base64url') },
  { form: 'base64url', encode: (v) => Buffer.from(v).toString('base64').replace(/\+/g, '-').replace(/\//g, '_') },
  { form: 'percent-encoding', encode: (v) => encodeURIComponent(v) },
  { form: 'percent-encoding', encode: (v) => encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()) },
  { form: 'percent-encoding', encode: (v) => new URLSearchParams({ q: v }).toString().slice(2) },
  {
    form: 'percent-encoding',
    encode: (v) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
  },
  { form: 'string escape', encode: (v) => JSON.stringify(v).slice(1, -1) },
  { form: 'string escape', encode: (v) => JSON.stringify(v).slice(1, -1).replace(/\//g, '\\/') },
  {
    form: 'string escape',
    encode: (v) =>
      JSON.stringify(v)
        .slice(1, -1)
        .replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  },
  { form: 'hex', encode: (v) => Buffer.from(v).toString('hex') },
  { form: 'hex', encode: (v) => Buffer.from(v).toString('hex').toUpperCase() },
];

const KEYS: Record<string, string> = { [STRIPE_LIKE]: 'STRIPE_KEY', [AWS_LIKE]: 'AWS_SECRET', [ODD_LIKE]: 'ODD_PASS' };

void test('the test values are credential-like, and each encoder writes something other than the literal for one', () => {
  for (const value of Object.keys(KEYS)) assert.ok(isCredentialLike(value), value);
  for (const { form, encode } of ENCODERS)
    assert.ok(
      Object.keys(KEYS).some((value) => encode(value) !== value),
      `${form}: some value differs from its literal, so the form is really exercised`,
    );
  assert.notEqual(Buffer.from(AWS_LIKE).toString('base64url'), Buffer.from(AWS_LIKE).toString('base64'));
});

void test('leaked-value: every form of every credential value is found and names its form and key, never the text', () => {
  let checked = 0;
  for (const value of Object.keys(KEYS)) {
    for (const { form, encode } of ENCODERS) {
      const encoded = encode(value);
      if (encoded === value) continue;
      const prompt = `Call it with token=${encoded} and stop.\n`;
      const fixture = fixtureProject({ '.env.development': ENV, 'prompts/p.md': prompt });
      const found = validateLeaks(fixture.uri('prompts/p.md'), fixture.project, {});
      // A base64url text without `-` or `_` is base64 too, and is named so.
      const named = form === 'base64url' && !/[-_]/.test(encoded) ? 'base64' : form;
      const label = `${named} of ${KEYS[value]}`;
      assert.equal(found.length, 1, label);
      const [diagnostic] = found as [Diagnostic];
      assert.equal(diagnostic.code, 'leaked-value');
      const message = String(diagnostic.message);
      assert.ok(message.startsWith(`This text is the ${label} (.env.development line `), message);
      assert.ok(!JSON.stringify(diagnostic).includes(value), `${label}: no value`);
      assert.ok(!JSON.stringify(diagnostic).includes(encoded), `${label}: no encoded text`);
      // The whole encoded copy is covered (base64 without padding: at most its last, neighbour-dependent character
      // is left to the full pattern, which is in the dictionary too).
      const start = prompt.indexOf(encoded);
      assert.deepEqual(diagnostic.range, {
        start: { line: 0, character: start },
        end: { line: 0, character: start + encoded.length },
      });
      // Control: the same prompt with one character in the middle of the copy changed has no finding.
      const middle = Math.floor(encoded.length / 2);
      const broken = encoded.slice(0, middle) + (encoded[middle] === 'Q' ? 'R' : 'Q') + encoded.slice(middle + 1);
      const control = fixtureProject({ '.env.development': ENV, 'prompts/p.md': prompt.replace(encoded, broken) });
      assert.deepEqual(validateLeaks(control.uri('prompts/p.md'), control.project, {}), [], `${label}: control`);
      checked++;
    }
  }
  assert.ok(checked >= 30, `${checked} encoded copies checked`);
});

void test('leaked-value: the literal is still named as the value, and a Basic-auth header as base64', () => {
  const header = `Authorization: Basic ${Buffer.from(`api-user:${STRIPE_LIKE}`).toString('base64')}\n`;
  const fixture = fixtureProject({ '.env.development': ENV, 'docs/a.md': `${STRIPE_LIKE}\n${header}` });
  const messages = validateLeaks(fixture.uri('docs/a.md'), fixture.project, {}).map(
    (d) => String(d.message).split(':')[0],
  );
  assert.deepEqual(messages, [
    'This text is the value of STRIPE_KEY (.env.development line 1)',
    'This text is the base64 of STRIPE_KEY (.env.development line 1)',
  ]);
});

void test('base64: a value is found at every offset inside a longer base64 run (property, with a control)', () => {
  const dictionary = leakDictionary([envFileState('file:///p/.env.development', ENV, 'development')]);
  const ordinary = redactionDictionary([envFileState('file:///p/.env', 'MODE=production\nNAME=admin123\n', undefined)]);
  fc.assert(
    fc.property(
      fc.constantFrom(STRIPE_LIKE, AWS_LIKE, ODD_LIKE),
      fc.string({ maxLength: 12 }),
      fc.string({ maxLength: 12 }),
      fc.constantFrom<BufferEncoding>('base64', 'base64url'),
      (value, before, after, encoding) => {
        const run = Buffer.from(before + value + after).toString(encoding);
        const hits = dictionary.find(`x ${run} y`).filter((hit) => hit.value === value && hit.form !== undefined);
        assert.equal(hits.length, 1, `${before.length} bytes before, ${encoding}`);
        // Control: ordinary values around the same text are never found, in any alignment.
        const control = Buffer.from(`${before}production admin123${after}`).toString(encoding);
        assert.deepEqual(ordinary.find(control), []);
      },
    ),
    { numRuns: Number(process.env.STRUERE_FUZZ_RUNS ?? 300) },
  );
});

void test("every form: random credential-like values are found in every encoder's output (property)", () => {
  const character = fc.constantFrom(...'abcdefghijkLMNOPQRSTUVWXYZ0123456789_-/+=.:!"\'\\~é€😀'.split(/(?:)/u));
  fc.assert(
    fc.property(
      fc.array(character, { minLength: 12, maxLength: 60 }).map((characters) => characters.join('')),
      fc.constantFrom(...ENCODERS),
      (value, { encode }) => {
        // The env line is written the way the quick fix writes one, so dotenv reads back exactly this value.
        const line = appendedEnvText('', 'TOKEN', value);
        fc.pre(isCredentialLike(value) && line !== undefined);
        const dictionary = leakDictionary([envFileState('file:///p/.env.development', line!, 'development')]);
        assert.deepEqual([...dictionary.definitions.keys()], [value]);
        const hits = dictionary.find(`<${encode(value)}>`);
        assert.deepEqual(
          hits.map((hit) => hit.value),
          [value],
        );
      },
    ),
    { numRuns: Number(process.env.STRUERE_FUZZ_RUNS ?? 400) },
  );
});

const ORDINARY_ENV =
  'PORT=3000\nMODE=production\nDEBUG=true\nPASSWORD=admin123\nNAME=support-ticket-template\n' +
  'API=https://api.example.com/v1\nMODEL=gpt-4o-mini-2024-07-18\nEMAIL=admin@example.com\nCOLLATION=utf8mb4_unicode_ci\n';

void test('no false positives: ordinary values get no encoded patterns, and their encodings are left alone', () => {
  const files = [envFileState('file:///p/.env.development', ORDINARY_ENV, 'development')];
  const redaction = redactionDictionary(files);
  assert.equal(redaction.patterns.size, redaction.definitions.size, 'the values themselves only');
  assert.equal(leakDictionary(files).patterns.size, 0);
  const values = ORDINARY_ENV.split('\n')
    .filter(Boolean)
    .map((line) => line.slice(line.indexOf('=') + 1));
  const text = values
    .flatMap((value) => ENCODERS.map(({ encode }) => encode(value)).filter((encoded) => encoded !== value))
    .join(' ');
  assert.equal(redactText(text, redaction), text);
  assert.deepEqual(leakDictionary(files).find(text), []);
  // Control: the same dictionary plus one credential redacts that credential's forms in the same text.
  const withCredential = redactionDictionary([
    envFileState('file:///p/.env.development', `${ORDINARY_ENV}TOKEN=${STRIPE_LIKE}\n`, 'development'),
  ]);
  const hex = Buffer.from(STRIPE_LIKE).toString('hex');
  assert.equal(redactText(`${text} ${hex}`, withCredential), `${text} [SECRET:TOKEN]`);
});

void test('redact: encoded copies become [SECRET:KEY] like the literal; other text is kept byte for byte', () => {
  const dictionary = redactionDictionary([envFileState('file:///p/.env.development', ENV, 'development')]);
  for (const value of Object.keys(KEYS))
    for (const { form, encode } of ENCODERS) {
      const encoded = encode(value);
      assert.equal(
        redactText(`GET /v1?token=${encoded}&x=1`, dictionary),
        `GET /v1?token=[SECRET:${KEYS[value]}]&x=1`,
        `${form} of ${KEYS[value]}`,
      );
    }
  assert.equal(redactText(`literal ${STRIPE_LIKE}.`, dictionary), 'literal [SECRET:STRIPE_KEY].');
});

void test('redact stream: a Basic-auth header is replaced at every chunk boundary', () => {
  const dictionary = redactionDictionary([envFileState('file:///p/.env.development', ENV, 'development')]);
  const base64 = Buffer.from(`user:${AWS_LIKE}`).toString('base64');
  const input = `> GET /\n> Authorization: Basic ${base64}\n> token%3D${encodeURIComponent(AWS_LIKE)}\n`;
  const expected = redactText(input, dictionary);
  // Control: the whole-text redaction removes both copies; what is left of the header is its 'user:' part.
  assert.ok(!expected.includes(base64.slice(8, -4)) && !expected.includes('%2F'), expected);
  for (let cut = 0; cut <= input.length; cut++) {
    for (const size of [1, 7]) {
      const redactor = createRedactor(dictionary);
      let output = redactor.write(input.slice(0, cut));
      for (let i = cut; i < input.length; i += size) output += redactor.write(input.slice(i, i + size));
      output += redactor.end();
      assert.equal(output, expected, `cut at ${cut}, then chunks of ${size}`);
    }
  }
});

void test('run: the byte redactor replaces encoded copies in raw output, cut at every byte', () => {
  const dictionary = redactionDictionary([envFileState('file:///p/.env.development', ENV, 'development')]);
  const input = Buffer.concat([
    Buffer.from([0xff, 0x00]),
    Buffer.from(` ${JSON.stringify(ODD_LIKE).slice(1, -1)} | ${Buffer.from(ODD_LIKE).toString('hex')}\n`),
  ]);
  const expected = Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from(' [SECRET:ODD_PASS] | [SECRET:ODD_PASS]\n')]);
  for (let cut = 0; cut <= input.length; cut++) {
    const redactor = createByteRedactor(dictionary);
    const out = [input.subarray(0, cut), input.subarray(cut)].map((part) =>
      Buffer.from(redactor.write(part.toString('latin1')), 'latin1'),
    );
    out.push(Buffer.from(redactor.end(), 'latin1'));
    assert.deepEqual(Buffer.concat(out), expected, `cut at ${cut}`);
  }
});

void test('quick fix: an escaped literal in tool code gets the reference; base64 or hex copies get no edit', () => {
  const escapedLiteral = JSON.stringify(AWS_LIKE).replace(/\//g, '\\/');
  const base64 = Buffer.from(AWS_LIKE).toString('base64');
  const files = {
    '.env.development': ENV,
    'tools/t.ts': `export const t = { async handler(args, context) { const a = ${escapedLiteral};\nconst b = '${base64}'; } };\n`,
    '.env.example': `HEX=${Buffer.from(AWS_LIKE).toString('hex')}\n`,
    'prompts/p.md': `Send "${escapedLiteral.slice(1, -1)}" as the key.\n`,
  };
  const fixture = fixtureProject(files);
  const titles = (name: keyof typeof files) => {
    const uri = fixture.uri(name);
    const diagnostics = validateLeaks(uri, fixture.project, {});
    assert.ok(diagnostics.length > 0, `${name} has findings`);
    const host = { versionOf: () => 3, gitignoreText: undefined, documentText: () => files[name] };
    return realFixes(codeActions(fixture.project, uri, diagnostics, 'development', host)).map((action) => action.title);
  };
  // The escaped literal is exactly the value once JavaScript reads it; the base64 literal is not.
  assert.deepEqual(titles('tools/t.ts'), ['Replace with context.secrets.AWS_SECRET']);
  // A template's value is blanked whatever form it holds; a prompt's escaped copy is no value `{{…}}` could give.
  assert.deepEqual(titles('.env.example'), ['Blank the value of HEX']);
  assert.deepEqual(titles('prompts/p.md'), []);
});

void test('percent-encoding: a character only some encoders keep (`~`) still gets the forms of the others', () => {
  // Found by the property above: `~` is unreserved in RFC 3986 but form encoding writes it as %7E.
  const value = 'aa6cP~f~4Laj';
  const dictionary = leakDictionary([envFileState('file:///p/.env.development', `T=${value}\n`, 'development')]);
  assert.ok(isCredentialLike(value));
  const encoded = new URLSearchParams({ q: value }).toString().slice(2);
  assert.notEqual(encoded, value, 'control: form encoding changes this value');
  assert.deepEqual(
    dictionary.find(`q=${encoded}`).map((hit) => hit.form),
    ['percent-encoding'],
  );
});

void test('redact: a passphrase with spaces is judged without them, so its form-encoded copy (+) is replaced', () => {
  const passphrase = 'Tr0ub4dor 3xK9 q7Z!';
  const prose = 'Acme Corporation Ltd 2024';
  const dictionary = redactionDictionary([
    envFileState('file:///p/.env.development', `PASSPHRASE="${passphrase}"\nCOMPANY="${prose}"\n`, 'development'),
  ]);
  const form = (value: string) => new URLSearchParams({ q: value }).toString().slice(2);
  assert.equal(form(passphrase), 'Tr0ub4dor+3xK9+q7Z%21', 'control: the form-encoded copy differs from the value');
  assert.equal(
    redactText(`a=${form(passphrase)}&b=${form(prose)}&c=${prose}`, dictionary),
    `a=[SECRET:PASSPHRASE]&b=${form(prose)}&c=[SECRET:COMPANY]`,
    'the prose value itself is redacted (6+ characters), its encoded copy is not looked for',
  );
});

void test('a large env file with encoded forms builds its dictionary (no argument-limit crash) and finds a value', () => {
  // 60,000 random 24-character tokens: over 400,000 patterns with their encoded forms (a 1.9 MB file, within the
  // 5 MB limit). Spreading every pattern's length into Math.min threw "Maximum call stack size exceeded" here.
  const random = (i: number) => createHash('sha256').update(String(i)).digest('base64url').slice(0, 24);
  const text = Array.from({ length: 60_000 }, (_, i) => `K${i}=${random(i)}`).join('\n');
  const dictionary = leakDictionary([envFileState('file:///p/.env.development', text, 'development')]);
  assert.ok(dictionary.size > 50_000, `dictionary of ${dictionary.size} values`);
  // Control: the dictionary is used, not only built: a base64 copy of one value is found as it.
  const copy = Buffer.from(random(7)).toString('base64');
  const hits = dictionary.find(`auth: ${copy}`);
  assert.deepEqual(
    hits.map((hit) => [hit.value === random(7), hit.form]),
    [[true, 'base64']],
  );
});

void test('an edited env file: the next dictionary keeps the other values’ forms and encodes only the new value', () => {
  const value = (i: number) => createHash('sha256').update(`edit-${i}`).digest('base64url').slice(0, 24);
  const lines = (changed: string) =>
    Array.from({ length: 50 }, (_, i) => `K${i}=${i === 3 ? changed : value(i)}`).join('\n');
  const first = leakDictionary([envFileState('file:///p/.env.development', lines(value(3)), 'development')]);
  const next = leakDictionary([envFileState('file:///p/.env.development', lines(value(999)), 'development')], first);
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const found = (text: string) => next.find(`x ${b64(text)} y`).map((hit) => hit.form);
  assert.deepEqual(found(value(7)), ['base64'], 'an unchanged value keeps its forms');
  assert.deepEqual(found(value(999)), ['base64'], 'the new value gets its forms');
  // Control: the value edited away is no longer found in any form.
  assert.deepEqual(found(value(3)), []);
  assert.deepEqual(
    first.find(`x ${b64(value(3))} y`).map((hit) => hit.form),
    ['base64'],
  );
});
