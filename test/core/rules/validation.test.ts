import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { ENVIRONMENTS } from '../../../engine/core/model/environments';
import { presenceIn, setOrMaybeSetTest } from '../../../engine/core/model/presence';
import { unknownRemote, type RemoteNameList } from '../../../engine/core/model/remoteNames';
import { validateEnvFile, validateAgentFile, type ValidationSettings } from '../../../engine/core/rules/validation';
import { fixtureProject, fresh, messageOf, GIT_IGNORED, GIT_NOT_IGNORED } from '../../support/coreFixtures';

const settings = (overrides: Partial<ValidationSettings> = {}): ValidationSettings => ({
  environment: 'development',
  severity: {},
  maxFileBytes: 1024 * 1024,
  ...overrides,
});

const codes = (diagnostics: { code?: unknown; range: { start: { line: number } } }[]) =>
  diagnostics.map((d) => `${d.range.start.line}:${String(d.code)}`);

test('env file: invalid keys, duplicates, malformed lines and unterminated quotes with their lines', () => {
  const fixture = fixtureProject({
    '.env.development': [
      'GOOD=1',
      '1BAD=2',
      'my-key=3',
      'GOOD=4',
      'just some words',
      'OPEN="never closed',
      '# comment',
      '',
    ].join('\n'),
  });
  const file = fixture.project.envFiles.get(fixture.uri('.env.development'))!;
  const diagnostics = validateEnvFile(file, GIT_IGNORED, settings());
  assert.deepEqual(
    codes(diagnostics).sort(),
    ['1:invalid-key', '2:invalid-key', '3:duplicate-key', '4:malformed-line', '5:unterminated-quote'].sort(),
  );
  const invalid = diagnostics.find((d) => d.code === 'invalid-key')!;
  assert.deepEqual(invalid.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } });
  assert.equal(invalid.severity, DiagnosticSeverity.Error);
  assert.equal(diagnostics.find((d) => d.code === 'duplicate-key')!.severity, DiagnosticSeverity.Warning);
  for (const diagnostic of diagnostics) assert.equal(diagnostic.source, 'struere');
});

test('env file: not-gitignored only when git would commit it', () => {
  const fixture = fixtureProject({ '.env.production': 'A=1\n' });
  const file = fixture.project.envFiles.get(fixture.uri('.env.production'))!;
  assert.deepEqual(codes(validateEnvFile(file, GIT_NOT_IGNORED, settings())), ['0:not-gitignored']);
  assert.deepEqual(validateEnvFile(file, GIT_IGNORED, settings()), []);
  assert.deepEqual(validateEnvFile(file, undefined, settings()), []);
});

