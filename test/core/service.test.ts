import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompletionItem, CompletionList, MarkupContent, TextEdit } from 'vscode-languageserver-types';
import { NO_OPEN_DOCUMENTS, ServiceRefusal, type ClientFeatures } from '../../engine/core/service';
import { scanForSecrets } from '../../engine/core/leaks/secretScan';
import { fixtureService, fresh, withCursor } from '../support/coreFixtures';

const FILES = {
  '.env.development': 'A=dev-value\nB=1\n',
  '.env.production': 'A=prod-value\n',
  'agents/a.ts': 'const p = `{{secrets.A}} {{secrets.MISSING}}`;',
  'notes.txt': 'not scanned',
};

/** The service over a fixture project; `open` holds the open documents' texts. */
function serviceFor(open: Record<string, string> = {}, client?: ClientFeatures, files: Record<string, string> = FILES) {
  return fixtureService(files, { open, client });
}

test('diagnose decides the kind of file once: env file, agent file, an .env outside any project, anything else', () => {
  const { service, fixture } = serviceFor({ 'file:///elsewhere/.env': '1BAD=x\n' });
  assert.deepEqual(
    service.diagnose(fixture.uri('.env.development')).map((d) => d.code),
    ['env-parity'],
    'B is not in .env.production',
  );
  assert.deepEqual(
    service.diagnose(fixture.uri('agents/a.ts')).map((d) => d.code),
    ['missing-secret'],
  );
  assert.deepEqual(
    service.diagnose('file:///elsewhere/.env').map((d) => d.code),
    ['invalid-key'],
  );
  assert.deepEqual(service.diagnose('file:///elsewhere/closed.env'), [], 'not open, not indexed');
  assert.deepEqual(service.diagnose(fixture.uri('notes.txt')), []);
  service.configure({ environment: 'production', severity: { 'missing-secret': 'off' }, maxFileBytes: 1024 });
  assert.deepEqual(service.diagnose(fixture.uri('agents/a.ts')), [], 'settings apply from the next call on');
});

test('a GitHub Actions expression in docs is no missing-secret; the Struere form beside it is', () => {
  const docs = 'Set `${{ secrets.TURBO_TOKEN }}` in CI.\n';
  const { service, fixture } = serviceFor({}, undefined, {
    ...FILES,
    'docs/ci.md': docs,
    'docs/ours.md': '{{secrets.TURBO_TOKEN}}',
  });
  assert.deepEqual(service.diagnose(fixture.uri('docs/ci.md')), []);
  assert.deepEqual(
    service.diagnose(fixture.uri('docs/ours.md')).map((d) => d.code),
    ['missing-secret'],
  );
});

test('completion: sibling keys in an env file, secret keys in a reference, item defaults only when announced', () => {
  const agent = withCursor('{{secrets.|');
  const open = { '.env.production': 'A=1\n', 'agents/a.ts': agent.text };
  const plain = serviceFor(open).service;
  const env = plain.complete(serviceFor().fixture.uri('.env.production'), { line: 1, character: 0 });
  assert.deepEqual(
    (env as CompletionItem[]).map((item) => item.label),
    ['B'],
  );
  const items = plain.complete(serviceFor().fixture.uri('agents/a.ts'), agent.position) as CompletionItem[];
  assert.ok(
    items.every((item) => item.textEdit && item.data === undefined),
    'no per-item data for a plain client',
  );
  const withDefaults = serviceFor(open, { completionItemDefaults: true, codicons: false, clientCommands: false });
  const list = withDefaults.service.complete(withDefaults.fixture.uri('agents/a.ts'), agent.position) as CompletionList;
  assert.ok(list.itemDefaults?.editRange && list.items.every((item) => item.textEdit === undefined));
  // Both lists are shared between requests, so frozen to the last nested object (the stdio writer reuses their
  // JSON on that promise); the control: the per-request list object around the items is not frozen.
  for (const shared of [items, list.items]) {
    assert.ok(Object.isFrozen(shared) && shared.every((item) => Object.isFrozen(item)));
    assert.throws(() => {
      (shared[0] as { label: string }).label = 'CHANGED';
    }, TypeError);
  }
  assert.ok(Object.isFrozen(items[0]!.textEdit) && Object.isFrozen((items[0]!.textEdit as TextEdit).range.start));
  assert.ok(!Object.isFrozen(list));
  const resolved = plain.resolveCompletion(items.find((item) => item.label === 'A')!);
  assert.match((resolved.documentation as MarkupContent).value, /development/);
  assert.ok(!JSON.stringify([items, list, resolved]).includes('-value'));
  assert.deepEqual(
    serviceFor().service.complete(serviceFor().fixture.uri('agents/a.ts'), agent.position),
    [],
    'closed',
  );
});

