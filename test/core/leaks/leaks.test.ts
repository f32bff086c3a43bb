import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Diagnostic, Range, TextEdit } from 'vscode-languageserver-types';
import { codeActions } from '../../../engine/core/features/codeActions';
import { isCredentialLike } from '../../../engine/core/leaks/credentials';
import { validateLeaks } from '../../../engine/core/leaks/leakDiagnostics';
import { parseEnv } from '../../../engine/core/model/envParser';
import { appendedEnvText, type MoveSecretArguments } from '../../../engine/core/leaks/leakFixes';
import { isSpace, LineIndex } from '../../../engine/core/base/text';
import { forEachLongRun, leakDictionary, ValueDictionary } from '../../../engine/core/leaks/dictionary';
import { createRedactor, redactionDictionary, redactText } from '../../../engine/core/leaks/redaction';
import { isDefaultDatabaseUrl, scanForSecrets, suggestedKeyName } from '../../../engine/core/leaks/secretScan';
import { fixtureProject, realFixes } from '../../support/coreFixtures';
import { envFileState } from '../../../engine/core/model/workspaceIndex';

// Fake credentials of realistic shape, made up for these tests.
const STRIPE_LIKE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
const GITHUB_LIKE = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';

void test('credential-like: tokens, digests, UUIDs and strong passwords count', () => {
  for (const value of [
    STRIPE_LIKE,
    GITHUB_LIKE,
    'AKIAIOSFODNN7EXAMPLE',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    '3f9a1c7e5b2d4a6f8e0c1b3d5f7a9c2e',
    '550e8400-e29b-41d4-a716-446655440000',
    'dGhpcyBpcyBhIHNlY3JldA==',
    'Tr0ub4dor&3xK9!',
    'xK9#mP2vL8qR',
    'postgres://app:S3cr3tP4ss9@db.internal:5432/app',
    'sk-proj-T3stOnlyAb9dEf6hIj2kLm5nOp8qRs1tUv4wXy7zQ0',
    'Zq8Rt2Lm9Xv4Kp7Wn3Bd6Hs1Jf5Gc0Ty',
    'k2j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0LW9ubHkifQ.c2lnbmF0dXJlLWZvci10ZXN0cy1vbmx5',
    'xoxb-2048-4096-T3stOnlyAbCdEfGh',
  ])
    assert.equal(isCredentialLike(value), true, `${value} should count as a credential`);
});

void test('credential-like: ports, booleans, modes, template names, emails, URLs, dates and short passwords never count', () => {
  for (const value of [
    '3000',
    'true',
    'false',
    'development',
    'production',
    'support-ticket-template',
    'welcome-v2',
    'admin@example.com',
    'admin123',
    'hunter2',
    'https://api.example.com/v1',
    'gpt-4o-mini-2024-07-18',
    'claude-3-5-sonnet-20241022',
    'production-eu-west-1',
    '2024-01-15T10:00:00Z',
    'ORDERS_API_TOKEN_VALUE',
    '1234567890123456',
    'aaaaaaaaaaaaaaaaaaaa',
    'Acme Corporation Ltd',
    'dev-value-1999',
    '',
    // Identifiers, paths and snake_case word lists, numeronyms (i18n, utf8mb4) included.
    'utf8mb4_unicode_ci',
    'utf8mb4_0900_ai_ci',
    'src/i18n/locales',
    'i18n_next_locale',
    'l10n/bundle.l10n.json',
    'a11y_i18n_l10n_k8s',
    'lang/en_US/messages',
    'storage/logs/laravel-2024.log',
    'x86_64-linux-gnu',
  ])
    assert.equal(isCredentialLike(value), false, `${value} should be ordinary`);
});

const ENV = `STRIPE_KEY=${STRIPE_LIKE}\nPORT=3000\nMODE=production\nPASSWORD=admin123\nEMAIL=admin@example.com\n`;

