import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import type { IGrammar } from 'vscode-textmate';
import { hasScope, loadGrammar, renderTokens, scopesAt, tokenize, type Token } from './tokenize';

let grammar: IGrammar;
before(async () => {
  grammar = await loadGrammar('source.dotenv');
});

function dotenv(text: string): Token[] {
  return tokenize(grammar, text);
}

/** Asserts that every character of `needle` (or of its `«…»` part) carries `selector`. */
function assertScope(tokens: readonly Token[], needle: string, selector: string): void {
  const scopes = scopesAt(tokens, needle);
  assert.ok(hasScope(scopes, selector), `${needle}: expected ${selector}, got ${scopes.join(' ')}`);
}

function assertNoScope(tokens: readonly Token[], needle: string, selector: string): void {
  const scopes = scopesAt(tokens, needle);
  assert.ok(!hasScope(scopes, selector), `${needle}: expected no ${selector}, got ${scopes.join(' ')}`);
}

void describe('dotenv grammar: lines', () => {
  void test('full-line comments, indented or not, are comments with their # marked', () => {
    const tokens = dotenv('# a comment with KEY=value inside\n   # indented');
    assertScope(tokens, '# a comment with KEY=value inside', 'comment.line.number-sign.dotenv');
    assertScope(tokens, '«#» a comment', 'punctuation.definition.comment.dotenv');
    assertNoScope(tokens, 'KEY', 'variable.other.env');
    assertScope(tokens, '# indented', 'comment.line.number-sign');
  });

  void test('a trailing comment ends an unquoted value, as dotenv cuts the value at #', () => {
    const tokens = dotenv('HOST=localhost # dev only\nPASSWORD=abc#123\nEMPTY= # nothing');
    assertScope(tokens, 'HOST=«localhost»', 'string.unquoted');
    assertScope(tokens, '# dev only', 'comment.line.number-sign');
    assertNoScope(tokens, '# dev only', 'string');
    assertScope(tokens, 'PASSWORD=«abc»', 'string.unquoted');
    assertScope(tokens, '#123', 'comment.line.number-sign');
    assertScope(tokens, '# nothing', 'comment.line.number-sign');
  });

  void test('a comment after a closing quote is a comment, and a # inside quotes is not', () => {
    const tokens = dotenv('A="x # not a comment" # comment\nB=\'y\'#also comment');
    assertScope(tokens, '"x # not a comment"', 'string.quoted.double');
    assertNoScope(tokens, 'x «# not a comment»', 'comment');
    assertScope(tokens, '" «# comment»', 'comment.line.number-sign');
    assertScope(tokens, '#also comment', 'comment.line.number-sign');
  });

  void test('export is a keyword; a key named export is a key', () => {
    const tokens = dotenv('export TOKEN=abc\nexport=1\nexport   SPACED=2');
    assertScope(tokens, '«export» TOKEN', 'keyword.other.export');
    assertScope(tokens, 'export «TOKEN»', 'variable.other.env');
    assertScope(tokens, '«export»=1', 'variable.other.env');
    assertNoScope(tokens, '«export»=1', 'keyword');
    assertScope(tokens, 'export   «SPACED»', 'variable.other.env');
  });

  void test('= and : both separate a key from its value; : only before whitespace, as in dotenv', () => {
    const tokens = dotenv('EQUALS=1\nCOLON: 2\nSPACED = 3\nURLISH:nospace');
    assertScope(tokens, 'EQUALS«=»', 'keyword.operator.assignment');
    assertScope(tokens, 'COLON«:»', 'punctuation.separator.key-value');
    assertScope(tokens, 'COLON', 'variable.other.env');
    assertScope(tokens, 'COLON: «2»', 'string.unquoted');
    assertScope(tokens, 'SPACED = «3»', 'string.unquoted');
    assertNoScope(tokens, 'URLISH', 'variable.other.env');
    assertNoScope(tokens, 'nospace', 'string');
  });

  void test('keys failing ^[A-Za-z_][A-Za-z0-9_]*$ are invalid.illegal, valid ones are not', () => {
    const tokens = dotenv('1KEY=a\nmy-key=b\na.b=c\nexport bad-key=d\n_ok_9=e\nKEY2: f');
    for (const key of ['1KEY', 'my-key', 'a.b', 'bad-key']) {
      assertScope(tokens, key, 'invalid.illegal.key.dotenv');
      assertNoScope(tokens, key, 'variable.other.env');
    }
    assertScope(tokens, '«export» bad-key', 'keyword.other.export');
    assertScope(tokens, 'a.b=«c»', 'string.unquoted');
    for (const key of ['_ok_9', 'KEY2']) {
      assertScope(tokens, key, 'variable.other.env');
      assertNoScope(tokens, key, 'invalid');
    }
  });
});

