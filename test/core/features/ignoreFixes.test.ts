import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeAction, Diagnostic, TextDocumentEdit, TextEdit } from 'vscode-languageserver-types';
import { applyEdit, fixtureService, messageOf } from '../../support/coreFixtures';

// A made-up credential of realistic shape: credential-like, so leaked-value looks for it in every other file.
const TOKEN = 'Zq8Rt2Lm9Xv4Kp7Wn3Bd6Hs1Jf5Gc0Ty';
const ENV = { '.env.development': `API_TOKEN=${TOKEN}\nOK=1\n`, '.env.production': `API_TOKEN=${TOKEN}\nOK=1\n` };
const IGNORE_TITLE = (code: string) => `Ignore ${code} on this line (struere-secrets-ignore comment)`;
const REMOVE_TITLE = 'Remove this unused ignore';

/** Every title any test here was offered: none may repeat the credential (checked by the last test). */
const titlesSeen: string[] = [];

/** The service with `name` open (its text in `files`), its diagnostics, and the code actions for them. */
function openIn(files: Record<string, string>, name: string) {
  const fixed = fixtureService({ ...ENV, ...files }, { open: { [name]: files[name]! } });
  const uri = fixed.fixture.uri(name);
  const diagnose = () => fixed.service.diagnose(uri);
  const actionsFor = (diagnostic: Diagnostic): CodeAction[] => {
    const actions = fixed.service.codeActions(uri, [diagnostic]);
    titlesSeen.push(...actions.map((action) => action.title));
    return actions;
  };
  /** Applies `action` to the open text, feeds the new text back as the editor would, and returns it. */
  const apply = (action: CodeAction): string => {
    const change = action.edit!.documentChanges![0] as TextDocumentEdit;
    assert.equal(change.textDocument.version, 3, 'the edit carries the open document version');
    const after = applyEdit(action.edit!, { [uri]: fixed.texts.get(uri)! })[uri]!;
    fixed.texts.set(uri, after);
    fixed.service.updateDocument(uri, after);
    return after;
  };
  return { ...fixed, uri, diagnose, actionsFor, apply };
}

/** What a diagnostic says and where, with lines from `from` on moved down by `by` (a line inserted above them). */
function summary(diagnostics: Diagnostic[], from = Infinity, by = 0): string[] {
  return diagnostics.map((d) => {
    const line = d.range.start.line >= from ? d.range.start.line + by : d.range.start.line;
    return `${String(d.code)}@${line}:${d.range.start.character} ${messageOf(d)}`;
  });
}

/**
 * Ignores `code` (its first diagnostic) through the quick fix and checks the round trip: the text gains exactly
 * `inserted` above the diagnostic's line, the diagnostic is gone, every other diagnostic stays (moved down a line).
 */
function ignoreRoundTrip(files: Record<string, string>, name: string, code: string, inserted: string): void {
  const open = openIn(files, name);
  const before = open.diagnose();
  // Control: the diagnostic is there before the fix.
  const target = before.find((d) => d.code === code);
  assert.ok(target, `${code} in ${name}: ${JSON.stringify(summary(before))}`);
  const actions = open.actionsFor(target);
  const ignore = actions.find((action) => action.title === IGNORE_TITLE(code));
  assert.ok(ignore, JSON.stringify(actions.map((a) => a.title)));
  assert.equal(actions.at(-1), ignore, 'listed after the real fixes');
  assert.notEqual(ignore.isPreferred, true);
  const line = target.range.start.line;
  const lines = files[name]!.split(/(?<=\n)/);
  const expected = [...lines.slice(0, line), inserted, ...lines.slice(line)].join('');
  assert.equal(open.apply(ignore), expected);
  const others = before.filter((d) => d !== target);
  assert.deepEqual(summary(open.diagnose()), summary(others, line, 1));
}

