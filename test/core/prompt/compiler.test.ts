import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePrompt, isAgentCode, SET_SECRET_MASK, setKeysFrom } from '../../../engine/core/prompt/compiler';
import { extractSystemPrompts } from '../../../engine/core/prompt/lexer';
import { formatPromptPreview } from '../../../engine/core/prompt/preview';
import { unknownRemote, type RemoteNameList } from '../../../engine/core/model/remoteNames';

// The compiler is told which keys are set and nothing else: no value can be in its output, because none is ever
// passed in. These tests check the shape of what it builds.

const setOf =
  (...keys: string[]) =>
  (key: string) =>
    keys.includes(key);
const compiledOf = (text: string, file: string, ...set: string[]) =>
  compilePrompt(text, file, setOf(...set)).prompts.map((prompt) => prompt.compiled);

test('set keys become the mask, unset ones the platform literal; both reference forms, blanks inside allowed', () => {
  const text = 'A {{secrets.SET}} B {{ secrets.SET }} C {{\tsecrets.UNSET\t}} D <<secrets.SET>> E << secrets.OTHER >>';
  const result = compilePrompt(text, 'prompt.md', setOf('SET'));
  assert.deepEqual(result.prompts, [
    { compiled: 'A •••• B •••• C [MISSING_SECRET:UNSET] D •••• E [MISSING_SECRET:OTHER]', startLine: 0 },
  ]);
  assert.deepEqual(result.missing, ['UNSET', 'OTHER']);
  assert.equal(result.origin, 'whole-file');
  assert.equal(SET_SECRET_MASK, '••••');
});

test('missing keys are listed once, in order of first appearance', () => {
  assert.deepEqual(
    compilePrompt('{{secrets.B}} {{secrets.A}} <<secrets.B>> {{secrets.C}}', 'x.txt', setOf('C')).missing,
    ['B', 'A'],
  );
});

test('names failing the key pattern are always missing, even when the caller calls them set', () => {
  const result = compilePrompt('{{secrets.bad-name}} {{secrets.1ST}} {{secrets.ok}}', 'p.md', () => true);
  // Described, not quoted: such a name may be a pasted value.
  const described = ["<an 8-character name with '-' in it>", '<a 3-character name starting with a digit>'];
  assert.deepEqual(
    result.prompts[0].compiled,
    `[MISSING_SECRET:${described[0]}] [MISSING_SECRET:${described[1]}] ••••`,
  );
  assert.deepEqual(result.missing, described);
});

test('near misses and tool references are left alone in a prompt', () => {
  const text =
    'secrets.KEY {secrets.KEY} {{ env.KEY }} {{secrets.KEY} context.secrets.KEY context.secrets["KEY"] {{ secrets.KEY\n}}';
  assert.deepEqual(compilePrompt(text, 'p.md', () => true).prompts[0].compiled, text);
});

test('agent code: every systemPrompt of the file, with the name of its own object, several agents per file', () => {
  const text = [
    "import { defineAgent } from 'struere';",
    '',
    'export const support = defineAgent({',
    "  name: 'support',",
    '  systemPrompt: `You work for {{secrets.COMPANY_NAME}}.',
    'Page {{ secrets.PAGERDUTY }} on outages.`,',
    '});',
    '',
    'export const billing = defineAgent({',
    '  model: "claude",',
    '  systemPrompt: "Billing for <<secrets.COMPANY_NAME>>",',
    '  name: "billing",',
    '});',
    '',
    "export const anonymous = { systemPrompt: 'No name {{secrets.X}}' };",
  ].join('\n');
  const result = compilePrompt(text, 'agents/all.ts', setOf('COMPANY_NAME'));
  assert.equal(result.origin, 'systemPrompt');
  assert.deepEqual(result.prompts, [
    { name: 'support', compiled: 'You work for ••••.\nPage [MISSING_SECRET:PAGERDUTY] on outages.', startLine: 4 },
    { name: 'billing', compiled: 'Billing for ••••', startLine: 10 },
    { compiled: 'No name [MISSING_SECRET:X]', startLine: 14 },
  ]);
  assert.deepEqual(result.missing, ['PAGERDUTY', 'X']);
});

test('templates keep ${…} as written (nested templates and braces included); escapes are cooked', () => {
  const text = 'const a = { systemPrompt: `Hi ${user.name} ${fmt(`x${1}`, { a: "}" })} \\` \\${not} {{secrets.K}}` };';
  assert.deepEqual(compiledOf(text, 'a.js', 'K'), ['Hi ${user.name} ${fmt(`x${1}`, { a: "}" })} ` ${not} ••••']);
  const quoted = `const a = { systemPrompt: 'it\\'s\\n\\u00e9 \\x41 \\u{1F511} "q"' };`;
  assert.deepEqual(compiledOf(quoted, 'a.ts'), ['it\'s\né A 🔑 "q"']);
});

test('concatenations, tagged templates and quoted property names are prompts; variables and calls are not', () => {
  const text = [
    'const a = { systemPrompt: \'one \' + "two " + `three {{secrets.K}}` };',
    'const b = { systemPrompt: dedent`',
    '  tagged {{secrets.K}}`, name: `b` };',
    'const c = { "systemPrompt": \'quoted key\' };',
    'const d = { systemPrompt: buildPrompt() };',
    'const e = { systemPrompt };',
    'const f = { systemPrompt: String.raw`raw` };',
  ].join('\n');
  assert.deepEqual(compiledOf(text, 'a.ts', 'K'), ['one two three ••••', '\n  tagged ••••', 'quoted key', 'raw']);
  assert.equal(extractSystemPrompts(text)[1].name, 'b');
});

