import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import type { IGrammar, IRawTheme } from 'vscode-textmate';

type vsctmRule = IRawTheme['settings'][number];
import { cloakRanges } from '../../client/src/valueCloak';
import {
  foregrounds,
  hasScope,
  loadGrammar,
  loadThemed,
  renderTokens,
  scopesAt,
  tokenize,
  type Token,
} from './tokenize';

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

const CLOAK = 'struere.cloaked-value.dotenv';

/** Asserts that the innermost scope of every character of `needle` (or of its `«…»` part) is CLOAK, or is not. */
function assertCloaked(tokens: readonly Token[], needle: string, cloaked = true): void {
  const scopes = scopesAt(tokens, needle);
  assert.equal(
    scopes.at(-1) === CLOAK,
    cloaked,
    `${needle}: expected ${cloaked ? '' : 'no '}${CLOAK} innermost, got ${scopes.join(' ')}`,
  );
}

void describe('dotenv grammar: cloaked values (the scope the transparent token colour targets)', () => {
  void test('unquoted, double-, single- and backtick-quoted values are cloaked inside their quotes', () => {
    const tokens = dotenv('U=plain value\nD="double"\nS=\'single\'\nB=`tick`\nC: colon\nexport E=exported');
    for (const value of ['plain value', 'double', 'single', 'tick', 'colon', 'exported']) assertCloaked(tokens, value);
    for (const quote of ['D=«"»', 'double«"»', "S=«'»", "single«'»", 'B=«`»', 'tick«`»'])
      assertCloaked(tokens, quote, false);
    for (const key of ['«U»=', '«D»=', '«C»:', '«E»=', '«export» E']) assertCloaked(tokens, key, false);
  });

  void test('escapes and interpolations inside a value are cloaked too (innermost, so their theme colours lose)', () => {
    const tokens = dotenv('A="x\\ny ${HOST} $PORT"\nB=pre${LEVEL:-info}post \\$5\nC=${1X}');
    for (const part of ['\\n', '${', 'HOST', '}', '$PORT', 'LEVEL', ':-', 'info', 'post', '\\$', '1X'])
      assertCloaked(tokens, part);
  });

  void test('a multiline value is cloaked on every line; the comment after its closing quote is not', () => {
    const tokens = dotenv(
      ['CERT="-----BEGIN-----', 'KEY=inside # not a comment', '-----END-----" # pem', 'NEXT=1'].join('\n'),
    );
    for (const part of ['-----BEGIN-----', 'KEY=inside # not a comment', '-----END-----']) assertCloaked(tokens, part);
    assertCloaked(tokens, '# pem', false);
    assertCloaked(tokens, '«NEXT»=1', false);
    assertCloaked(tokens, 'NEXT=«1»');
  });

  void test('comments after values stay visible, in every quoting form', () => {
    const tokens = dotenv('U=abc # one\nD="x" # two\nS=\'y\'# three\nB=`z` #four\nH=abc#five');
    for (const comment of ['# one', '# two', '# three', '#four', '#five']) assertCloaked(tokens, comment, false);
    assertCloaked(tokens, 'H=«abc»');
  });

  void test('a commented-out assignment hides its value; prose comments and keys stay visible', () => {
    const tokens = dotenv('# OLD_TOKEN=abc123\n#export LEGACY = "x y"\n# Note: not=an assignment here\n# just prose');
    assertCloaked(tokens, 'OLD_TOKEN=«abc123»');
    assertCloaked(tokens, '«# OLD_TOKEN»=', false);
    assertCloaked(tokens, 'LEGACY = «"x y"»');
    assertScope(tokens, 'OLD_TOKEN=«abc123»', 'comment.line.number-sign');
    assertCloaked(tokens, '# Note: not=an assignment here', false);
    assertCloaked(tokens, '# just prose', false);
  });

  void test('a malformed line holding = hides what follows =; lines without = stay visible', () => {
    const tokens = dotenv('MY KEY=sk_live_abc\n=orphan\njust words\nURLISH:nospace');
    assertCloaked(tokens, 'MY KEY=«sk_live_abc»');
    assertCloaked(tokens, '«MY KEY»=', false);
    assertCloaked(tokens, '=«orphan»');
    assertCloaked(tokens, 'just words', false);
    assertCloaked(tokens, 'URLISH:nospace', false);
  });

  void test("under a theme with the manifest's rule, exactly the parser's value characters are transparent", async () => {
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      contributes: { configurationDefaults: Record<string, { textMateRules: vsctmRule[] }> };
    };
    const ours = manifest.contributes.configurationDefaults['editor.tokenColorCustomizations'].textMateRules;
    assert.ok(
      ours.some((rule) => rule.scope === CLOAK && /00$/.test(rule.settings.foreground ?? '')),
      'the rule is there',
    );
    // A theme like Dark+: the rules a value's own scopes would otherwise pick up. Customizations come after the
    // theme's rules, as VS Code appends them.
    const theme = {
      settings: [
        { settings: { foreground: '#D4D4D4', background: '#1E1E1E' } },
        { scope: 'string', settings: { foreground: '#CE9178' } },
        { scope: 'constant.character.escape', settings: { foreground: '#D7BA7D' } },
        { scope: ['variable', 'meta.interpolation'], settings: { foreground: '#9CDCFE' } },
        { scope: 'punctuation.definition', settings: { foreground: '#569CD6' } },
        { scope: 'keyword.operator', settings: { foreground: '#D4D4D5' } },
        { scope: 'comment', settings: { foreground: '#6A9955' } },
        { scope: 'source.dotenv string.quoted', settings: { foreground: '#CE9179' } },
        ...ours,
      ],
    };
    const text = [
      '# OLD=IBEX',
      'A=plain # note',
      'B="dq \\n ${HOST:-x} $P"',
      "C='sq'",
      'D=`bt`',
      'E="multi',
      'line # inside',
      'end" # after',
      'export F: colon',
      'MY KEY=broken',
    ].join('\n');
    const flat = text.replace(/\n/g, '');
    const lineBreaksBefore = (offset: number) => text.slice(0, offset).split('\n').length - 1;
    const inValue = new Set<number>();
    for (const range of cloakRanges(text))
      for (let at = range.start; at < range.end; at++) if (text[at] !== '\n') inValue.add(at - lineBreaksBefore(at));
    /** Non-blank characters whose transparency disagrees with the parser's value ranges. */
    const mismatches = async (rawTheme: IRawTheme) => {
      const { grammar: themed, colorMap } = await loadThemed('source.dotenv', [], rawTheme);
      const colours = foregrounds(themed, colorMap, text).flat();
      return [...flat].flatMap((char, at) => {
        const transparent = /^#[0-9A-F]{6}00$/i.test(colours[at] ?? '');
        return char !== ' ' && transparent !== inValue.has(at) ? [`${JSON.stringify(char)}@${at} ${colours[at]}`] : [];
      });
    };
    assert.deepEqual(await mismatches(theme), [], 'value characters transparent, every other character coloured');
    // Control: the same theme without our rule (what a user's own textMateRules leaves): every value character shows.
    const withoutOurs = { settings: theme.settings.filter((rule) => !ours.includes(rule as vsctmRule)) };
    const nonBlankValueChars = [...inValue].filter((at) => flat[at] !== ' ').length;
    assert.equal((await mismatches(withoutOurs)).length, nonBlankValueChars);
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
L2 "postgres://" → string.unquoted.value.dotenv struere.cloaked-value.dotenv
L2 "${'${'}" → string.unquoted.value.dotenv struere.cloaked-value.dotenv meta.interpolation.dotenv punctuation.definition.interpolation.begin.dotenv struere.cloaked-value.dotenv
L2 "DB_HOST" → string.unquoted.value.dotenv struere.cloaked-value.dotenv meta.interpolation.dotenv variable.other.interpolation.dotenv struere.cloaked-value.dotenv
L2 ":-" → string.unquoted.value.dotenv struere.cloaked-value.dotenv meta.interpolation.dotenv keyword.operator.default.dotenv struere.cloaked-value.dotenv
L2 "localhost" → string.unquoted.value.dotenv struere.cloaked-value.dotenv meta.interpolation.dotenv string.unquoted.default.dotenv struere.cloaked-value.dotenv
L2 "}" → string.unquoted.value.dotenv struere.cloaked-value.dotenv meta.interpolation.dotenv punctuation.definition.interpolation.end.dotenv struere.cloaked-value.dotenv
L2 ":5432/app " → string.unquoted.value.dotenv struere.cloaked-value.dotenv
L2 "#" → comment.line.number-sign.dotenv punctuation.definition.comment.dotenv
L2 " local only" → comment.line.number-sign.dotenv
L3 "API_KEY" → variable.other.env.dotenv
L3 ":" → punctuation.separator.key-value.dotenv
L3 "sk_dev_123" → string.unquoted.value.dotenv struere.cloaked-value.dotenv
L4 "GREETING" → variable.other.env.dotenv
L4 "=" → keyword.operator.assignment.dotenv
L4 "\"" → string.quoted.double.dotenv punctuation.definition.string.begin.dotenv
L4 "Hello" → string.quoted.double.dotenv struere.cloaked-value.dotenv
L4 "\\n" → string.quoted.double.dotenv struere.cloaked-value.dotenv constant.character.escape.dotenv struere.cloaked-value.dotenv
L4 "\\\"" → string.quoted.double.dotenv struere.cloaked-value.dotenv constant.character.escape.dotenv struere.cloaked-value.dotenv
L4 "$" → string.quoted.double.dotenv struere.cloaked-value.dotenv meta.interpolation.dotenv punctuation.definition.variable.dotenv struere.cloaked-value.dotenv
L4 "USER_NAME" → string.quoted.double.dotenv struere.cloaked-value.dotenv meta.interpolation.dotenv variable.other.interpolation.dotenv struere.cloaked-value.dotenv
L4 "\\\"" → string.quoted.double.dotenv struere.cloaked-value.dotenv constant.character.escape.dotenv struere.cloaked-value.dotenv
L4 "\"" → string.quoted.double.dotenv punctuation.definition.string.end.dotenv
L5 "RAW" → variable.other.env.dotenv
L5 "=" → keyword.operator.assignment.dotenv
L5 "'" → string.quoted.single.dotenv punctuation.definition.string.begin.dotenv
L5 "no $INTERPOLATION " → string.quoted.single.dotenv struere.cloaked-value.dotenv
L5 "\\'" → string.quoted.single.dotenv struere.cloaked-value.dotenv
L5 " here" → string.quoted.single.dotenv struere.cloaked-value.dotenv
L5 "'" → string.quoted.single.dotenv punctuation.definition.string.end.dotenv
L6 "PRIVATE_KEY" → variable.other.env.dotenv
L6 "=" → keyword.operator.assignment.dotenv
L6 "\"" → string.quoted.double.dotenv punctuation.definition.string.begin.dotenv
L6 "-----BEGIN-----" → string.quoted.double.dotenv struere.cloaked-value.dotenv
L7 "abc" → string.quoted.double.dotenv struere.cloaked-value.dotenv
L8 "-----END-----" → string.quoted.double.dotenv struere.cloaked-value.dotenv
L8 "\"" → string.quoted.double.dotenv punctuation.definition.string.end.dotenv
L8 "#" → comment.line.number-sign.dotenv punctuation.definition.comment.dotenv
L8 " pem" → comment.line.number-sign.dotenv
L9 "my-key" → invalid.illegal.key.dotenv
L9 "=" → keyword.operator.assignment.dotenv
L9 "oops" → string.unquoted.value.dotenv struere.cloaked-value.dotenv
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