function leakCodes(diagnostics: Diagnostic[]) {
  return diagnostics.map(
    (d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.character}:${String(d.code)}`,
  );
}

void test('leaked-value: a credential value in a prompt or a tool is an error naming key, file and line, never the value', () => {
  const fixture = fixtureProject({
    '.env.development': ENV,
    'agents/a.ts': `export const p = \`Pay with ${STRIPE_LIKE} on port 3000 in production\`;\n`,
    'prompts/p.md': `Use admin123 and admin@example.com.\nKey: ${STRIPE_LIKE}\n`,
  });
  const inTool = validateLeaks(fixture.uri('agents/a.ts'), fixture.project, {});
  assert.deepEqual(leakCodes(inTool), ['0:27-59:leaked-value']);
  assert.equal(
    inTool[0].message,
    'This text is the value of STRIPE_KEY (.env.development line 1): committed, the secret would be in the repository. Use a reference to the key instead.',
  );
  assert.ok(!JSON.stringify(inTool).includes(STRIPE_LIKE));
  // The ordinary values on line 0 (admin123, the email) are not reported; the key on line 1 is.
  assert.deepEqual(leakCodes(validateLeaks(fixture.uri('prompts/p.md'), fixture.project, {})), ['1:5-37:leaked-value']);
  // Env files themselves are not flagged, and the severity setting turns the code off.
  assert.deepEqual(validateLeaks(fixture.uri('.env.development'), fixture.project, {}), []);
  assert.deepEqual(validateLeaks(fixture.uri('agents/a.ts'), fixture.project, { 'leaked-value': 'off' }), []);
});

void test('leaked-value: Laravel defaults quoted in docs are not leaks; a token quoted beside them is', () => {
  const fixture = fixtureProject({
    '.env.development': `DB_COLLATION=utf8mb4_unicode_ci\nLANG_PATH=src/i18n/locales\nSTRIPE_KEY=${STRIPE_LIKE}\n`,
    'docs/setup.md': 'Set DB_COLLATION=utf8mb4_unicode_ci and keep strings in src/i18n/locales.\n',
    'docs/leak.md': `utf8mb4_unicode_ci ${STRIPE_LIKE}\n`,
  });
  assert.deepEqual(validateLeaks(fixture.uri('docs/setup.md'), fixture.project, {}), []);
  assert.deepEqual(leakCodes(validateLeaks(fixture.uri('docs/leak.md'), fixture.project, {})), [
    '0:19-51:leaked-value',
  ]);
});

void test('leaked-value: a committed .env.example holding a real value is flagged; its own placeholders are not', () => {
  const fixture = fixtureProject({
    '.env.development': ENV,
    '.env.example': `STRIPE_KEY=${STRIPE_LIKE}\nOTHER_TOKEN=zX81kQ0pLm29vB7c\n`,
  });
  assert.deepEqual(leakCodes(validateLeaks(fixture.uri('.env.example'), fixture.project, {})), [
    '0:11-43:leaked-value',
  ]);
});

void test('leaked-value: every definition is named, and a value removed from the env files is no longer reported', () => {
  const fixture = fixtureProject({
    '.env.development': ENV,
    '.env.production': `# prod\nSTRIPE_SECRET=${STRIPE_LIKE}\n`,
    'agents/a.md': `${STRIPE_LIKE}\n`,
  });
  const [diagnostic] = validateLeaks(fixture.uri('agents/a.md'), fixture.project, {});
  assert.match(
    String(diagnostic.message),
    /STRIPE_KEY \(\.env\.development line 1\), STRIPE_SECRET \(\.env\.production line 2\)/,
  );
  const before = fixture.project.leakValuesVersion;
  fixture.index.setEnvFile(fixture.uri('.env.development'), 'PORT=3001\n');
  assert.equal(fixture.project.leakValuesVersion, before, 'the value is still in .env.production');
  fixture.index.setEnvFile(fixture.uri('.env.production'), 'PORT=3001\n');
  assert.equal(fixture.project.leakValuesVersion, before + 1);
  assert.deepEqual(validateLeaks(fixture.uri('agents/a.md'), fixture.project, {}), []);
});