test('not-gitignored is an error when git tracks or has staged the file with credential-like values', () => {
  const live = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
  const fixture = fixtureProject({
    '.env.production': `PORT=3000\nTOKEN=${live}\n`,
    '.env.development': 'PORT=3000\n',
  });
  const withValues = fixture.project.envFiles.get(fixture.uri('.env.production'))!;
  const plain = fixture.project.envFiles.get(fixture.uri('.env.development'))!;
  const tracked = { ignored: false, tracked: true };
  const severityOf = (file: typeof plain, git: typeof tracked, severity = {}) =>
    validateEnvFile(file, git, settings({ severity })).find((d) => d.code === 'not-gitignored')?.severity;
  assert.equal(severityOf(withValues, tracked), DiagnosticSeverity.Error);
  const message = messageOf(validateEnvFile(withValues, tracked, settings())[0]!);
  assert.match(message, /tracked or staged in git's index and holds credential-like values/);
  assert.doesNotMatch(message, new RegExp(live));
  // Even when .gitignore lists it: ignoring a tracked file does not keep it out of commits.
  assert.equal(severityOf(withValues, { ignored: true, tracked: true }), DiagnosticSeverity.Error);
  // Controls: otherwise .gitignore decides, as before: not ignored is a warning, ignored is nothing.
  assert.equal(severityOf(plain, tracked), DiagnosticSeverity.Warning);
  assert.equal(severityOf(withValues, GIT_NOT_IGNORED), DiagnosticSeverity.Warning);
  assert.equal(severityOf(plain, { ignored: true, tracked: true }), undefined);
  assert.equal(severityOf(withValues, GIT_IGNORED), undefined);
  // A severity the user chose for the code still wins.
  assert.equal(severityOf(withValues, tracked, { 'not-gitignored': 'warning' }), DiagnosticSeverity.Warning);
  assert.equal(severityOf(withValues, tracked, { 'not-gitignored': 'off' }), undefined);
  // A link is judged by its target, which the message names.
  const linked = validateEnvFile(plain, { ...tracked, linkTarget: 'docs/app.yaml' }, settings())[0]!;
  assert.match(messageOf(linked), /links to docs\/app\.yaml, which git tracks or has staged/);
});

test('severity overrides change and turn off codes', () => {
  const fixture = fixtureProject({ '.env.development': 'A=1\nA=2\n' });
  const file = fixture.project.envFiles.get(fixture.uri('.env.development'))!;
  assert.equal(
    validateEnvFile(file, GIT_IGNORED, settings({ severity: { 'duplicate-key': 'error' } }))[0].severity,
    DiagnosticSeverity.Error,
  );
  assert.deepEqual(validateEnvFile(file, GIT_IGNORED, settings({ severity: { 'duplicate-key': 'off' } })), []);
});

test('missing-secret follows the selected environment; eval reads .env.development', () => {
  const fixture = fixtureProject({
    '.env.development': 'DEV_ONLY=1\nBOTH=1\n',
    '.env.production': 'PROD_ONLY=1\nBOTH=1\n',
    'agents/a.ts': 'const p = `{{secrets.DEV_ONLY}} {{secrets.PROD_ONLY}} {{secrets.BOTH}}`;',
  });
  const source = fixture.project.agentFiles.get(fixture.uri('agents/a.ts'))!;
  const missing = (environment: 'development' | 'production' | 'eval') =>
    validateAgentFile(source, fixture.project, settings({ environment })).map((d) => (d.data as { key: string }).key);
  assert.deepEqual(missing('development'), ['PROD_ONLY']);
  assert.deepEqual(missing('production'), ['DEV_ONLY']);
  assert.deepEqual(missing('eval'), ['PROD_ONLY']);
});

test('remote names count as set; the message says what is known and why', () => {
  const fixture = fixtureProject(
    {
      '.env.production': 'A=1\n',
      'prompts/p.md': '{{secrets.REMOTE_ONLY}} {{secrets.NOWHERE}}',
      'tools/t.ts': 'context.secrets.NOWHERE',
    },
    { production: fresh('REMOTE_ONLY') },
  );
  const prompt = validateAgentFile(
    fixture.project.agentFiles.get(fixture.uri('prompts/p.md'))!,
    fixture.project,
    settings({ environment: 'production' }),
  );
  assert.equal(prompt.length, 1);
  assert.equal(prompt[0].code, 'missing-secret');
  assert.match(messageOf(prompt[0]), /NOWHERE is not set in production/);
  assert.match(messageOf(prompt[0]), /\.env\.production has no such key/);
  assert.match(messageOf(prompt[0]), /production remote list \(fresh\) has no such key/);
  assert.match(messageOf(prompt[0]), /\[MISSING_SECRET:NOWHERE\]/);
  const tool = validateAgentFile(
    fixture.project.agentFiles.get(fixture.uri('tools/t.ts'))!,
    fixture.project,
    settings({ environment: 'production' }),
  );
  assert.match(messageOf(tool[0]), /will be undefined/);

  fixture.index.setRemote(fixture.project.rootUri, 'production', unknownRemote('no API key'));
  const unknown = validateAgentFile(
    fixture.project.agentFiles.get(fixture.uri('prompts/p.md'))!,
    fixture.project,
    settings({ environment: 'production' }),
  );
  assert.equal(unknown.length, 2, 'an unknown remote list proves nothing: both keys are reported');
  assert.match(messageOf(unknown[0]), /production remote list is unknown: no API key/);
});

test('a missing env file is named as missing', () => {
  const fixture = fixtureProject({ 'p.md': '{{secrets.A}}' });
  const [diagnostic] = validateAgentFile(
    fixture.project.agentFiles.get(fixture.uri('p.md'))!,
    fixture.project,
    settings(),
  );
  assert.match(messageOf(diagnostic), /there is no \.env\.development/);
});

test('invalid references are errors whatever the environment holds', () => {
  const fixture = fixtureProject({ '.env.development': 'A=1\n', 'p.md': '{{secrets.1A}} {{secrets.}}' });
  const diagnostics = validateAgentFile(
    fixture.project.agentFiles.get(fixture.uri('p.md'))!,
    fixture.project,
    settings(),
  );
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['invalid-reference', 'invalid-reference'],
  );
  assert.equal(diagnostics[0].severity, DiagnosticSeverity.Error);
});

