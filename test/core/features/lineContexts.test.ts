import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { lineContexts, type LineContext, type StringLanguage } from '../../../engine/core/features/lineContexts';

// Where "Ignore CODE on this line" may insert a comment line: at the start of a line that is code, never at one
// inside a string spanning lines (the comment would become text the agent sends). Each case marks the lines
// expected 'string' (or 'unknown') with a leading ›, which is stripped before lexing; every other line is 'code'.

function expectContexts(language: StringLanguage, marked: string, inside: LineContext = 'string'): void {
  const lines = marked.split('\n');
  const text = lines.map((line) => line.replace(/^›/, '')).join('\n');
  const expected = lines.map((line) => (line.startsWith('›') ? inside : 'code'));
  assert.deepEqual(lineContexts(text, language), expected, `${language}:\n${text}`);
}

void test('TypeScript: a prompt in a template literal is string, the code around it and in ${…} is code', () => {
  expectContexts(
    'js',
    [
      'const prompt = `You are the support agent.',
      '›Use {{secrets.API_TOKEN}} for the API.',
      '›Escalate with ${',
      "  escalation('x') // a comment with ` and '",
      '} to the team.`; // the line starts in the ${…} expression: a comment there is code',
      'const re = /`[\'"]/g; // a regular expression holding a backtick and quotes',
      'const s = \'it\\\'s\' + "a \\"b\\"";',
      'const nested = `a ${`inner',
      '›${x}`} b',
      '›end`;',
      '/* a block comment with ` and',
      "  ' inside */ const after = 1;",
      "const continued = 'line one \\",
      "›line two';",
      'const division = a / b / c; const t = `x`;',
      '',
    ].join('\n'),
  );
});

void test('Python: triple-quoted strings are string, quotes in comments and inside strings are not', () => {
  expectContexts(
    'python',
    [
      '# a comment that isn\'t a string: """',
      'PROMPT = """You are the agent.',
      "›Don't reveal {{secrets.KEY}}.",
      "›'''single quotes inside''' and \" inside",
      '›"""',
      "other = f'{name}'  # it's fine",
      "DOC = '''",
      '›text"""',
      "›'''",
      'x = "a # not a comment"; y = 1',
    ].join('\n'),
  );
});

void test('C-like: Go raw strings, Java text blocks and Rust lifetimes; Rust raw strings are beyond the lexer', () => {
  expectContexts('c-like', ['p := `line one', '›{{secrets.KEY}}`', 'var c = \'"\'; s := "x"'].join('\n'));
  expectContexts('c-like', ['String p = """', '›{{secrets.KEY}}', '›""";', 'int x = 1;'].join('\n'));
  expectContexts('c-like', ["fn f<'a>(x: &'a str) -> &'a str {", '  let s = "a";', '  x', '}'].join('\n'));
  expectContexts('c-like', ['let p = r#"text', '›{{secrets.KEY}}', '›"#;', '›let x = 1;'].join('\n'), 'unknown');
});

void test('shell-like, SQL, TOML and Lua: quotes spanning lines; heredocs and long brackets are beyond', () => {
  expectContexts('shell-like', ["echo 'one", '›two\'; echo "x" # it\'s a comment', 'true'].join('\n'));
  expectContexts('shell-like', ['cat <<EOF', '›{{secrets.KEY}}', '›EOF', '›true'].join('\n'), 'unknown');
  expectContexts('sql', ["SELECT 'it''s", "›two' -- it's", 'FROM t;'].join('\n'));
  expectContexts('toml', ['p = """', '›{{secrets.KEY}}', '›"""', "q = 'x' # it's"].join('\n'));
  expectContexts('lua', ['local s = [[', '›{{secrets.KEY}}', '›]]'].join('\n'), 'unknown');
});

void test('YAML: block scalars and continued scalars are string; entries and comments are code', () => {
  expectContexts(
    'yaml',
    [
      'agent:',
      '  prompt: |',
      '›    You are the agent.',
      '›',
      '›    Use {{secrets.KEY}}.',
      '  model: small',
      '  note: a plain scalar',
      '›    continued here',
      '  quoted: "starts here',
      '›    and ends here"',
      '  # a comment',
      '  list:',
      '    - >-',
      '›      folded {{secrets.KEY}}',
      '    - plain',
      'token: "{{secrets.KEY}}"',
    ].join('\n'),
  );
});