void test('leaked-value quick fixes: prompt text → {{secrets.KEY}}, a whole literal → context.secrets.KEY, a template value blanked', () => {
  const files = {
    '.env.development': ENV,
    'prompts/p.md': `Key: ${STRIPE_LIKE} here\n`,
    'tools/t.ts': `export const t = { async handler(args, context) { const key = '${STRIPE_LIKE}';\nconst p = \`Bearer ${STRIPE_LIKE}\`; } };\n`,
    '.env.example': `STRIPE_KEY="${STRIPE_LIKE}" # real\n`,
  };
  const fixture = fixtureProject(files);
  const cases: [string, string[]][] = [
    ['prompts/p.md', ['Replace with {{secrets.STRIPE_KEY}} → {{secrets.STRIPE_KEY}}']],
    [
      'tools/t.ts',
      [
        'Replace with context.secrets.STRIPE_KEY → context.secrets.STRIPE_KEY',
        'Replace with {{secrets.STRIPE_KEY}} → {{secrets.STRIPE_KEY}}',
      ],
    ],
    ['.env.example', ['Blank the value of STRIPE_KEY → ']],
  ];
  for (const [name, expected] of cases) {
    const uri = fixture.uri(name);
    const diagnostics = validateLeaks(uri, fixture.project, {});
    const host = {
      versionOf: () => 7,
      gitignoreText: undefined,
      documentText: () => files[name as keyof typeof files],
    };
    const actions = realFixes(codeActions(fixture.project, uri, diagnostics, 'development', host));
    const summary = actions.map((action) => {
      const change = action.edit!.documentChanges![0] as {
        textDocument: { version: number };
        edits: { newText: string }[];
      };
      assert.equal(change.textDocument.version, 7, 'the edit carries the document version');
      return `${action.title} → ${change.edits[0].newText}`;
    });
    assert.deepEqual(summary, expected, name);
  }
  // The literal fix replaces the quotes too; the template fix replaces the quoted value, keeping the comment.
  const tool = codeActions(
    fixture.project,
    fixture.uri('tools/t.ts'),
    validateLeaks(fixture.uri('tools/t.ts'), fixture.project, {}),
    'development',
    {
      versionOf: () => 1,
      gitignoreText: undefined,
      documentText: () => files['tools/t.ts'],
    },
  );
  const literalEdit = (tool[0].edit!.documentChanges![0] as { edits: { range: unknown }[] }).edits[0].range;
  // 50 characters of `export const t = { async handler(args, context) { ` come before `const key = '…'`.
  assert.deepEqual(literalEdit, { start: { line: 0, character: 62 }, end: { line: 0, character: 96 } });
  // Control: once the text under the diagnostic changed, no fix is offered (a stale diagnostic edits nothing; the
  // ignore fix only adds a comment line).
  const stale = codeActions(
    fixture.project,
    fixture.uri('prompts/p.md'),
    validateLeaks(fixture.uri('prompts/p.md'), fixture.project, {}),
    'development',
    {
      versionOf: () => 8,
      gitignoreText: undefined,
      documentText: () => `Key: ${'x'.repeat(STRIPE_LIKE.length)} here\n`,
    },
  );
  assert.deepEqual(realFixes(stale), []);
});

function redactionOf(env: string) {
  return redactionDictionary(fixtureProject({ '.env.development': env }).project.envFiles.values());
}

void test('redact: every value of 6+ characters, credential-like or not, becomes [SECRET:KEY]; shorter ones stay', () => {
  const dictionary = redactionOf(`${ENV}SHORT=abc12\nGREETING="hello world"\n`);
  assert.equal(
    redactText(`a ${STRIPE_LIKE} b admin123 c hello world d 3000 e abc12 f production`, dictionary),
    'a [SECRET:STRIPE_KEY] b [SECRET:PASSWORD] c [SECRET:GREETING] d 3000 e abc12 f [SECRET:MODE]',
  );
});

void test('redact stream: a value split at every possible chunk boundary is still replaced', () => {
  const dictionary = redactionOf(ENV);
  const input = `log line ${STRIPE_LIKE} and admin123.\n`;
  const expected = redactText(input, dictionary);
  assert.ok(!expected.includes(STRIPE_LIKE), 'control: the whole-text redaction replaces the value');
  for (let cut = 0; cut <= input.length; cut++) {
    for (const size of [1, 3, cut || 1]) {
      const redactor = createRedactor(dictionary);
      let output = redactor.write(input.slice(0, cut));
      for (let i = cut; i < input.length; i += size) output += redactor.write(input.slice(i, i + size));
      output += redactor.end();
      assert.equal(output, expected, `cut at ${cut}, then chunks of ${size}`);
    }
  }
});

