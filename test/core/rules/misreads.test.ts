import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dotenv from 'dotenv';
import type { Diagnostic } from 'vscode-languageserver-types';
import { codeActions, type CodeActionHost } from '../../../engine/core/features/codeActions';
import { parseEnv, toValueMap } from '../../../engine/core/model/envParser';
import { findMisreads, misreadKeys, nonAsciiKeyOf } from '../../../engine/core/rules/misreads';
import { validateEnvFile } from '../../../engine/core/rules/validation';
import { applyEdit, fixtureProject, messageOf, GIT_IGNORED } from '../../support/coreFixtures';

const settings = { environment: 'development' as const, severity: {}, maxFileBytes: 1 << 20 };
const host: CodeActionHost = { versionOf: () => 4, gitignoreText: undefined };

const kinds = (text: string) => findMisreads(text, parseEnv(text)).map((m) => `${m.key}:${m.kind}`);

/** Our parser's map and dotenv's, as plain objects, for one text. */
function bothParsers(text: string): { ours: Record<string, string>; dotenv: Record<string, string> } {
  return { ours: Object.fromEntries(toValueMap(parseEnv(text))), dotenv: { ...dotenv.parse(text) } };
}

function envDiagnostics(text: string) {
  const fixture = fixtureProject({ '.env.development': text });
  const file = fixture.project.envFiles.get(fixture.uri('.env.development'))!;
  return { fixture, diagnostics: validateEnvFile(file, GIT_IGNORED, settings) };
}

test('dotenv 18 cuts an unquoted value at any #, glued or not; our parser agrees on each case', () => {
  const cases: [string, Record<string, string>][] = [
    ['A=abc#def', { A: 'abc' }],
    ['A=#fff', { A: '' }],
    ['A=http://x/#frag', { A: 'http://x/' }],
    ['A=abc #def', { A: 'abc' }],
    ['A="abc#def"', { A: 'abc#def' }],
    ['A=${B}', { A: '${B}' }],
    ['A="${B}-x"', { A: '${B}-x' }],
    ['A="a\\"b"', { A: 'a\\"b' }],
    ["A='a\\'b'", { A: "a\\'b" }],
    ['KÉY=v', {}],
  ];
  for (const [line, expected] of cases) {
    const { ours, dotenv: theirs } = bothParsers(line);
    assert.deepEqual(theirs, expected, `dotenv on case ${cases.findIndex((c) => c[0] === line)}`);
    assert.deepEqual(ours, theirs, `our parser on case ${cases.findIndex((c) => c[0] === line)}`);
  }
});

test('hash-cut: a # glued to an unquoted value; an inline comment after a blank is not one', () => {
  assert.deepEqual(kinds('A=abc#def\nB=#fff\nC=http://x/#frag # note\nexport D=x#\n'), [
    'A:hash-cut',
    'B:hash-cut',
    'C:hash-cut',
    'D:hash-cut',
  ]);
  // Controls: an inline comment after a blank, an empty value before a comment, quoted values, a plain value.
  assert.deepEqual(kinds('A=abc # comment\nB= #comment\nC="abc#def"\nD=\'#fff\'\nE=plain\nF:  #x\n'), []);
  const text = 'URL=http://x/#frag # note\n';
  const [misread] = findMisreads(text, parseEnv(text));
  assert.equal(text.slice(misread.start, misread.end), 'http://x/#frag', 'the diagnostic covers what the line shows');
});

test('unexpanded: ${VAR} unquoted or in double quotes; single quotes look literal and are not reported', () => {
  assert.deepEqual(kinds('A=${B}\nC="${APP_NAME}"\nD=pre-${X:-default}\n'), [
    'A:unexpanded',
    'C:unexpanded',
    'D:unexpanded',
  ]);
  assert.deepEqual(kinds("A='${B}'\nB=$HOME\nC=${}\nD=price$5{x}\nE=`${B}`\n"), []);
});

test('escaped-quote: a backslash before the own quote inside the quotes; a close after a backslash is not one', () => {
  assert.deepEqual(kinds('A="a\\"b"\nB=\'it\\\'s\'\n'), ['A:escaped-quote', 'B:escaped-quote']);
  assert.deepEqual(kinds('A="C:\\dir\\"\nB="it\'s"\nC=\'say "hi"\'\nD="a\\nb"\n'), []);
});