test('completion resolve without data describes the key in the project of the last completion', () => {
  const agent = withCursor('{{secrets.|');
  const { service, fixture } = serviceFor({ 'agents/a.ts': agent.text, 'nested/b.md': agent.text });
  fixture.index.addProject(fixture.uri('nested'));
  fixture.index.setEnvFile(fixture.uri('nested/.env.production'), 'A=nested\n');
  const described = (item: CompletionItem) => (service.resolveCompletion(item).documentation as MarkupContent)?.value;
  // Control: before any completion there is no document to take the project from, so nothing is added.
  assert.equal(described({ label: 'A' }), undefined);
  const outer = service.complete(fixture.uri('agents/a.ts'), agent.position) as CompletionItem[];
  assert.match(described(outer.find((item) => item.label === 'A')!), /\| development \| set \|/);
  const nested = service.complete(fixture.uri('nested/b.md'), agent.position) as CompletionItem[];
  const item = nested.find((each) => each.label === 'A')!;
  assert.match(described(item), /\| development \| not set \|/, 'the nested project has no .env.development');
  assert.match(described(item), /\| production \| set \|/);
  // Data that names a document (a client with item defaults) wins over the last completion.
  assert.match(described({ ...item, data: { uri: fixture.uri('agents/a.ts') } }), /\| development \| set \|/);
});

test('hover and definition route by file kind; nothing outside a project', () => {
  const { service, fixture } = serviceFor();
  const onReference = { line: 0, character: 22 };
  assert.match((service.hover(fixture.uri('agents/a.ts'), onReference)!.contents as MarkupContent).value, /\*\*A\*\*/);
  assert.match(
    (service.hover(fixture.uri('.env.development'), { line: 0, character: 0 })!.contents as MarkupContent).value,
    /A/,
  );
  assert.deepEqual(
    service.definition(fixture.uri('agents/a.ts'), onReference).map((l) => l.uri),
    [fixture.uri('.env.development')],
  );
  assert.equal(service.hover('file:///nowhere/a.ts', onReference), null);
});

test('rename: edits carry open versions, an invalid name is a refusal, the notice names old and new', () => {
  const { service, fixture } = serviceFor({ '.env.development': FILES['.env.development'] });
  const result = service.rename(fixture.uri('agents/a.ts'), { line: 0, character: 22 }, 'RENAMED')!;
  const versions = Object.fromEntries(
    (result.edit.documentChanges as { textDocument: { uri: string; version: number | null } }[]).map((c) => [
      c.textDocument.uri,
      c.textDocument.version,
    ]),
  );
  assert.equal(versions[fixture.uri('.env.development')], 3);
  assert.equal(versions[fixture.uri('.env.production')], null);
  assert.match(result.notice, /Renamed A to RENAMED/);
  assert.throws(
    () => service.rename(fixture.uri('agents/a.ts'), { line: 0, character: 22 }, '1 bad'),
    (error: unknown) => error instanceof ServiceRefusal && error.kind === 'invalid-params',
  );
  assert.equal(service.prepareRename(fixture.uri('notes.txt'), { line: 0, character: 0 }), null);
});

test('code actions: only our diagnostics; client-only commands only for a client that runs them', () => {
  const all = { completionItemDefaults: false, codicons: true, clientCommands: true };
  const files = { ...FILES, 'agents/a.ts': '{{secrets.B}}' };
  for (const [client, expected] of [
    [
      all,
      [
        ['Add B to .env.production', 'struere.revealPosition'],
        ['Switch to development (B is set there)', 'struere.selectEnvironment'],
        ['Switch to eval (B is set there)', 'struere.selectEnvironment'],
      ],
    ],
    [undefined, [['Add B to .env.production', undefined]]],
  ] as const) {
    const { service, fixture } = serviceFor({}, client, files);
    service.configure({ environment: 'production', severity: {}, maxFileBytes: 1 << 20 });
    const [missing] = service.diagnose(fixture.uri('agents/a.ts'));
    const actions = service.codeActions(fixture.uri('agents/a.ts'), [missing, { ...missing, source: 'eslint' }]);
    assert.deepEqual(
      actions.map((a) => [a.title, a.command?.command]),
      expected,
    );
  }
});