void test('redact stream: a long-running stream is passed through as it comes, holding back at most one value', () => {
  const dictionary = redactionOf(ENV);
  const redactor = createRedactor(dictionary);
  let input = '';
  let output = '';
  for (let i = 0; i < 20_000; i++) {
    const chunk = i % 100 === 0 ? `event ${i} token=${STRIPE_LIKE}\n` : `event ${i} nothing to hide here\n`;
    input += chunk;
    output += redactor.write(chunk);
    if (i % 1000 === 999) {
      // Bounded: what is held back stays within the longest value's length (plus the matcher's look-ahead of a
      // few characters), whatever the stream's length so far.
      const settled = redactText(input, dictionary);
      assert.ok(settled.startsWith(output), `chunk ${i}: output so far is a prefix of the redacted input`);
      assert.ok(settled.length - output.length <= 2 * STRIPE_LIKE.length, `chunk ${i}: held back too much`);
    }
  }
  output += redactor.end();
  assert.equal(output, redactText(input, dictionary));
  assert.ok(!output.includes(STRIPE_LIKE));
});

void test('hardcoded-secret: secretlint finds well-known formats and reports the kind only', async () => {
  const text = `const a = "${GITHUB_LIKE}";\nconst port = 3000;\n`;
  const findings = await scanForSecrets(text, 'a.ts');
  assert.deepEqual(
    findings.map((f) => [f.kind, f.ruleId, text.slice(f.start, f.end) === GITHUB_LIKE]),
    [['GITHUB_TOKEN', '@secretlint/secretlint-rule-github', true]],
  );
  assert.equal(suggestedKeyName(findings[0]), 'GITHUB_TOKEN');
  assert.ok(!JSON.stringify(findings).includes(GITHUB_LIKE));
  // Control: ordinary code has no finding.
  assert.deepEqual(await scanForSecrets('const port = 3000;\nconst mode = "production";\n', 'b.ts'), []);
  const fixture = fixtureProject({ 'agents/a.ts': text });
  fixture.index.setSecretFindings(fixture.uri('agents/a.ts'), text, findings);
  const [diagnostic] = validateLeaks(fixture.uri('agents/a.ts'), fixture.project, {});
  assert.equal(diagnostic.code, 'hardcoded-secret');
  assert.deepEqual(diagnostic.data, { suggestedKey: 'GITHUB_TOKEN' });
  const message = String(diagnostic.message);
  assert.ok(!message.includes(GITHUB_LIKE) && message.includes('GITHUB_TOKEN'));
});

void test('a Stripe key that is an env value is reported once, as leaked-value; hardcoded-secret when that is off', async () => {
  const text = `export const p = \`Pay with ${STRIPE_LIKE}\`;\nconst token = "${GITHUB_LIKE}";\n`;
  const fixture = fixtureProject({ '.env.development': ENV, 'agents/a.ts': text });
  const findings = await scanForSecrets(text, 'a.ts');
  // secretlint 13 knows both formats; the Stripe key is also STRIPE_KEY's value.
  assert.deepEqual(findings.map((f) => f.kind).sort(), ['GITHUB_TOKEN', 'STRIPE_SECRET_KEY_LIVE']);
  fixture.index.setSecretFindings(fixture.uri('agents/a.ts'), text, findings);
  assert.deepEqual(leakCodes(validateLeaks(fixture.uri('agents/a.ts'), fixture.project, {})), [
    '0:27-59:leaked-value',
    '1:15-55:hardcoded-secret',
  ]);
  // Control: with leaked-value off, nothing hides the credential.
  assert.deepEqual(leakCodes(validateLeaks(fixture.uri('agents/a.ts'), fixture.project, { 'leaked-value': 'off' })), [
    '0:27-59:hardcoded-secret',
    '1:15-55:hardcoded-secret',
  ]);
});