void test('ignore fix in tool code: a // comment with the line indentation, other diagnostics untouched', () => {
  const text = `const p = \`{{secrets.MISSING}}\`;\nfunction f() {\n    const token = '${TOKEN}';\n}\n`;
  ignoreRoundTrip({ 't.ts': text }, 't.ts', 'leaked-value', '    // struere-secrets-ignore leaked-value\n');
  // missing-secret's own fixes come first; the ignore is last.
  ignoreRoundTrip({ 't.ts': text }, 't.ts', 'missing-secret', '// struere-secrets-ignore missing-secret\n');
});

void test('ignore fix in Python, Markdown and an env file: #, <!-- -->, #', () => {
  ignoreRoundTrip(
    { 'tool.py': `def f():\n\ttoken = "${TOKEN}"\n` },
    'tool.py',
    'leaked-value',
    '\t# struere-secrets-ignore leaked-value\n',
  );
  ignoreRoundTrip(
    { 'p.md': `Intro\nUse ${TOKEN} here\n` },
    'p.md',
    'leaked-value',
    '<!-- struere-secrets-ignore leaked-value -->\n',
  );
  ignoreRoundTrip(
    { '.env.production': `API_TOKEN=${TOKEN}\nOK=1\nOK=2\n` },
    '.env.production',
    'duplicate-key',
    '# struere-secrets-ignore duplicate-key\n',
  );
});

void test('no ignore fix where the comment would land in a prompt spanning lines (control: a code line gets it)', () => {
  // In each file MISSING is referenced inside a multi-line string, MISSING_TOO on a line of code.
  const files: Record<string, string> = {
    'agent.ts':
      'export const prompt = `You are the agent.\nUse {{secrets.MISSING}} here.\n`;\nconst b = "{{secrets.MISSING_TOO}}";\n',
    'agent.py': 'PROMPT = """You are the agent.\nUse {{secrets.MISSING}} here.\n"""\nB = "{{secrets.MISSING_TOO}}"\n',
    'agent.yaml': 'prompt: |\n  Use {{secrets.MISSING}} here.\nother: "{{secrets.MISSING_TOO}}"\n',
    'p.md': '```\nUse {{secrets.MISSING}} here.\n```\nAnd {{secrets.MISSING_TOO}}.\n',
  };
  for (const name of Object.keys(files)) {
    const open = openIn(files, name);
    const missing = (key: string) =>
      open.diagnose().find((d) => d.code === 'missing-secret' && messageOf(d).startsWith(`${key} `));
    const inside = open.actionsFor(missing('MISSING')!).map((action) => action.title);
    assert.ok(inside.length > 0, `${name}: the real fixes stay`);
    assert.ok(!inside.includes(IGNORE_TITLE('missing-secret')), `${name}: no ignore inside the prompt: ${inside}`);
    const outside = open.actionsFor(missing('MISSING_TOO')!).map((action) => action.title);
    assert.ok(outside.includes(IGNORE_TITLE('missing-secret')), `${name}: the ignore on a code line: ${outside}`);
  }
});

void test('ignore fix keeps CRLF line endings', () => {
  ignoreRoundTrip(
    { 'p.md': `Intro\r\nUse ${TOKEN} here\r\nEnd\r\n` },
    'p.md',
    'leaked-value',
    '<!-- struere-secrets-ignore leaked-value -->\r\n',
  );
  // The last line has no break of its own: the file's is used.
  ignoreRoundTrip(
    { 'p.md': `Intro\r\nUse ${TOKEN} here` },
    'p.md',
    'leaked-value',
    '<!-- struere-secrets-ignore leaked-value -->\r\n',
  );
});