test('leaks through the service: diagnosed in committed files only; Move to .env.development only for a client that runs commands', async () => {
  // Made-up credentials of realistic shape.
  const STRIPE_LIKE = 'sk_live_CANARY4eC39HqLyjWDarjtT1zd';
  const GITHUB_LIKE = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';
  const text = `const p = \`Pay with ${STRIPE_LIKE}\`;\nexport const t = { async handler() { return "${GITHUB_LIKE}"; } };\n`;
  const files = { '.env.development': `STRIPE_KEY=${STRIPE_LIKE}\n`, 'agents/a.ts': text, 'ignored.md': text };
  const all = { completionItemDefaults: false, codicons: true, clientCommands: true };
  const leakFix = ['Replace with {{secrets.STRIPE_KEY}}', undefined];
  // The open document's ignore fixes come after every real fix, in the diagnostics' order.
  const ignores = ['leaked-value', 'hardcoded-secret'].map((code) => [
    `Ignore ${code} on this line (struere-secrets-ignore comment)`,
    undefined,
  ]);
  for (const [client, expected] of [
    [all, [leakFix, ['Move to .env.development as GITHUB_TOKEN…', 'struere.moveSecretToEnv'], ...ignores]],
    [undefined, [leakFix, ...ignores]],
  ] as const) {
    const { service, fixture } = serviceFor({ 'agents/a.ts': text }, client, files);
    const findings = await scanForSecrets(text, 'a.ts');
    for (const name of ['agents/a.ts', 'ignored.md'])
      fixture.index.setSecretFindings(fixture.uri(name), text, findings);
    const diagnostics = service.diagnose(fixture.uri('agents/a.ts'));
    assert.deepEqual(diagnostics.map((d) => d.code).sort(), ['hardcoded-secret', 'leaked-value']);
    assert.ok(!JSON.stringify(diagnostics).includes(STRIPE_LIKE) && !JSON.stringify(diagnostics).includes(GITHUB_LIKE));
    // Control: the same findings in a file git would not commit are not reported.
    assert.deepEqual(service.diagnose(fixture.uri('ignored.md')), []);
    const actions = service.codeActions(fixture.uri('agents/a.ts'), diagnostics);
    assert.deepEqual(
      actions.map((a) => [a.title, a.command?.command]),
      expected,
    );
  }
});

test('updateDocument says what to re-diagnose: an env edit reaches references and the sibling, an agent edit itself', () => {
  const { service, fixture } = serviceFor();
  const envEdit = service.updateDocument(fixture.uri('.env.production'), 'A=1\nMISSING=2\n')!;
  assert.deepEqual(
    new Set(envEdit.uris),
    new Set([fixture.uri('.env.production'), fixture.uri('agents/a.ts'), fixture.uri('.env.development')]),
  );
  assert.equal(envEdit.crossFile, true);
  assert.deepEqual(service.updateDocument(fixture.uri('agents/a.ts'), '{{secrets.B}}'), {
    uris: [fixture.uri('agents/a.ts')],
    crossFile: false,
  });
  assert.equal(service.updateDocument(fixture.uri('notes.txt'), '{{secrets.B}}'), undefined, 'not an agent file');
  assert.equal(service.updateDocument('file:///nowhere/x.ts', ''), undefined);
});

test('remote names, status and the compiled prompt go through the same project lookup', () => {
  const { service, fixture } = serviceFor();
  assert.equal(service.setRemoteNames('file:///nowhere', { development: fresh('MISSING') }), undefined);
  assert.deepEqual(service.setRemoteNames(fixture.uri('').slice(0, -1), { development: fresh('MISSING') }), [
    fixture.uri('agents/a.ts'),
    fixture.uri('notes.txt'),
  ]);
  assert.deepEqual(service.diagnose(fixture.uri('agents/a.ts')), [], 'MISSING is set remotely now');
  assert.ok(service.statusRows(service.projects()[0])!.some((row) => row.key === 'MISSING'));
  assert.match(service.status(service.projects()[0])!, /MISSING/);
  const compiled = service.compilePrompt(
    fixture.uri('agents/b.ts'),
    'const x = { systemPrompt: `{{secrets.NOPE}}` };',
  )!;
  assert.deepEqual(compiled.missing, ['NOPE']);
  assert.equal(service.compilePrompt('file:///nowhere/b.ts', ''), undefined);
  assert.deepEqual(service.stats(), { projects: 1, envFiles: 2, agentFiles: 2, references: 2 });
  assert.deepEqual(service.indexedFiles().length, 4);
  assert.equal(NO_OPEN_DOCUMENTS.text('x'), undefined);
});