void test('hardcoded-secret: default database URLs of a committed template are no finding; a real-looking password is', async () => {
  const template = [
    'DATABASE_URL=postgresql://postgres:postgres@localhost:5432/app',
    'COMPOSE_URL=postgres://app:app@db:5432/app',
    'MYSQL_URL=mysql://laravel:changeme@127.0.0.1:3306/laravel',
    'MONGO_URL=mongodb://mongo:mongo@[::1]:27017/test',
    '',
  ].join('\n');
  assert.deepEqual(await scanForSecrets(template, '.env.example'), []);
  // Control: a password that is neither the user name nor a known default, on loopback or not, is still reported.
  const real = [
    'DATABASE_URL=postgresql://postgres:Xq7vR2mK9pLw@localhost:5432/app',
    'REMOTE_URL=postgres://app:changeme@db.internal:5432/app',
    '',
  ].join('\n');
  const findings = await scanForSecrets(real, '.env.example');
  assert.deepEqual(
    findings.map((f) => [f.kind, real.slice(0, f.start).split('\n').length]),
    [
      ['PostgreSQLConnection', 1],
      ['PostgreSQLConnection', 2],
    ],
  );
  for (const [url, expected] of [
    ['postgresql://postgres:postgres@localhost:5432/app', true],
    ['postgres://a%40b:a%40b@example.net/x', true],
    ['postgres://app:postgres@LOCALHOST/x', true],
    ['postgres://app:postgres@db.internal/x', false],
    ['postgres://app:S3cr3tP4ss9@localhost/x', false],
    ['postgres://localhost/x', false],
  ] as const)
    assert.equal(isDefaultDatabaseUrl(url), expected, url);
});

void test('Move to .env.development: the appended line reads back exactly the value and keeps every other value', () => {
  const cases: [string, string, string, string | undefined][] = [
    // existing text, key, value → the appended text (undefined: refused)
    ['', 'GITHUB_TOKEN', GITHUB_LIKE, `GITHUB_TOKEN=${GITHUB_LIKE}\n`],
    ['A=1', 'B', 'x#y', '\nB="x#y"\n'],
    ['A=1\r\n', 'B', "it's", "B=it's\n"],
    ['A=1\n', 'B', ' padded ', 'B=" padded "\n'],
    ['A=1\n', 'B', `a"b'c`, `B=a"b'c\n`],
    // Refused: the key is already there (the later line would silently win), or an invalid name.
    ['B=old\n', 'B', 'new', undefined],
    ['A=1\n', '1B', 'v', undefined],
  ];
  for (const [existing, key, value, expected] of cases)
    assert.equal(appendedEnvText(existing, key, value), expected, `${JSON.stringify(existing)} + ${key}`);
  // Values that need quoting to survive still read back exactly (whatever quoting was chosen).
  for (const value of ['"x"', "'y'", '`z`', 'a # b', '"mixed\' quotes`']) {
    const line = appendedEnvText('A=1\n', 'B', value);
    assert.ok(line !== undefined, value);
    assert.equal(parseEnv(`A=1\n${line}`).entries.find((entry) => entry.key === 'B')?.value, value);
  }
  // (The refused cases above are the controls: a fix that would shadow a key is never offered.)
});

void test('hardcoded-secret quick fix: a command with names and ranges, never the value', async () => {
  const text = `export const t = { async handler(args, context) {\nconst token = "${GITHUB_LIKE}";\nconst p = \`Use ${GITHUB_LIKE}\`; } };\n`;
  const fixture = fixtureProject({ '.env.development': ENV, 'tools/t.ts': text });
  fixture.index.setSecretFindings(fixture.uri('tools/t.ts'), text, await scanForSecrets(text, 't.ts'));
  const diagnostics = validateLeaks(fixture.uri('tools/t.ts'), fixture.project, {});
  const actions = codeActions(fixture.project, fixture.uri('tools/t.ts'), diagnostics, 'development', {
    versionOf: () => 3,
    gitignoreText: undefined,
    documentText: () => text,
    wouldCommit: () => false,
  });
  assert.deepEqual(
    realFixes(actions).map((action) => {
      const args = action.command!.arguments![0] as MoveSecretArguments;
      return [action.title, args.referenceTemplate, args.replaceRange.start.character, args.gitignoreUri];
    }),
    [
      ['Move to .env.development as GITHUB_TOKEN…', 'context.secrets.KEY', 14, undefined],
      ['Move to .env.development as GITHUB_TOKEN…', '{{secrets.KEY}}', 15, undefined],
    ],
  );
  assert.ok(!JSON.stringify(actions).includes(GITHUB_LIKE));
});

/** A tool whose handler holds a literal, with the parameters given; `tool(…)` of the module level when undefined. */
function toolWith(value: string, parameters: string | undefined): string {
  if (parameters === undefined)
    return `const token = "${value}";\nexport const t = defineTool({ async handler(args, context) { return token; } });\n`;
  return `export const t = defineTool({\n  async handler(${parameters}) {\n    const token = "${value}";\n    return token;\n  },\n});\n`;
}