void describe('dotenv grammar: values', () => {
  void test('double, single and backtick quotes are string.quoted.* with begin/end punctuation', () => {
    const tokens = dotenv('D="double"\nS=\'single\'\nB=`backtick`\nPADDED=  "padded"');
    assertScope(tokens, '"double"', 'string.quoted.double.dotenv');
    assertScope(tokens, '«"»double', 'punctuation.definition.string.begin');
    assertScope(tokens, 'double«"»', 'punctuation.definition.string.end');
    assertScope(tokens, "'single'", 'string.quoted.single.dotenv');
    assertScope(tokens, '`backtick`', 'string.quoted.other.backtick.dotenv');
    assertScope(tokens, '"padded"', 'string.quoted.double');
  });

  void test('\\n \\r \\\\ \\" are escapes in double quotes; \\" does not end the string', () => {
    const tokens = dotenv('MSG="a\\nb\\rc\\\\d \\"quoted\\" e"\nNEXT=1');
    for (const escape of ['\\n', '\\r', '\\\\', '\\"']) assertScope(tokens, escape, 'constant.character.escape.dotenv');
    assertScope(tokens, 'quoted', 'string.quoted.double');
    assertScope(tokens, ' e', 'string.quoted.double');
    assertScope(tokens, 'NEXT', 'variable.other.env');
  });

  void test("single and backtick quotes have no escapes or interpolation; \\' does not end a single-quoted value", () => {
    const tokens = dotenv("S='a\\n $HOME ${HOME} \\' still'\nB=`x\\n ${HOME}`\nNEXT=1");
    assertNoScope(tokens, "S='a«\\n»", 'constant.character.escape');
    assertNoScope(tokens, "S='a\\n «$HOME»", 'variable');
    assertNoScope(tokens, "S='a\\n $HOME «${HOME}»", 'meta.interpolation');
    assertScope(tokens, ' still', 'string.quoted.single');
    assertNoScope(tokens, 'B=`x\\n «${HOME}»', 'meta.interpolation');
    assertScope(tokens, 'NEXT', 'variable.other.env');
  });

  void test('a quoted value spans lines until its closing quote; the line after is a fresh assignment', () => {
    const tokens = dotenv(
      [
        'CERT="-----BEGIN-----',
        'KEY=not a key # not a comment',
        '-----END-----" # comment',
        'AFTER=1',
        "SQ='one",
        "two'",
        'BT=`one',
        'two`',
      ].join('\n'),
    );
    assertScope(tokens, '-----BEGIN-----', 'string.quoted.double');
    assertScope(tokens, 'KEY=not a key # not a comment', 'string.quoted.double');
    assertNoScope(tokens, '«KEY»=not', 'variable.other.env');
    assertScope(tokens, '-----END-----«"»', 'punctuation.definition.string.end');
    assertScope(tokens, '" «# comment»', 'comment.line.number-sign');
    assertScope(tokens, 'AFTER', 'variable.other.env');
    assertNoScope(tokens, 'AFTER', 'string');
    assertScope(tokens, "two«'»", 'string.quoted.single');
    assertScope(tokens, 'two«`»', 'string.quoted.other.backtick');
  });

  void test('${VAR} and $VAR interpolate in unquoted and double-quoted values, with punctuation scopes', () => {
    const tokens = dotenv('URL=https://${HOST}:$PORT/x\nGREETING="hi ${USER_NAME}, $TITLE"\nDEFAULTED=${LEVEL:-info}');
    for (const name of ['HOST', 'PORT', 'USER_NAME', 'TITLE', 'LEVEL']) {
      assertScope(tokens, name, 'variable.other.interpolation');
      assertScope(tokens, name, 'meta.interpolation');
    }
    assertScope(tokens, 'https://«${»', 'punctuation.definition.interpolation.begin');
    assertScope(tokens, 'HOST«}»', 'punctuation.definition.interpolation.end');
    assertScope(tokens, '«$»PORT', 'punctuation.definition.variable');
    assertScope(tokens, 'USER_NAME', 'string.quoted.double');
    assertScope(tokens, 'HOST', 'string.unquoted');
    assertScope(tokens, 'LEVEL«:-»', 'keyword.operator');
    assertScope(tokens, 'info', 'meta.interpolation');
    assertScope(tokens, 'https://', 'string.unquoted');
    assertNoScope(tokens, 'https://', 'meta.interpolation');
  });

  void test('an escaped \\$ is not interpolation; ${} with a bad name is invalid', () => {
    const tokens = dotenv('PRICE=\\$5 and \\${NOT}\nQ="\\$HOME"\nBAD=${1X}');
    assertScope(tokens, 'PRICE=«\\$»', 'constant.character.escape');
    assertNoScope(tokens, 'NOT', 'variable.other.interpolation');
    assertScope(tokens, 'Q="«\\$»', 'constant.character.escape');
    assertNoScope(tokens, 'HOME', 'variable.other.interpolation');
    assertScope(tokens, '1X', 'invalid.illegal');
  });

  void test('lines that are not assignments get no key or value scopes', () => {
    const tokens = dotenv('just some words\nKEY\n=value');
    assertNoScope(tokens, 'just some words', 'variable');
    assertNoScope(tokens, 'just some words', 'string');
    assertNoScope(tokens, 'KEY', 'variable.other.env');
    assertNoScope(tokens, 'value', 'string');
  });
});