test('a skipped (too large) env file makes its keys unknown, not missing', () => {
  const fixture = fixtureProject({ 'p.md': '{{secrets.A}}' });
  fixture.index.setSkippedEnvFile(fixture.uri('.env.development'), 30 * 1024 * 1024);
  const file = fixture.project.envFiles.get(fixture.uri('.env.development'))!;
  assert.deepEqual(codes(validateEnvFile(file, GIT_IGNORED, settings())), ['0:file-too-large']);
  assert.deepEqual(
    validateAgentFile(fixture.project.agentFiles.get(fixture.uri('p.md'))!, fixture.project, settings()),
    [],
  );
});

test('no diagnostic message ever contains a value', () => {
  const canary = 'CANARY_VALUE_9f3a';
  const fixture = fixtureProject({
    '.env.development': `1BAD=${canary}\nA=${canary}\nA="${canary}\n${canary} ${canary}\nB='${canary}`,
    'p.md': '{{secrets.MISSING}}',
  });
  const file = fixture.project.envFiles.get(fixture.uri('.env.development'))!;
  const all = [
    ...validateEnvFile(file, GIT_NOT_IGNORED, settings()),
    ...validateAgentFile(fixture.project.agentFiles.get(fixture.uri('p.md'))!, fixture.project, settings()),
  ];
  assert.ok(all.length >= 4);
  for (const diagnostic of all)
    assert.ok(!JSON.stringify(diagnostic).includes(canary), `leak in ${String(diagnostic.code)}`);
});

test('the per-file set test agrees with presenceIn for every kind of env file, remote list and environment', () => {
  const remotes: Record<string, RemoteNameList> = {
    fresh: fresh('REMOTE'),
    stale: { state: 'stale', names: new Set(['REMOTE']), fetchedAt: 0 },
    unknown: { state: 'unknown', names: new Set(['REMOTE']), reason: 'no API key' },
  };
  const envTexts: Record<string, string | undefined> = { present: 'LOCAL=1\n', empty: '', missing: undefined };
  let seen = { set: 0, missing: 0 };
  for (const [envName, envText] of Object.entries(envTexts))
    for (const skipped of [false, true])
      for (const remote of Object.values(remotes)) {
        const files: Record<string, string> = { 'agents/a.md': 'x' };
        if (envText !== undefined) files['.env.development'] = envText;
        if (envText !== undefined) files['.env.production'] = envText;
        const fixture = fixtureProject(files, { development: remote, production: remote, eval: remote });
        if (skipped && envText !== undefined) fixture.index.setSkippedEnvFile(fixture.uri('.env.development'), 1e9);
        for (const environment of ENVIRONMENTS) {
          const test = setOrMaybeSetTest(fixture.project, environment);
          for (const key of ['LOCAL', 'REMOTE', 'NOWHERE']) {
            const presence = presenceIn(fixture.project, key, environment);
            const expected = presence.isSet || presence.mayBeSet;
            assert.equal(test(key), expected, `${envName} skipped=${skipped} ${remote.state} ${environment} ${key}`);
            seen = expected ? { ...seen, set: seen.set + 1 } : { ...seen, missing: seen.missing + 1 };
          }
        }
      }
  // Control: both answers occur, so a test answering one of them always would have failed above.
  assert.ok(seen.set > 0 && seen.missing > 0);
});
