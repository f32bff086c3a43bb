import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { IGrammar } from 'vscode-textmate';
import { hasScope, loadGrammar, renderTokens, scopesAt, tokenize, type HostGrammar, type Token } from './tokenize';

/*
 * VS Code's own TypeScript and Markdown grammars are not installed here, so these stand-ins carry just the
 * shapes the injection has to live inside: string literals, template strings with ${…} substitutions,
 * comments, headings, emphasis and a fenced code block that embeds source.ts.
 */
const escape = { name: 'constant.character.escape.ts', match: '\\\\.' };
const typescriptHost: HostGrammar = {
  scopeName: 'source.ts',
  patterns: [{ include: '#comment' }, { include: '#string' }, { include: '#identifier' }, { include: '#punctuation' }],
  repository: {
    comment: {
      patterns: [
        { name: 'comment.line.double-slash.ts', begin: '//', end: '$' },
        { name: 'comment.block.ts', begin: '/\\*', end: '\\*/' },
      ],
    },
    string: {
      patterns: [
        { name: 'string.quoted.double.ts', begin: '"', end: '"|$', patterns: [escape] },
        { name: 'string.quoted.single.ts', begin: "'", end: "'|$", patterns: [escape] },
        {
          name: 'string.template.ts',
          begin: '`',
          end: '`',
          patterns: [
            escape,
            {
              name: 'meta.template.expression.ts',
              begin: '\\$\\{',
              end: '\\}',
              beginCaptures: { 0: { name: 'punctuation.definition.template-expression.begin.ts' } },
              endCaptures: { 0: { name: 'punctuation.definition.template-expression.end.ts' } },
              patterns: [{ include: '$self' }],
            },
          ],
        },
      ],
    },
    identifier: { name: 'variable.other.readwrite.ts', match: '[A-Za-z_$][A-Za-z0-9_$]*' },
    punctuation: {
      patterns: [
        { name: 'punctuation.accessor.ts', match: '\\??\\.' },
        { name: 'meta.brace.square.ts', match: '[\\[\\]]' },
        { name: 'punctuation.terminator.statement.ts', match: ';' },
      ],
    },
  },
};

const markdownHost: HostGrammar = {
  scopeName: 'text.html.markdown',
  patterns: [
    { name: 'markup.heading.markdown', begin: '^#{1,6}[ \\t]', end: '$' },
    { name: 'markup.bold.markdown', begin: '\\*\\*', end: '\\*\\*' },
    {
      name: 'markup.fenced_code.block.markdown',
      begin: '^```ts[ \\t]*$',
      end: '^```[ \\t]*$',
      contentName: 'meta.embedded.block.typescript',
      patterns: [{ include: 'source.ts' }],
    },
  ],
};

const plainHost: HostGrammar = { scopeName: 'text.plain', patterns: [] };

const KEY = 'variable.other.constant.secret.struere';
const NAMESPACE = 'support.variable.secrets.struere';
const INVALID = 'invalid.illegal.secret-key.struere';

const grammars = new Map<string, IGrammar>();
before(async () => {
  for (const scopeName of ['source.ts', 'text.html.markdown', 'text.plain', 'source.dotenv']) {
    grammars.set(scopeName, await loadGrammar(scopeName, [typescriptHost, markdownHost, plainHost]));
  }
});

function tokens(scopeName: string, text: string): Token[] {
  const grammar = grammars.get(scopeName);
  assert.ok(grammar, scopeName);
  return tokenize(grammar, text);
}

function assertScope(tokenized: readonly Token[], needle: string, selector: string): void {
  const scopes = scopesAt(tokenized, needle);
  assert.ok(hasScope(scopes, selector), `${needle}: expected ${selector}, got ${scopes.join(' ')}`);
}

function assertNoScope(tokenized: readonly Token[], needle: string, selector: string): void {
  const scopes = scopesAt(tokenized, needle);
  assert.ok(!hasScope(scopes, selector), `${needle}: expected no ${selector}, got ${scopes.join(' ')}`);
}

/** The key of the one reference in `text` is KEY-scoped and its `secrets` is namespace-scoped. */
function assertReference(tokenized: readonly Token[], key: string): void {
  assertScope(tokenized, key, KEY);
  assertNoScope(tokenized, key, 'invalid');
}