void test('env file: no ignore fix on a continuation line of a multi-line value; one on an entry first line', () => {
  const value = `"intro\n${TOKEN}\nend"`;
  const files = { '.env.example': `NOTE=${value}\nAPI_TOKEN=${TOKEN}\n` };
  const open = openIn(files, '.env.example');
  const leaks = open.diagnose().filter((d) => d.code === 'leaked-value');
  assert.deepEqual(
    leaks.map((d) => d.range.start.line),
    [1, 3],
  );
  const inValue = open.actionsFor(leaks[0]!);
  assert.ok(inValue.length > 0, 'the real fix is still offered');
  assert.ok(!inValue.some((action) => action.title.startsWith('Ignore ')));
  // Control: the entry on its own line gets one, and the multi-line value is untouched by it.
  const ignore = open.actionsFor(leaks[1]!).find((action) => action.title === IGNORE_TITLE('leaked-value'))!;
  const after = open.apply(ignore);
  assert.equal(after, `NOTE=${value}\n# struere-secrets-ignore leaked-value\nAPI_TOKEN=${TOKEN}\n`);
  assert.deepEqual(
    open
      .diagnose()
      .filter((d) => d.code === 'leaked-value')
      .map((d) => d.range.start.line),
    [1],
  );
});

void test('a file of unknown comment syntax gets no ignore fix (control: it gets its real fix)', () => {
  for (const name of ['p.txt', 'p.prompt', 'Dockerfile']) {
    const open = openIn({ [name]: `Use ${TOKEN} here\n` }, name);
    const [leak] = open.diagnose();
    assert.equal(leak?.code, 'leaked-value', name);
    const titles = open.actionsFor(leak).map((action) => action.title);
    assert.ok(!titles.some((title) => title.startsWith('Ignore ')), `${name}: ${titles.join()}`);
  }
  // Control: the same text in a known syntax is offered one.
  const open = openIn({ 'p.md': `Use ${TOKEN} here\n` }, 'p.md');
  assert.ok(open.actionsFor(open.diagnose()[0]!).some((action) => action.title === IGNORE_TITLE('leaked-value')));
});

void test('no ignore fix for a closed document, nor for unused-ignore itself', () => {
  const files = { ...ENV, 'p.md': `Use ${TOKEN} here\n` };
  const closed = fixtureService(files);
  const [leak] = closed.service.diagnose(closed.fixture.uri('p.md'));
  assert.equal(leak?.code, 'leaked-value');
  assert.ok(!closed.service.codeActions(closed.fixture.uri('p.md'), [leak]).some((a) => a.title.startsWith('Ignore ')));
  const open = openIn({ 't.ts': '// struere-secrets-ignore hardcoded-secret\nconst a = 1;\n' }, 't.ts');
  const [unused] = open.diagnose();
  assert.equal(unused?.code, 'unused-ignore');
  assert.deepEqual(
    open.actionsFor(unused).map((action) => action.title),
    [REMOVE_TITLE],
  );
});

/** Removes the unused ignore in `text` through the quick fix; returns the new text (undefined: not offered). */
function removeIgnore(name: string, text: string): { after: string | undefined; diagnosticsAfter: string[] } {
  const open = openIn({ [name]: text }, name);
  const unused = open.diagnose().find((d) => d.code === 'unused-ignore');
  assert.ok(unused, `control: ${name} has an unused ignore`);
  const remove = open.actionsFor(unused).find((action) => action.title === REMOVE_TITLE);
  if (!remove) return { after: undefined, diagnosticsAfter: summary(open.diagnose()) };
  const after = open.apply(remove);
  return { after, diagnosticsAfter: summary(open.diagnose()) };
}