/** Applies a code action's edits (all on one document) to `text`. */
function applied(text: string, edits: readonly { range: Range; newText: string }[]): string {
  const lineIndex = new LineIndex(text);
  const sorted = [...edits].sort((a, b) => lineIndex.offsetAt(b.range.start) - lineIndex.offsetAt(a.range.start));
  for (const edit of sorted)
    text =
      text.slice(0, lineIndex.offsetAt(edit.range.start)) +
      edit.newText +
      text.slice(lineIndex.offsetAt(edit.range.end));
  return text;
}

void test('leaked-value fix in tool code leaves code that compiles: it adds the handler parameters it needs', () => {
  const cases: [string | undefined, string | undefined][] = [
    // handler parameters → the handler line after the fix (undefined: no context fix offered)
    ['', '  async handler(_args, context) {'],
    ['{ query }', '  async handler({ query }, context) {'],
    ['args: { q: string }', '  async handler(args: { q: string }, context) {'],
    // Controls: context already in scope (by any name) gets no parameter edit; places it cannot reach get no fix.
    ['args, context', '  async handler(args, context) {'],
    ['args, ctx', '  async handler(args, ctx) {'],
    ['args, { secrets }', undefined],
    ['...all', undefined],
    [undefined, undefined],
  ];
  for (const [parameters, expected] of cases) {
    const text = toolWith(STRIPE_LIKE, parameters);
    const fixture = fixtureProject({ '.env.development': ENV, 'tools/t.ts': text });
    const uri = fixture.uri('tools/t.ts');
    const actions = codeActions(fixture.project, uri, validateLeaks(uri, fixture.project, {}), 'development', {
      versionOf: () => 1,
      gitignoreText: undefined,
      documentText: () => text,
    });
    const literal = actions.find((action) => /\.secrets\.STRIPE_KEY(?! *}})/.test(action.title));
    const label = `handler(${parameters ?? '<module level>'})`;
    if (expected === undefined) {
      assert.equal(literal, undefined, label);
      continue;
    }
    assert.ok(literal, label);
    const after = applied(text, (literal.edit!.documentChanges![0] as { edits: TextEdit[] }).edits);
    const lines = after.split('\n');
    assert.equal(lines[1], expected, label);
    const object = parameters?.includes('ctx') ? 'ctx' : 'context';
    assert.equal(lines[2], `    const token = ${object}.secrets.STRIPE_KEY;`, label);
    assert.ok(!after.includes(STRIPE_LIKE));
  }
});

void test('Move to .env.development in tool code: the parameters go in the same command; none offered out of reach', async () => {
  const movesFor = async (parameters: string | undefined) => {
    const text = toolWith(GITHUB_LIKE, parameters);
    const fixture = fixtureProject({ '.env.development': ENV, 'tools/t.ts': text });
    const uri = fixture.uri('tools/t.ts');
    fixture.index.setSecretFindings(uri, text, await scanForSecrets(text, 't.ts'));
    const actions = codeActions(fixture.project, uri, validateLeaks(uri, fixture.project, {}), 'development', {
      versionOf: () => 3,
      gitignoreText: undefined,
      documentText: () => text,
      wouldCommit: () => false,
    });
    return { text, args: realFixes(actions).map((action) => action.command!.arguments![0] as MoveSecretArguments) };
  };
  // What the client does with the arguments (client/src/leakCommands.ts), with GITHUB_TOKEN as the chosen name.
  const clientEdit = (text: string, args: MoveSecretArguments) =>
    applied(text, [
      { range: args.replaceRange, newText: args.referenceTemplate.replace('KEY', 'GITHUB_TOKEN') },
      ...(args.parameterEdit ? [args.parameterEdit] : []),
    ]);
  const none = await movesFor('');
  assert.equal(none.args.length, 1);
  assert.deepEqual(clientEdit(none.text, none.args[0]).split('\n').slice(1, 3), [
    '  async handler(_args, context) {',
    '    const token = context.secrets.GITHUB_TOKEN;',
  ]);
  // Control: with context in scope the command carries no parameter edit.
  const inScope = await movesFor('args, context');
  assert.deepEqual(
    inScope.args.map((args) => [args.referenceTemplate, args.parameterEdit]),
    [['context.secrets.KEY', undefined]],
  );
  // A module-level literal: no handler's context reaches it, so no fix (a reference there would not compile).
  assert.deepEqual((await movesFor(undefined)).args, []);
  assert.ok(!JSON.stringify(none.args).includes(GITHUB_LIKE));
});