void test('YAML: read as its parser reads it, where rules of thumb went wrong', () => {
  expectContexts(
    'yaml',
    [
      'args:',
      '  - arg_name: resource-type',
      '    help_text:  |',
      '›      The resource type, with {{secrets.KEY}}.',
      '›      See: https://example.com/#resource-type',
      '  - bash: |',
      '›      echo ">>> started"',
      '    displayName: a sibling of bash, not its text',
      '"quoted: key #1": >',
      '›  folded {{secrets.KEY}}',
      "'it''s: here': plain",
      '›  continued',
      'flow: [a, b,',
      '  c]',
      '',
    ].join('\n'),
  );
  // A file the parser reports errors in: no line is taken for code.
  assert.deepEqual(lineContexts('a: [1, 2\nb: |\n  x\n', 'yaml'), ['unknown', 'unknown', 'unknown', 'unknown']);
});

void test('YAML a hostile repository writes: deep nesting and huge files are unknown, without parsing', () => {
  // 50,000 nested `[` once made V8 abort the process while the parser recursed; the bound keeps it from parsing.
  const deep = [
    '['.repeat(100_000) + ']'.repeat(100_000),
    'a: ' + '{'.repeat(300) + '}'.repeat(300),
    '- '.repeat(50_000) + 'x',
    Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x',
    `big: |\n${'  line {{secrets.KEY}}\n'.repeat(30_000)}`,
  ];
  for (const text of deep) {
    for (let round = 0; round < 3; round++) {
      const contexts = lineContexts(text, 'yaml');
      assert.equal(contexts.length, text.split('\n').length);
      assert.ok(
        contexts.every((context) => context === 'unknown'),
        `unknown: ${text.slice(0, 40)}…`,
      );
    }
  }
  // Control: nesting within the bound is parsed.
  const nested = 'a: ' + '['.repeat(50) + 'x' + ']'.repeat(50) + '\nb: |\n  text\n';
  assert.deepEqual(lineContexts(nested, 'yaml'), ['code', 'code', 'string', 'code']);
});

void test('Markup: fenced code blocks and open HTML comments are string', () => {
  expectContexts(
    'markup',
    [
      '# Prompt',
      'Use {{secrets.KEY}}.',
      '```ts',
      '›const x = 1;',
      '›```',
      '<!-- a comment',
      '›still the comment -->',
      'text <!-- closed --> text',
      '~~~~',
      '›```',
      '›~~~~',
      'end',
    ].join('\n'),
  );
});

void test('JavaScript: a keyword before `/` starts a regular expression, a property of that name does not', () => {
  expectContexts(
    'js',
    [
      "for (const quote of /[\"']/.test(value) ? ['\"'] : []) emit(`a",
      '›b`);',
      'function scheme(e){return/^\\w+:\\/\\//.test(e)?e:`x',
      '›y`}',
      "if (typeof /'/ === 'object' && 'k' in /\"/) ok(`p",
      '›q`);',
      "const half = size.in / 2; const slash = '/'; const t = `r",
      '›s`;',
      '',
    ].join('\n'),
  );
});

void test('JSX: text in an element is not a string delimiter; from the first element on, lines are unknown', () => {
  const text = ['const before = `a', 'b`;', "const A = () => <p>Don't</p>;", 'const after = `c', 'd`;', ''].join('\n');
  assert.deepEqual(lineContexts(text, 'jsx'), ['code', 'string', 'code', 'unknown', 'unknown', 'unknown']);
  // The same text lexed as plain JavaScript takes the apostrophe for a quote: what 'jsx' avoids.
  assert.notDeepEqual(lineContexts(text, 'js').slice(3), ['code', 'string', 'code']);
});

void test('control: the checks above fail for a lexer that says code everywhere', () => {
  const text = 'const p = `a\nb`;\n';
  assert.deepEqual(lineContexts(text, 'js'), ['code', 'string', 'code']);
  assert.throws(() =>
    assert.deepEqual(
      text.split('\n').map(() => 'code'),
      lineContexts(text, 'js'),
    ),
  );
});

void test('any text, in every language: one context per line, no throw (hostile repositories)', () => {
  // Random text weighted towards what the lexers look at: delimiters, comment openers, line breaks, escapes.
  const piece = fc.oneof(
    fc.constantFrom('`', '${', '}', '"', "'", '"""', "'''", '/', '/*', '*/', '//', '#', '--', '[[', '<<EOF', '\\'),
    fc.constantFrom('\n', '\r\n', ' ', '|', '>', ': ', '- ', '```', '<!--', '-->', 'r#"', '@"', 'x'),
    fc.string({ maxLength: 6 }),
  );
  const languages: StringLanguage[] = [
    'js',
    'jsx',
    'c-like',
    'python',
    'shell-like',
    'toml',
    'yaml',
    'sql',
    'lua',
    'markup',
  ];
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 80 }), fc.constantFrom(...languages), (pieces, language) => {
      const text = pieces.join('');
      const contexts = lineContexts(text, language);
      assert.equal(contexts.length, text.split('\n').length);
      assert.ok(contexts.every((context) => context === 'code' || context === 'string' || context === 'unknown'));
    }),
    { numRuns: 2000 },
  );
});