test('dotenv-misread diagnostics: a warning on the value, naming the key and the shape, never the value', () => {
  const secret = 'Zq8Rt2Lm#9Xv4Kp7Wn';
  const text = `DB_PASSWORD=${secret}\nVITE_APP_NAME="\${APP_NAME}"\nQUOTED="in\\"side"\nOK="fine#here"\n`;
  const { diagnostics } = envDiagnostics(text);
  const misread = diagnostics.filter((d) => d.code === 'dotenv-misread');
  assert.deepEqual(
    misread.map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.severity]),
    [
      [0, 12, 12 + secret.length, 2],
      [1, 14, 27, 2],
      [2, 7, 17, 2],
    ],
  );
  assert.deepEqual(
    misread.map((d) => d.data),
    [{ key: 'DB_PASSWORD' }, { key: 'VITE_APP_NAME' }, { key: 'QUOTED' }],
  );
  assert.match(messageOf(misread[0]), /^dotenv ends the unquoted value of DB_PASSWORD at the #/);
  assert.match(messageOf(misread[1]), /VITE_APP_NAME holds \$\{…\}, which dotenv does not expand/);
  assert.match(messageOf(misread[2]), /In the value of QUOTED, \\" keeps its backslash/);
  const all = JSON.stringify(diagnostics);
  for (const part of ['Zq8Rt2Lm', '9Xv4Kp7Wn', 'APP_NAME}', 'in\\\\\\"side', 'fine#here'])
    assert.ok(!all.includes(part));
  // The severity setting turns the code off like any other.
  const file = fixtureProject({ '.env.development': text }).project.envFiles.values().next().value!;
  assert.deepEqual(
    validateEnvFile(file, GIT_IGNORED, { ...settings, severity: { 'dotenv-misread': 'off' } }).filter(
      (d) => d.code === 'dotenv-misread',
    ),
    [],
  );
});

test('quick fix: quoting the value makes dotenv read the whole value the line shows, and nothing else changes', () => {
  const lines = [
    'FIRST=1',
    'DB_PASSWORD=abc#def',
    'COLOR=#fff',
    'URL=http://x/#frag # the anchor matters',
    'HAS_DQ=a"b#c',
    'NEWLINE=a\\n#b',
    'LAST=2',
    '',
  ];
  const text = lines.join('\n');
  const { fixture, diagnostics } = envDiagnostics(text);
  const uri = fixture.uri('.env.development');
  const expected: Record<string, string> = {
    DB_PASSWORD: 'abc#def',
    COLOR: '#fff',
    URL: 'http://x/#frag',
    HAS_DQ: 'a"b#c',
    NEWLINE: 'a\\n#b',
  };
  const misread = diagnostics.filter((d) => d.code === 'dotenv-misread');
  assert.equal(misread.length, Object.keys(expected).length);
  for (const diagnostic of misread) {
    const key = (diagnostic.data as { key: string }).key;
    const [action] = codeActions(fixture.project, uri, [diagnostic], 'development', host);
    assert.equal(action.title, `Quote the value of ${key} so dotenv keeps the #`);
    const fixed = applyEdit(action.edit!, { [uri]: text })[uri];
    const before = dotenv.parse(text);
    const after = dotenv.parse(fixed);
    assert.equal(after[key], expected[key], `${key}: dotenv reads the whole value after the fix`);
    assert.deepEqual({ ...after, [key]: before[key] }, { ...before }, `${key}: no other value changes`);
    assert.deepEqual(
      findMisreads(fixed, parseEnv(fixed)).filter((m) => m.key === key),
      [],
      `${key}: nothing left to report`,
    );
  }
  // Control: the value the line shows before the fix is not what dotenv reads.
  assert.equal(dotenv.parse(text).DB_PASSWORD, 'abc');
});

test('quick fix: offered only for hash-cut, and refused when no quote reads the value back', () => {
  const text = 'ALL=a"b\'c`d#e\nEXP=${X}\n';
  const { fixture, diagnostics } = envDiagnostics(text);
  const misread = diagnostics.filter((d) => d.code === 'dotenv-misread');
  assert.equal(misread.length, 2);
  for (const diagnostic of misread)
    assert.deepEqual(
      codeActions(fixture.project, fixture.uri('.env.development'), [diagnostic], 'development', host),
      [],
    );
  // A diagnostic whose range no longer starts at a misread value (a stale one) gets no fix.
  const stale: Diagnostic = { ...misread[0], range: { start: { line: 0, character: 1 }, end: misread[0].range.end } };
  assert.deepEqual(codeActions(fixture.project, fixture.uri('.env.development'), [stale], 'development', host), []);
});