void describe('dotenv grammar: snapshot', () => {
  const fixture = [
    '# Development secrets for the support agent',
    'export DATABASE_URL=postgres://${DB_HOST:-localhost}:5432/app # local only',
    'API_KEY: sk_dev_123',
    'GREETING="Hello\\n\\"$USER_NAME\\""',
    "RAW='no $INTERPOLATION \\' here'",
    'PRIVATE_KEY="-----BEGIN-----',
    'abc',
    '-----END-----" # pem',
    'my-key=oops',
    '',
    'EMPTY=',
  ].join('\n');

  void test('the fixture renders to the expected text → scopes lines', () => {
    // String.raw keeps the JSON escapes readable; a literal "${" has to be spelled ${'${'} in it.
    const expected = String.raw`
L1 "#" → comment.line.number-sign.dotenv punctuation.definition.comment.dotenv
L1 " Development secrets for the support agent" → comment.line.number-sign.dotenv
L2 "export" → keyword.other.export.dotenv
L2 "DATABASE_URL" → variable.other.env.dotenv
L2 "=" → keyword.operator.assignment.dotenv
L2 "postgres://" → string.unquoted.value.dotenv
L2 "${'${'}" → string.unquoted.value.dotenv meta.interpolation.dotenv punctuation.definition.interpolation.begin.dotenv
L2 "DB_HOST" → string.unquoted.value.dotenv meta.interpolation.dotenv variable.other.interpolation.dotenv
L2 ":-" → string.unquoted.value.dotenv meta.interpolation.dotenv keyword.operator.default.dotenv
L2 "localhost" → string.unquoted.value.dotenv meta.interpolation.dotenv string.unquoted.default.dotenv
L2 "}" → string.unquoted.value.dotenv meta.interpolation.dotenv punctuation.definition.interpolation.end.dotenv
L2 ":5432/app " → string.unquoted.value.dotenv
L2 "#" → comment.line.number-sign.dotenv punctuation.definition.comment.dotenv
L2 " local only" → comment.line.number-sign.dotenv
L3 "API_KEY" → variable.other.env.dotenv
L3 ":" → punctuation.separator.key-value.dotenv
L3 "sk_dev_123" → string.unquoted.value.dotenv
L4 "GREETING" → variable.other.env.dotenv
L4 "=" → keyword.operator.assignment.dotenv
L4 "\"" → string.quoted.double.dotenv punctuation.definition.string.begin.dotenv
L4 "Hello" → string.quoted.double.dotenv
L4 "\\n" → string.quoted.double.dotenv constant.character.escape.dotenv
L4 "\\\"" → string.quoted.double.dotenv constant.character.escape.dotenv
L4 "$" → string.quoted.double.dotenv meta.interpolation.dotenv punctuation.definition.variable.dotenv
L4 "USER_NAME" → string.quoted.double.dotenv meta.interpolation.dotenv variable.other.interpolation.dotenv
L4 "\\\"" → string.quoted.double.dotenv constant.character.escape.dotenv
L4 "\"" → string.quoted.double.dotenv punctuation.definition.string.end.dotenv
L5 "RAW" → variable.other.env.dotenv
L5 "=" → keyword.operator.assignment.dotenv
L5 "'" → string.quoted.single.dotenv punctuation.definition.string.begin.dotenv
L5 "no $INTERPOLATION " → string.quoted.single.dotenv
L5 "\\'" → string.quoted.single.dotenv
L5 " here" → string.quoted.single.dotenv
L5 "'" → string.quoted.single.dotenv punctuation.definition.string.end.dotenv
L6 "PRIVATE_KEY" → variable.other.env.dotenv
L6 "=" → keyword.operator.assignment.dotenv
L6 "\"" → string.quoted.double.dotenv punctuation.definition.string.begin.dotenv
L6 "-----BEGIN-----" → string.quoted.double.dotenv
L7 "abc" → string.quoted.double.dotenv
L8 "-----END-----" → string.quoted.double.dotenv
L8 "\"" → string.quoted.double.dotenv punctuation.definition.string.end.dotenv
L8 "#" → comment.line.number-sign.dotenv punctuation.definition.comment.dotenv
L8 " pem" → comment.line.number-sign.dotenv
L9 "my-key" → invalid.illegal.key.dotenv
L9 "=" → keyword.operator.assignment.dotenv
L9 "oops" → string.unquoted.value.dotenv
L11 "EMPTY" → variable.other.env.dotenv
L11 "=" → keyword.operator.assignment.dotenv
`.trim();
    assert.equal(renderTokens(dotenv(fixture)), expected);
  });

  void test('the example project .env files tokenize with every key valid and every line scoped', () => {
    const exampleDir = path.resolve(__dirname, '..', '..', 'examples', 'support-agent');
    for (const file of ['.env.development', '.env.production']) {
      const text = readFileSync(path.join(exampleDir, file), 'utf8');
      const tokens = dotenv(text);
      assert.ok(!tokens.some((token) => hasScope(token.scopes, 'invalid')), `${file} has an invalid token`);
      const unscoped = tokens.filter((token) => token.scopes.length === 1 && token.text.trim() !== '');
      assert.deepEqual(
        unscoped.map((token) => token.text),
        [],
        `${file} has text outside any scope`,
      );
    }
  });
});