void test('hardcoded-secret: a file name with a line break is scanned without secretlint throwing outside the scan', async () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    const findings = await scanForSecrets(`const a = "${GITHUB_LIKE}";\n`, 'new\nline.ts');
    assert.deepEqual(
      findings.map((f) => f.kind),
      ['GITHUB_TOKEN'],
    );
    // secretlint pairs its performance marks on later microtasks and timers: give them their turn.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(rejections, []);
  } finally {
    process.off('unhandledRejection', onRejection);
  }
});

void test('hardcoded-secret: scans leave no performance marks behind (a long-running server must not grow)', async () => {
  // Imported as secretScan imports it (an ES module): a static import here would load a second copy under tsx.
  const { secretLintProfiler } = await import('@secretlint/profiler');
  const marks = () => performance.getEntriesByType('mark').length;
  const recorded = async () => (await secretLintProfiler.getEntries()).length;
  await scanForSecrets(`const a = "${GITHUB_LIKE}";\n`, 'warm.ts');
  const [marksBefore, recordedBefore] = [marks(), await recorded()];
  for (let i = 0; i < 50; i++) await scanForSecrets(`const a = "${GITHUB_LIKE}";\n`, `f${i}.ts`);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(marks(), marksBefore, 'marks in the global timeline');
  assert.equal(await recorded(), recordedBefore, "marks in secretlint's profiler");

  // Control: with secretlint's own mark back, one scan leaves marks, so the checks above can fail.
  const stopped = secretLintProfiler.mark;
  Reflect.deleteProperty(secretLintProfiler, 'mark');
  try {
    await scanForSecrets(`const a = "${GITHUB_LIKE}";\n`, 'control.ts');
    assert.ok(marks() > marksBefore, 'the control scan left no mark');
  } finally {
    secretLintProfiler.mark = stopped;
  }
});

void test('a dictionary whose values mix blanks and none searches the whole text (and ends)', () => {
  // A value with a blank listed before one without once made the run length 0: a regex that matched the empty
  // string forever. Both orders must find both values; the control is the blank-free dictionary alone.
  for (const text of ['A="with some space"\nB=abcdefghijk\n', 'B=abcdefghijk\nA="with some space"\n']) {
    const dictionary = ValueDictionary.of([envFileState('file:///p/.env', text, undefined)], (v) => v.length >= 6);
    const hits = dictionary.find('x abcdefghijk y with some space');
    assert.deepEqual(hits.map((hit) => hit.value).sort(), ['abcdefghijk', 'with some space']);
  }
  const plain = ValueDictionary.of([envFileState('file:///p/.env', 'B=abcdefghijk\n', undefined)], () => true);
  assert.deepEqual(
    plain.find('x abcdefghijk y').map((hit) => hit.value),
    ['abcdefghijk'],
  );
});

test('a dictionary rebuilt from the previous one keeps its verdicts only for the same acceptance rule', () => {
  const file = envFileState('file:///ws/.env.development', 'A=aaaaaaaa\nB=bbbbbbbbbb\n', 'development');
  let calls = 0;
  const longerThan8 = (value: string) => (calls++, value.length > 8);
  const first = ValueDictionary.of([file], longerThan8);
  assert.equal(calls, 2);
  const second = ValueDictionary.of([file], longerThan8, first);
  assert.equal(calls, 2, 'the same rule: both verdicts reused');
  assert.deepEqual([...second.definitions.keys()], ['bbbbbbbbbb']);
  // Control: another rule decides afresh, and its own verdicts hold.
  const everything = ValueDictionary.of([file], () => true, second);
  assert.deepEqual([...everything.definitions.keys()].sort(), ['aaaaaaaa', 'bbbbbbbbbb']);
});