void test('remove an unused ignore: the whole line, its line break included; the diagnostic goes', () => {
  const cases: [string, string, string][] = [
    [
      't.ts',
      'const a = 1;\n  // struere-secrets-ignore hardcoded-secret -- old fixture\nconst b = 2;\n',
      'const a = 1;\nconst b = 2;\n',
    ],
    ['t.ts', '// struere-secrets-ignore not-a-code\nconst b = 2;\n', 'const b = 2;\n'],
    ['tool.py', 'x = 1\n# struere-secrets-ignore leaked-value, hardcoded-secret\n', 'x = 1\n'],
    ['p.md', 'Intro\r\n<!-- struere-secrets-ignore leaked-value -- why -->\r\nEnd\r\n', 'Intro\r\nEnd\r\n'],
    ['q.sql', 'select 1;\n-- struere-secrets-ignore leaked-value', 'select 1;'],
    [
      't.ts',
      'const a = 1;\n  /* struere-secrets-ignore hardcoded-secret -- old */\nconst b = 2;\n',
      'const a = 1;\nconst b = 2;\n',
    ],
    ['q.sql', '/* struere-secrets-ignore leaked-value */\nselect 1;\n', 'select 1;\n'],
    // Inside a template literal: an ignore the old fix wrote into the prompt; deleting it restores the prompt.
    ['t.ts', 'const p = `a\n// struere-secrets-ignore leaked-value\nb`;\n', 'const p = `a\nb`;\n'],
    [
      '.env.production',
      `API_TOKEN=${TOKEN}\n# struere-secrets-ignore duplicate-key\nOK=1\n`,
      `API_TOKEN=${TOKEN}\nOK=1\n`,
    ],
  ];
  for (const [name, text, expected] of cases) {
    const { after, diagnosticsAfter } = removeIgnore(name, text);
    assert.equal(after, expected, name);
    assert.ok(!diagnosticsAfter.some((d) => d.startsWith('unused-ignore')), `${name}: ${diagnosticsAfter.join()}`);
  }
});

void test('no removal for an ignore partly in use, a marker after code, or more text after the codes', () => {
  const leak = `const t = '${TOKEN}';\n`;
  const partly = `// struere-secrets-ignore leaked-value, hardcoded-secret\n${leak}`;
  assert.equal(removeIgnore('t.ts', partly).after, undefined);
  // Control: leaked-value is silenced by that ignore, so deleting the line would bring it back.
  assert.ok(!removeIgnore('t.ts', partly).diagnosticsAfter.some((d) => d.startsWith('leaked-value')));
  assert.equal(removeIgnore('t.ts', 'const a = 1; // struere-secrets-ignore hardcoded-secret\n').after, undefined);
  assert.equal(removeIgnore('t.ts', '// struere-secrets-ignore hardcoded-secret because\n').after, undefined);
  assert.equal(removeIgnore('p.md', '<!-- struere-secrets-ignore leaked-value --> text\n').after, undefined);
  // A block comment with code after it, and one in a language without block comments, stay.
  assert.equal(removeIgnore('t.ts', '/* struere-secrets-ignore hardcoded-secret */ const a = 1;\n').after, undefined);
  assert.equal(removeIgnore('tool.py', '/* struere-secrets-ignore leaked-value */\nx = 1\n').after, undefined);
  // A file of unknown syntax: the comment opener is not known, so the line is not either.
  assert.equal(removeIgnore('p.txt', '# struere-secrets-ignore leaked-value\nx\n').after, undefined);
});

void test('no title repeats text of the file (a credential on the flagged line)', () => {
  const open = openIn({ 'p.md': `Use ${TOKEN} here\n` }, 'p.md');
  const [leak] = open.diagnose();
  const ignore = open.actionsFor(leak!).find((action) => action.title === IGNORE_TITLE('leaked-value'))!;
  const edits = (ignore.edit!.documentChanges![0] as TextDocumentEdit).edits as TextEdit[];
  assert.deepEqual(
    edits.map((edit) => edit.newText),
    ['<!-- struere-secrets-ignore leaked-value -->\n'],
  );
  // Control: the tests above did collect titles, including ignore titles.
  assert.ok(titlesSeen.some((title) => title.startsWith('Ignore ')));
  assert.ok(titlesSeen.every((title) => !title.includes(TOKEN) && !title.includes(TOKEN.slice(0, 8))));
});
