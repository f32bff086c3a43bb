import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { lineEditOf } from '../../../engine/core/model/lineEdits';
import { fixtureService, messageOf } from '../../support/coreFixtures';

// A made-up credential of realistic shape: credential-like, so leaked-value looks for it.
const TOKEN = 'Zq8Rt2Lm9Xv4Kp7Wn3Bd6Hs1Jf5Gc0Ty';
const ENV = { '.env.development': `API_TOKEN=${TOKEN}\nOK=1\n`, '.env.production': `API_TOKEN=${TOKEN}\nOK=1\n` };

function codesOf(files: Record<string, string>, name: string): [number, string][] {
  const { service, fixture } = fixtureService({ ...ENV, ...files });
  return service.diagnose(fixture.uri(name)).map((d) => [d.range.start.line, String(d.code)]);
}

void test('inline ignore: the line above or the same line silences its code in a prompt; further away does not', () => {
  // Control: the finding is there without the ignore.
  assert.deepEqual(codesOf({ 'p.md': 'Hello\n{{secrets.NOT_SET}}\n' }, 'p.md'), [[1, 'missing-secret']]);
  const above =
    'Hello\n<!-- struere-secrets-ignore missing-secret -- set on the platform by ops -->\n{{secrets.NOT_SET}}\n';
  assert.deepEqual(codesOf({ 'p.md': above }, 'p.md'), []);
  const same = '{{secrets.NOT_SET}} <!-- struere-secrets-ignore missing-secret -->\n';
  assert.deepEqual(codesOf({ 'p.md': same }, 'p.md'), []);
  // Two lines up covers nothing: the finding stays (the ignore is not called unused: missing-secret depends on the
  // environment, see the test below).
  const far = '<!-- struere-secrets-ignore missing-secret -->\n\n{{secrets.NOT_SET}}\n';
  assert.deepEqual(codesOf({ 'p.md': far }, 'p.md'), [[2, 'missing-secret']]);
});

void test('inline ignore: only the codes named are silenced; a leaked value in tool code with // comments', () => {
  const leak = `const token = '${TOKEN}';\n`;
  assert.deepEqual(codesOf({ 't.ts': leak }, 't.ts'), [[0, 'leaked-value']]);
  assert.deepEqual(codesOf({ 't.ts': `// struere-secrets-ignore leaked-value -- test fixture\n${leak}` }, 't.ts'), []);
  // Another code named: the leak stays, and the ignore silenced nothing.
  assert.deepEqual(codesOf({ 't.ts': `// struere-secrets-ignore hardcoded-secret\n${leak}` }, 't.ts'), [
    [1, 'leaked-value'],
    [0, 'unused-ignore'],
  ]);
  // Two codes, one used: the unused one is named, and no diagnostic holds the value.
  const { service, fixture } = fixtureService({
    ...ENV,
    't.ts': `/* struere-secrets-ignore leaked-value, hardcoded-secret */ const t = '${TOKEN}';\n`,
  });
  const diagnostics = service.diagnose(fixture.uri('t.ts'));
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['unused-ignore'],
  );
  assert.equal(diagnostics[0]!.severity, DiagnosticSeverity.Information);
  assert.match(messageOf(diagnostics[0]!), /silences nothing for hardcoded-secret on this line or the next/);
  assert.doesNotMatch(messageOf(diagnostics[0]!), /leaked-value/);
  assert.ok(!JSON.stringify(diagnostics).includes(TOKEN));
});

void test('unused-ignore: not for missing-secret (another environment may need it) nor a code switched off', () => {
  // NOT_SET is set in production only: silent in development, the ignore is still needed for production.
  const files = {
    '.env.development': `API_TOKEN=${TOKEN}\n`,
    '.env.production': `API_TOKEN=${TOKEN}\nNOT_SET=1\n`,
    'p.md': '<!-- struere-secrets-ignore missing-secret -->\n{{secrets.NOT_SET}}\n',
    'q.md': '<!-- struere-secrets-ignore duplicate-key -->\nHello\n',
  };
  const { service, fixture } = fixtureService(files);
  assert.deepEqual(service.diagnose(fixture.uri('p.md')), []);
  // Control: an ignore of a code that is on and does not depend on the environment is reported when idle.
  assert.deepEqual(
    service.diagnose(fixture.uri('q.md')).map((d) => d.code),
    ['unused-ignore'],
  );
  service.configure({ ...service.settings, severity: { 'duplicate-key': 'off' } });
  assert.deepEqual(service.diagnose(fixture.uri('q.md')), []);
});