test('an env edit re-reads only the edited file: the unchanged one keeps its values, the edited one gets its new ones', () => {
  const production = envFileState('file:///ws/.env.production', `P=${GITHUB_LIKE}\n`, 'production');
  const before = envFileState('file:///ws/.env.development', 'D=dev-value\n', 'development');
  let calls = 0;
  const counted = (value: string) => (calls++, isCredentialLike(value));
  const first = ValueDictionary.of([before, production], counted);
  assert.equal(calls, 2);
  const after = envFileState('file:///ws/.env.development', `D=dev-value\nS=${STRIPE_LIKE}\n`, 'development');
  const second = ValueDictionary.of([after, production], counted, first);
  assert.equal(calls, 3, 'only the new value is judged; the production file is not read again');
  assert.deepEqual([...second.definitions.keys()], [STRIPE_LIKE, GITHUB_LIKE], 'env-file order');
  assert.deepEqual(second.definitions.get(STRIPE_LIKE), [
    { key: 'S', fileName: '.env.development', uri: 'file:///ws/.env.development', line: 1 },
  ]);
  const third = ValueDictionary.of([before, production], counted, second);
  assert.deepEqual([...third.definitions.keys()], [GITHUB_LIKE], 'the value is gone with the edit that removed it');
  // Control: the same file states under another rule are read again, not taken from what the first rule kept.
  const redaction = redactionDictionary([after, production]);
  assert.deepEqual([...redaction.definitions.keys()].sort(), ['dev-value', GITHUB_LIKE, STRIPE_LIKE].sort());
});

test('isSpace is exactly JavaScript \\s over every UTF-16 unit (what the run split must agree with)', () => {
  const differ: number[] = [];
  for (let code = 0; code <= 0xffff; code++)
    if (isSpace(code) !== /\s/.test(String.fromCharCode(code))) differ.push(code);
  assert.deepEqual(differ, []);
  // Control: the check above sees a difference when there is one.
  assert.notEqual(isSpace(0x200b), /\s/.test('\u3000'));
});

test('find splits runs at every kind of whitespace and finds values at their offsets', () => {
  const token = 'tok_4f9a2c7e1b8d3f6a0c5e9b2d';
  const file = envFileState('file:///ws/.env.development', `A=${token}\n`, 'development');
  const dictionary = leakDictionary([file]);
  const text = `x\u00a0${token}\u2028${token}x ${token}\u3000${token.slice(1)}`;
  assert.deepEqual(
    dictionary.find(text).map((hit) => hit.start),
    [2, 2 + token.length + 1, 2 * token.length + 5],
  );
});

/** Every maximal run of non-blank characters at least `minRun` long, found the plain way: a pattern over the text. */
function longRunsByPattern(text: string, minRun: number): [number, number][] {
  return [...text.matchAll(/\S+/g)]
    .filter((match) => match[0].length >= minRun)
    .map((match) => [match.index, match.index + match[0].length]);
}

function longRuns(text: string, minRun: number): [number, number][] {
  const runs: [number, number][] = [];
  forEachLongRun(text, minRun, (start, end) => runs.push([start, end]));
  return runs;
}

test('forEachLongRun, which looks at every minRun-th character, finds exactly the runs a pattern finds', () => {
  const blank = fc.constantFrom(' ', '\n', '\t', '\r\n', '\u00a0', '\u2028', '\u3000', '  ');
  const word = fc.stringMatching(/^[a-z0-9_{}.-]{0,12}$/);
  const text = fc.array(fc.tuple(word, blank), { maxLength: 40 }).map((parts) => parts.flat().join(''));
  fc.assert(
    fc.property(text, fc.integer({ min: 1, max: 9 }), (sample, minRun) => {
      assert.deepEqual(longRuns(sample, minRun), longRunsByPattern(sample, minRun));
    }),
    { numRuns: 2000 },
  );
  // Runs exactly minRun long at the start, the end, across a probe and next to shorter ones.
  for (const sample of ['abcd', 'abcd e', 'e abcd', 'ab abcd ab', 'abc abcd abc abcd', 'a abcdefgh', 'abcdabcd ab'])
    assert.deepEqual(longRuns(sample, 4), longRunsByPattern(sample, 4), sample);
  // Control: the comparison sees a run missed (the same text, runs of 5 or more asked of the pattern).
  assert.notDeepEqual(longRuns('ab abcd ab', 4), longRunsByPattern('ab abcd ab', 5));
});