test('misreadKeys: the keys sync must skip, by the definition dotenv keeps, in file order, each once', () => {
  const text = [
    'A=abc#def',
    'B=fine',
    'C="${X}"',
    'A=fixed',
    'D=x#y',
    'D="${Y}"',
    '__proto__=a#b',
    'E="a\\"b"',
    "F='${literal}'",
    '',
  ].join('\n');
  assert.deepEqual(misreadKeys(text), ['C', 'D', 'E']);
  assert.deepEqual(misreadKeys('A=1\nB="quoted # fine"\n'), []);
  assert.deepEqual(misreadKeys(''), []);
});

test('a non-ASCII key: the malformed-line message says which character dotenv refuses; other lines keep theirs', () => {
  const { diagnostics } = envDiagnostics('KÉY=v\nexport CLÉ: v\nKEY\u200b=v\njust words\nGOOD=1\n');
  const malformed = diagnostics.filter((d) => d.code === 'malformed-line');
  assert.deepEqual(
    malformed.map((d) => messageOf(d)),
    [
      'dotenv does not read KÉY as a key: its character 2 (U+00C9) is not an ASCII letter, digit, _, . or -, so dotenv ignores this line and it sets nothing. Rename the key with ASCII characters.',
      'dotenv does not read CLÉ as a key: its character 3 (U+00C9) is not an ASCII letter, digit, _, . or -, so dotenv ignores this line and it sets nothing. Rename the key with ASCII characters.',
      'dotenv does not read KEY\u200b as a key: its character 4 (U+200B) is not an ASCII letter, digit, _, . or -, so dotenv ignores this line and it sets nothing. Rename the key with ASCII characters.',
      'This line is not KEY=VALUE, a comment or blank: dotenv ignores it, so it sets nothing.',
    ],
  );
  assert.equal(nonAsciiKeyOf('KEY=v'), undefined);
  assert.equal(nonAsciiKeyOf('some words'), undefined);
  assert.equal(nonAsciiKeyOf('KEY=välue'), undefined, 'a non-ASCII value is fine');
});

/**
 * Each check searches for its trigger (`${`, a backslash before a quote) with a cursor that moves forward through
 * the file. Its answers for a whole file must be those for each line alone: a cursor that skipped an occurrence, or
 * took one from a later line, reports a different set. The lines mix every trigger, in and out of values, and the
 * triggers lie both before and far after the entries that lack them.
 */
test('misreads of a whole file are those of each of its lines alone', () => {
  const shapes = [
    (i: number) => `K${i}=plain-${i}`,
    (i: number) => `K${i}="quoted-${i}"`,
    (i: number) => `K${i}="has \${HOME}/x"`,
    (i: number) => `K${i}=\${PATH:-/bin}`,
    (i: number) => `K${i}='single \${NOT}'`,
    (i: number) => `K${i}="a\\"b"`,
    (i: number) => `K${i}='a\\'b'`,
    (i: number) => `K${i}=\`a\\\`b\``,
    (i: number) => `K${i}=abc#glued`,
    (i: number) => `# a comment with \${X} and \\" in it ${i}`,
    (i: number) => `K${i}="ends here" # \\" and \${Y} after the value`,
  ];
  let seed = 7;
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    lines.push(shapes[seed % shapes.length]!(i));
  }
  const text = lines.join('\n') + '\n';
  const whole = findMisreads(text, parseEnv(text)).map((m) => `${m.key}:${m.kind}:${m.start}:${m.end}`);
  const perLine: string[] = [];
  let offset = 0;
  for (const line of lines) {
    for (const m of findMisreads(line, parseEnv(line)))
      perLine.push(`${m.key}:${m.kind}:${m.start + offset}:${m.end + offset}`);
    offset += line.length + 1;
  }
  assert.deepEqual(whole, perLine);
  // Control: every kind occurs, so a check that found nothing anywhere would have failed above.
  for (const kind of ['hash-cut', 'unexpanded', 'escaped-quote'])
    assert.ok(
      whole.some((m) => m.includes(`:${kind}:`)),
      kind,
    );
});