void describe('secret references: prompt text', () => {
  void test('{{secrets.KEY}} with and without inner whitespace, and <<secrets.KEY>>, in plain text', () => {
    const tokenized = tokens(
      'text.plain',
      'Company: {{secrets.COMPANY_NAME}}\nEmail {{ secrets.SUPPORT_EMAIL }} or <<secrets.PHONE>> / << secrets.FAX >>.',
    );
    for (const key of ['COMPANY_NAME', 'SUPPORT_EMAIL', 'PHONE', 'FAX']) assertReference(tokenized, key);
    assertScope(tokenized, '«{{»secrets.COMPANY_NAME', 'punctuation.definition.template-expression.begin');
    assertScope(tokenized, 'COMPANY_NAME«}}»', 'punctuation.definition.template-expression.end');
    assertScope(tokenized, '«<<»secrets.PHONE', 'punctuation.definition.template-expression.begin');
    assertScope(tokenized, 'PHONE«>>»', 'punctuation.definition.template-expression.end');
    assertScope(tokenized, '{{«secrets».COMPANY_NAME', NAMESPACE);
    assertScope(tokenized, '{{secrets«.»COMPANY_NAME', 'punctuation.accessor');
    assertScope(tokenized, '{{ secrets.SUPPORT_EMAIL }}', 'meta.template.expression.secret-reference.struere');
    assertNoScope(tokenized, 'Company: ', 'meta');
  });

  void test('${{ secrets.KEY }} is GitHub Actions syntax and is not coloured; {{secrets.KEY}} beside it is', () => {
    const tokenized = tokens('text.plain', 'ci: ${{ secrets.TURBO_TOKEN }} ours: {{secrets.OURS}}');
    assertNoScope(tokenized, 'TURBO_TOKEN', 'meta.template.expression.secret-reference.struere');
    assertNoScope(tokenized, 'TURBO_TOKEN', KEY);
    assertReference(tokenized, 'OURS');
  });

  void test('punctuation, namespace and key carry distinct scopes', () => {
    const tokenized = tokens('text.plain', '{{secrets.KEY}}');
    const parts = ['«{{»secrets', '{{«secrets»', 'secrets«.»KEY', 'KEY', 'KEY«}}»'].map((needle) =>
      scopesAt(tokenized, needle).at(-1),
    );
    assert.equal(new Set(parts).size, parts.length, parts.join(', '));
  });

  void test('references in markdown text, headings, emphasis and embedded code', () => {
    const tokenized = tokens(
      'text.html.markdown',
      [
        '# Escalation for {{secrets.COMPANY_NAME}}',
        'Use **{{secrets.ESCALATION_QUEUE}}** then <<secrets.PAGER>>.',
        '```ts',
        'const q = "{{secrets.IN_FENCE}}";',
        '```',
      ].join('\n'),
    );
    assertReference(tokenized, 'COMPANY_NAME');
    assertScope(tokenized, 'COMPANY_NAME', 'markup.heading');
    assertReference(tokenized, 'ESCALATION_QUEUE');
    assertScope(tokenized, 'ESCALATION_QUEUE', 'markup.bold');
    assertReference(tokenized, 'PAGER');
    assertReference(tokenized, 'IN_FENCE');
    assertScope(tokenized, 'IN_FENCE', 'string.quoted.double.ts');
  });

  void test('keys failing the key regex are invalid.illegal, still inside the reference', () => {
    const tokenized = tokens('text.plain', '{{secrets.my-key}} {{ secrets.1KEY }} <<secrets.a.b>> {{secrets.ok_2}}');
    for (const key of ['my-key', '1KEY', 'a.b']) {
      assertScope(tokenized, key, INVALID);
      assertNoScope(tokenized, key, KEY);
      assertScope(tokenized, key, 'meta.template.expression.secret-reference');
    }
    assertReference(tokenized, 'ok_2');
  });

  void test('near misses are not references', () => {
    const tokenized = tokens(
      'text.plain',
      [
        'secrets.BARE',
        '{secrets.SINGLE}',
        '{{secrets.UNCLOSED}',
        '{{ secret.SINGULAR }}',
        '{{secrets.TWO WORDS}}',
        '<secrets.ANGLE>',
        '{{ env.OTHER }}',
      ].join('\n'),
    );
    for (const key of ['BARE', 'SINGLE', 'UNCLOSED', 'SINGULAR', 'TWO', 'ANGLE', 'OTHER']) {
      assertNoScope(tokenized, key, KEY);
      assertNoScope(tokenized, key, INVALID);
    }
    assertNoScope(tokenized, '«secrets».BARE', NAMESPACE);
  });

  void test('files the injection does not target (.env) are left alone', () => {
    const tokenized = tokens('source.dotenv', 'PROMPT="{{secrets.KEY}}"');
    assertNoScope(tokenized, 'KEY}}', KEY);
    assertScope(tokenized, '{{secrets.KEY}}', 'string.quoted.double.dotenv');
  });
});