void describe('dotenv language configuration', () => {
  void test('# comments lines; quotes and ${ } close themselves', () => {
    const file = path.resolve(__dirname, '..', '..', 'syntaxes', 'dotenv.language-configuration.json');
    const configuration = JSON.parse(readFileSync(file, 'utf8')) as {
      comments: { lineComment: string };
      autoClosingPairs: { open: string; close: string }[];
    };
    assert.equal(configuration.comments.lineComment, '#');
    const pairs = configuration.autoClosingPairs.map(({ open, close }) => open + close);
    for (const pair of ['${}', '""', "''", '``']) assert.ok(pairs.includes(pair), pair);
  });
});

void describe('dotenv grammar: cost', () => {
  // A backtracking pattern would take seconds to minutes on these; a linear one takes milliseconds.
  const size = 20_000;
  const pathological: Record<string, string> = {
    'a long key with no separator': 'A'.repeat(size),
    'a long invalid key with no separator': 'a-'.repeat(size) + 'x',
    'repeated unclosed ${': 'KEY=' + '${'.repeat(size),
    'repeated unclosed ${A:-': 'KEY=' + '${A:-'.repeat(size),
    'an unclosed double quote full of backslashes': 'KEY="' + '\\'.repeat(size),
    'a long run of spaces before the value': 'KEY=' + ' '.repeat(size) + 'x',
    'a value of dollars': 'KEY=' + '$'.repeat(size),
    'a long run of spaces before =': ' '.repeat(size) + '=',
  };
  for (const [what, line] of Object.entries(pathological)) {
    void test(`${what} (${line.length} characters) tokenizes in linear time`, () => {
      const started = performance.now();
      dotenv(line);
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 2_000, `took ${Math.round(elapsed)} ms`);
    });
  }
});