test('quotes and "systemPrompt:" inside comments, strings, regexes and types do not derail extraction', () => {
  const text = [
    "// systemPrompt: 'in a line comment' and a stray ` backtick",
    "/* systemPrompt: 'in a block comment' */",
    "const re = /['\"`]systemPrompt: '/g;",
    'const s = "systemPrompt: \'inside a string\'";',
    'interface Agent { systemPrompt: string; name: string }',
    'const x = cond ? systemPrompt : "ternary";',
    "const agent = { name: 'real', systemPrompt: 'the only one' };",
  ].join('\n');
  assert.deepEqual(extractSystemPrompts(text), [{ name: 'real', text: 'the only one', startLine: 6 }]);
});

test('a prompt nested in a config object takes the name of the nearest named enclosing object', () => {
  const text = "defineAgent({ name: 'outer', config: { temperature: 0, systemPrompt: `nested` } })";
  assert.deepEqual(extractSystemPrompts(text), [{ name: 'outer', text: 'nested', startLine: 0 }]);
});

test('CRLF files: lines count CRLF once and template text is normalised to LF', () => {
  const text = "const a = {\r\n  name: 'crlf',\r\n  systemPrompt: `one\r\ntwo {{secrets.K}}`,\r\n};\r\n";
  assert.deepEqual(compilePrompt(text, 'a.ts', setOf()).prompts, [
    { name: 'crlf', compiled: 'one\ntwo [MISSING_SECRET:K]', startLine: 2 },
  ]);
});

test('agent code is told by language id or file name; everything else is one whole-file prompt', () => {
  for (const agent of ['typescript', 'javascriptreact', 'agents/a.ts', 'a.tsx', 'b.mjs', 'C:\\x\\a.cts', 'a.JS'])
    assert.ok(isAgentCode(agent), agent);
  for (const other of ['markdown', 'plaintext', 'prompts/a.md', 'a.txt', 'a.prompt', 'Makefile', 'a.ts.md'])
    assert.ok(!isAgentCode(other), other);
  assert.deepEqual(compiledOf('systemPrompt: `not code here` {{secrets.K}}', 'notes.md', 'K'), [
    'systemPrompt: `not code here` ••••',
  ]);
  assert.deepEqual(
    compilePrompt('const nothing = 1;', 'tool.ts', () => true),
    { origin: 'systemPrompt', prompts: [], missing: [] },
  );
});

test('setKeysFrom: local file keys ∪ known remote names; an unknown remote list adds nothing', () => {
  const fresh: RemoteNameList = { state: 'fresh', names: new Set(['REMOTE_ONLY']) };
  assert.deepEqual([...setKeysFrom('A=1\nexport B="x"\n# C=commented\n', fresh)].sort(), ['A', 'B', 'REMOTE_ONLY']);
  assert.deepEqual([...setKeysFrom(undefined, { state: 'stale', names: new Set(['S']) })], ['S']);
  assert.deepEqual([...setKeysFrom('A=1', { ...unknownRemote('no API key'), names: new Set(['IGNORED']) })], ['A']);
});

test('formatPromptPreview: header with the environment, what "set" means and missing keys, then each prompt', () => {
  const result = compilePrompt("const a = { name: 'support', systemPrompt: `Hi {{secrets.K}}` };", 'a.ts', setOf());
  const text = formatPromptPreview(result, {
    file: 'agents/a.ts',
    environment: 'production',
    setMeans: '.env.production ∪ the remote production list (fresh)',
  });
  assert.equal(
    text,
    [
      'Compiled prompt of agents/a.ts for production',
      'Set secrets show as •••• (values are never shown); unset ones compile to [MISSING_SECRET:KEY], as on the platform.',
      'Set in production means: .env.production ∪ the remote production list (fresh).',
      'Missing in production: K',
      '',
      '── systemPrompt of support, line 1 ──',
      'Hi [MISSING_SECRET:K]',
    ].join('\n'),
  );
  assert.match(
    formatPromptPreview(compilePrompt('x', 'p.md', setOf()), { file: 'p.md', environment: 'eval' }),
    /Missing in eval: none\n\n── whole file ──\nx$/,
  );
  assert.match(
    formatPromptPreview(compilePrompt('', 't.ts', setOf()), { file: 't.ts', environment: 'development' }),
    /No systemPrompt string in this file/,
  );
});

test('GitHub Actions expressions are left as written and are never missing; our form next to them still is', () => {
  const text = 'run: echo ${{ secrets.TURBO_TOKEN }} ${{secrets.GH}} then {{secrets.TURBO_TOKEN}}';
  const result = compilePrompt(text, 'README.md', () => false);
  assert.equal(
    result.prompts[0].compiled,
    'run: echo ${{ secrets.TURBO_TOKEN }} ${{secrets.GH}} then [MISSING_SECRET:TURBO_TOKEN]',
  );
  assert.deepEqual(result.missing, ['TURBO_TOKEN']);
  assert.deepEqual(compilePrompt('${{ secrets.ONLY_GITHUB }}', 'ci.md', () => false).missing, []);
});