void describe('secret references: TypeScript and JavaScript', () => {
  void test('inside a multi-line template string, state carried across lines', () => {
    const tokenized = tokens(
      'source.ts',
      [
        'const systemPrompt = `',
        'You work for {{secrets.COMPANY_NAME}}.',
        'Write to {{ secrets.SUPPORT_EMAIL }} or <<secrets.PHONE>>.',
        '`;',
        'const after = 1;',
      ].join('\n'),
    );
    for (const key of ['COMPANY_NAME', 'SUPPORT_EMAIL', 'PHONE']) {
      assertReference(tokenized, key);
      assertScope(tokenized, key, 'string.template.ts');
    }
    assertScope(tokenized, 'You work for ', 'string.template.ts');
    assertNoScope(tokenized, 'You work for ', 'meta.template.expression.secret-reference');
    assertScope(tokenized, '«after»', 'variable.other.readwrite.ts');
    assertNoScope(tokenized, '«after»', 'string');
  });

  void test('inside single- and double-quoted strings, and the host string still ends where it did', () => {
    const tokenized = tokens(
      'source.ts',
      `const a = "Hi {{secrets.DOUBLE}}!"; const b = 'x <<secrets.SINGLE>>'; next;`,
    );
    assertReference(tokenized, 'DOUBLE');
    assertScope(tokenized, 'DOUBLE', 'string.quoted.double.ts');
    assertReference(tokenized, 'SINGLE');
    assertScope(tokenized, 'SINGLE', 'string.quoted.single.ts');
    assertScope(tokenized, '«next»', 'variable.other.readwrite.ts');
    assertNoScope(tokenized, '«next»', 'string');
  });

  void test('in comments', () => {
    const tokenized = tokens('source.ts', '// needs {{secrets.IN_LINE_COMMENT}}\n/* and context.secrets.IN_BLOCK */');
    assertReference(tokenized, 'IN_LINE_COMMENT');
    assertScope(tokenized, 'IN_LINE_COMMENT', 'comment.line.double-slash.ts');
    assertReference(tokenized, 'IN_BLOCK');
  });

  void test('context.secrets.KEY, context?.secrets?.KEY, and inside a ${…} substitution', () => {
    const tokenized = tokens(
      'source.ts',
      [
        'const token = context.secrets.ZENDESK_TOKEN;',
        'const maybe = context?.secrets?.OPTIONAL;',
        'fetch(`https://${context.secrets.SUBDOMAIN}.example`);',
      ].join('\n'),
    );
    for (const key of ['ZENDESK_TOKEN', 'OPTIONAL', 'SUBDOMAIN']) assertReference(tokenized, key);
    assertScope(tokenized, '«context».secrets.ZENDESK_TOKEN', 'variable.other.object');
    assertScope(tokenized, 'context.«secrets».ZENDESK_TOKEN', NAMESPACE);
    assertScope(tokenized, 'context«.»secrets.ZENDESK_TOKEN', 'punctuation.accessor');
    assertScope(tokenized, 'context«?.»secrets', 'punctuation.accessor');
    assertScope(tokenized, 'SUBDOMAIN', 'meta.template.expression.ts');
    assertScope(tokenized, 'ZENDESK_TOKEN«;»', 'punctuation.terminator.statement.ts');
  });

  void test('context.secrets["KEY"], [\'KEY\'] and [`KEY`]', () => {
    const tokenized = tokens(
      'source.ts',
      `a = context.secrets["DOUBLE"]; b = context.secrets[ 'SINGLE' ]; c = context.secrets?.[\`TICK\`];`,
    );
    for (const key of ['DOUBLE', 'SINGLE', 'TICK']) {
      assertReference(tokenized, key);
      assertNoScope(tokenized, key, 'string');
    }
    assertScope(tokenized, 'context.secrets«[»"DOUBLE', 'punctuation.section.brackets.begin');
    assertScope(tokenized, 'context.secrets[«"»DOUBLE', 'punctuation.definition.string.begin');
    assertScope(tokenized, 'DOUBLE«"»', 'punctuation.definition.string.end');
    assertScope(tokenized, 'DOUBLE"«]»', 'punctuation.section.brackets.end');
    assertScope(tokenized, 'context.secrets["DOUBLE"]', 'meta.secret-reference.struere');
  });

  void test('invalid names in tool code are invalid.illegal', () => {
    const tokenized = tokens(
      'source.ts',
      `context.secrets["my-key"]; context.secrets['a.b']; context.secrets.KEY$; context.secrets.1X;`,
    );
    for (const key of ['my-key', 'a.b', 'KEY$', '1X']) {
      assertScope(tokenized, key, INVALID);
      assertNoScope(tokenized, key, KEY);
    }
  });

  void test('other objects and bare secrets are not references', () => {
    const tokenized = tokens(
      'source.ts',
      'mycontext.secrets.A; context.env.B; secrets.C; context.secrets; const s = "secrets.D";',
    );
    for (const key of ['A', 'B', 'C', 'D']) assertNoScope(tokenized, `.«${key}»`, KEY);
    assertNoScope(tokenized, 'context.«secrets»;', NAMESPACE);
  });

  void test('snapshot of one tool line', () => {
    // String.raw keeps the JSON escapes readable; a literal "${" or "`" is spelled ${'${'} or ${'`'} in it.
    const expected = String.raw`
L1 "const" → variable.other.readwrite.ts
L1 "url" → variable.other.readwrite.ts
L1 " = " →
L1 "${'`'}" → string.template.ts
L1 "https://" → string.template.ts
L1 "${'${'}" → string.template.ts meta.template.expression.ts punctuation.definition.template-expression.begin.ts
L1 "context" → string.template.ts meta.template.expression.ts meta.secret-reference.struere variable.other.object.struere
L1 "." → string.template.ts meta.template.expression.ts meta.secret-reference.struere punctuation.accessor.struere
L1 "secrets" → string.template.ts meta.template.expression.ts meta.secret-reference.struere support.variable.secrets.struere
L1 "." → string.template.ts meta.template.expression.ts meta.secret-reference.struere punctuation.accessor.struere
L1 "HOST" → string.template.ts meta.template.expression.ts meta.secret-reference.struere variable.other.constant.secret.struere
L1 "}" → string.template.ts meta.template.expression.ts punctuation.definition.template-expression.end.ts
L1 "/{{ " → string.template.ts
L1 "${'`'}" → string.template.ts
`.trim();
    assert.equal(renderTokens(tokens('source.ts', 'const url = `https://${context.secrets.HOST}/{{ `')), expected);
  });
});

void describe('secret references: cost', () => {
  const size = 20_000;
  const pathological: Record<string, string> = {
    'repeated {{secrets.': '{{secrets.'.repeat(size / 10),
    'repeated {{ then a reference': '{{ '.repeat(size / 3) + '{{secrets.A}}',
    'an unclosed <<secrets. name': '<<secrets.' + 'a'.repeat(size),
    'repeated context.secrets["': 'context.secrets["'.repeat(size / 17),
    'a long invalid context.secrets. name': 'context.secrets.' + 'a'.repeat(size) + '-',
    'an unclosed context.secrets[` name': 'context.secrets[`' + 'a'.repeat(size),
  };
  for (const [what, line] of Object.entries(pathological)) {
    void test(`${what} (${line.length} characters) tokenizes in linear time`, () => {
      const started = performance.now();
      tokens('text.plain', line);
      tokens('source.ts', `"${line}"`);
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 2_000, `took ${Math.round(elapsed)} ms`);
    });
  }
});