void test('inline ignore in an env file: a # comment counts; the words inside a value do not', () => {
  const duplicate = 'OK=1\nOK=2\n';
  assert.deepEqual(codesOf({ '.env': duplicate }, '.env'), [[1, 'duplicate-key']]);
  assert.deepEqual(
    codesOf({ '.env': 'OK=1\n# struere-secrets-ignore duplicate-key -- kept on purpose\nOK=2\n' }, '.env'),
    [],
  );
  assert.deepEqual(codesOf({ '.env': 'OK=1\nOK=2 # struere-secrets-ignore duplicate-key\n' }, '.env'), []);
  // In a value, without a #: not an ignore, so the duplicate is still reported.
  assert.deepEqual(codesOf({ '.env': 'OK=1\nOK="struere-secrets-ignore duplicate-key"\n' }, '.env'), [
    [1, 'duplicate-key'],
  ]);
  // In a quoted value after a # of its own: still the value, not a comment, so not an ignore.
  assert.deepEqual(codesOf({ '.env': 'OK=1\nOK="a#b struere-secrets-ignore duplicate-key"\n' }, '.env'), [
    [1, 'duplicate-key'],
  ]);
  // A value running over lines holds the words on a line of its own after a #: still the value.
  assert.deepEqual(codesOf({ '.env': 'OK=1\nOK="first\n# struere-secrets-ignore duplicate-key"\n' }, '.env'), [
    [1, 'duplicate-key'],
  ]);
});

void test('unused-ignore: unknown codes are named when they look like codes, pasted text never; no code at all', () => {
  const { service, fixture } = fixtureService({
    ...ENV,
    'p.md': [
      '<!-- struere-secrets-ignore no-such-code -->',
      `<!-- struere-secrets-ignore ${TOKEN} -->`,
      '<!-- struere-secrets-ignore -->',
      '<!-- struere-secrets-ignored missing-secret (another word, not an ignore) -->',
      '<!-- struere-secrets-ignore leaked-valeu -->',
    ].join('\n'),
  });
  // The pasted value is a leak of its own (reported as one, not silenced by the ignore that holds it).
  const diagnostics = service.diagnose(fixture.uri('p.md')).filter((d) => d.code === 'unused-ignore');
  assert.deepEqual(
    diagnostics.map((d) => d.range.start.line),
    [0, 1, 2, 4],
  );
  assert.match(messageOf(diagnostics[0]!), /names a name that is not a diagnostic code\. /);
  assert.doesNotMatch(messageOf(diagnostics[0]!), /no-such-code/);
  assert.match(messageOf(diagnostics[1]!), /names a name that is not a diagnostic code\. /);
  assert.match(
    messageOf(diagnostics[3]!),
    /names a name that is not a diagnostic code \(did you mean leaked-value\?\)/,
  );
  assert.match(messageOf(diagnostics[2]!), /names no code/);
  assert.ok(!JSON.stringify(diagnostics).includes(TOKEN));
  // The severity setting reaches the new code like any other.
  service.configure({ ...service.settings, severity: { 'unused-ignore': 'off' } });
  assert.deepEqual(
    service.diagnose(fixture.uri('p.md')).map((d) => d.code),
    ['leaked-value'],
  );
});

void test('inline ignore: an open buffer edited line by line finds an ignore typed in and drops one deleted', () => {
  const { service, fixture } = fixtureService({ ...ENV, 'p.md': 'Hello\n{{secrets.NOT_SET}}\n' });
  const uri = fixture.uri('p.md');
  const put = (text: string, from: number, line: number, linesBefore: number) => {
    const lines = text.split('\n');
    fixture.index.setAgentFile(
      uri,
      text,
      lineEditOf(
        { fromVersion: from, toVersion: from + 1 },
        { start: { line, character: 0 }, end: { line, character: 0 } },
        linesBefore,
        lines.length,
        (n) => lines[n] ?? '',
      ),
    );
  };
  fixture.index.setAgentFile(
    uri,
    'Hello\n{{secrets.NOT_SET}}\n',
    lineEditOf(
      { fromVersion: 0, toVersion: 1 },
      { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      3,
      3,
      () => '',
    ),
  );
  assert.deepEqual(
    service.diagnose(uri).map((d) => d.code),
    ['missing-secret'],
  );
  put('Hello <!-- struere-secrets-ignore missing-secret -->\n{{secrets.NOT_SET}}\n', 1, 0, 3);
  assert.deepEqual(service.diagnose(uri), []);
  put('Hello\n{{secrets.NOT_SET}}\n', 2, 0, 3);
  assert.deepEqual(
    service.diagnose(uri).map((d) => d.code),
    ['missing-secret'],
  );
});
