// Runs inside desktop VS Code's extension host (loaded by @vscode/test-electron through run.ts). The core
// scenarios of the real-editor suite, through the VS Code API: diagnostics, completion, hover, commands,
// fix on save, invalid key. (The environment switch is a quick pick with no argument form: the real-editor
// suite covers it, clicking the status bar.) A tiny runner of its own (no mocha dependency); every wait is bounded
// and event-driven (onDidChangeDiagnostics), never a fixed sleep.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { errorText } from '../../../engine/core/base/errorText';

const EXTENSION_ID = 'struere.struere-secrets';
const TIMEOUT = 30_000;

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  if (!f) throw new Error('no workspace folder: run.ts opens a copy of examples/support-agent');
  return f.uri;
}
const file = (rel: string) => vscode.Uri.joinPath(folder(), ...rel.split('/'));

function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : c === undefined ? undefined : String(c);
}

function struereDiagnostics(uri: vscode.Uri, code?: string): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'struere' && (code === undefined || codeOf(d) === code));
}

/** Resolves once `predicate` holds for the diagnostics (checked now and on every change); bounded. */
function waitForDiagnostics(what: string, predicate: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate()) return resolve();
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${TIMEOUT} ms waiting for ${what}`));
    }, TIMEOUT);
    const sub = vscode.languages.onDidChangeDiagnostics(() => {
      if (predicate()) {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  });
}

const missing = (rel: string, key: string) => () =>
  struereDiagnostics(file(rel), 'missing-secret').some((d) => d.message.includes(key));

function positionOf(doc: vscode.TextDocument, text: string, offsetInText = 0): vscode.Position {
  const at = doc.getText().indexOf(text);
  assert.ok(at >= 0, `"${text}" in ${doc.uri.fsPath}`);
  return doc.positionAt(at + offsetInText);
}

async function envValues(rel: string): Promise<string[]> {
  const text = Buffer.from(await vscode.workspace.fs.readFile(file(rel))).toString('utf8');
  return text
    .split('\n')
    .filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l))
    .map((l) =>
      l
        .slice(l.indexOf('=') + 1)
        .replace(/\s+#.*$/, '')
        .trim()
        .replace(/^(['"])(.*)\1$/, '$2'),
    )
    .filter((v) => v.length >= 4);
}

const tests: Array<[string, () => Promise<void>]> = [
  [
    '1. missing-secret for the key absent from development',
    async () => {
      await vscode.window.showTextDocument(file('agents/support.ts'));
      await waitForDiagnostics(
        'missing-secret PAGERDUTY_ROUTING_KEY',
        missing('agents/support.ts', 'PAGERDUTY_ROUTING_KEY'),
      );
      const [d] = struereDiagnostics(file('agents/support.ts'), 'missing-secret');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(struereDiagnostics(file('agents/support.ts'), 'missing-secret').length, 1);
    },
  ],
  [
    '3. completion inside {{secrets. offers the keys; hover shows every environment and no value',
    async () => {
      const doc = await vscode.workspace.openTextDocument(file('agents/support.ts'));
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        doc.uri,
        positionOf(doc, 'PAGERDUTY_ROUTING_KEY', 3),
      );
      const text = hovers
        .flatMap((h) => h.contents)
        .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
        .join('\n');
      for (const env of ['development', 'production', 'eval'])
        assert.ok(text.includes(env), `hover names ${env}:\n${text}`);
      for (const v of [...(await envValues('.env.development')), ...(await envValues('.env.production'))]) {
        assert.ok(!text.includes(v), `hover shows no value (${v})`);
      }

      const editor = await vscode.window.showTextDocument(doc);
      const line = positionOf(doc, 'Never reveal internal identifiers.').line;
      await editor.edit((e) => e.insert(new vscode.Position(line + 1, 0), 'Escalate through {{secrets.\n'));
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        doc.uri,
        new vscode.Position(line + 1, 'Escalate through {{secrets.'.length),
        '.',
      );
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      for (const key of ['COMPANY_NAME', 'SUPPORT_EMAIL', 'SANDBOX_CUSTOMER_ID', 'ESCALATION_QUEUE']) {
        assert.ok(labels.includes(key), `completion offers ${key}: ${labels.join(', ')}`);
      }
      await vscode.commands.executeCommand('workbench.action.files.revert');
    },
  ],
  [
    'commands: the contract commands are registered; status and refresh run',
    async () => {
      const registered = new Set(await vscode.commands.getCommands(true));
      const ids = [
        'selectEnvironment',
        'sync',
        'deploy',
        'setApiKey',
        'clearApiKey',
        'refreshRemote',
        'showStatus',
      ].map((c) => `struere.${c}`);
      for (const id of ids) assert.ok(registered.has(id), `${id} is registered`);
      await vscode.commands.executeCommand('struere.refreshRemote');
      await vscode.commands.executeCommand('struere.showStatus');
    },
  ],
  [
    '4. adding the key to .env.development and saving clears the diagnostic',
    async () => {
      const doc = await vscode.workspace.openTextDocument(file('.env.development'));
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((e) =>
        e.insert(doc.positionAt(doc.getText().length), 'PAGERDUTY_ROUTING_KEY=dev-pagerduty-key-not-real\n'),
      );
      assert.ok(await doc.save());
      await waitForDiagnostics(
        'no missing-secret for PAGERDUTY_ROUTING_KEY',
        () => !missing('agents/support.ts', 'PAGERDUTY_ROUTING_KEY')(),
      );
    },
  ],
  [
    '8. an invalid key in .env.development is an invalid-key error',
    async () => {
      const doc = await vscode.workspace.openTextDocument(file('.env.development'));
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((e) => e.insert(doc.positionAt(doc.getText().length), '1BAD-KEY=x\n'));
      await waitForDiagnostics('invalid-key', () => struereDiagnostics(doc.uri, 'invalid-key').length > 0);
      const [d] = struereDiagnostics(doc.uri, 'invalid-key');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(doc.getText(d.range).includes('1BAD-KEY'), true, `range covers the key: ${doc.getText(d.range)}`);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    },
  ],
];

/** Entry point called by @vscode/test-electron. Rejects when any test failed. */
export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the development host`);
  await extension.activate();
  let passed = 0;
  let failed = 0;
  for (const [name, body] of tests) {
    try {
      await body();
      passed++;
      console.log(`  ✔ ${name}`);
    } catch (error) {
      failed++;
      console.log(`  ✖ ${name}\n    ${errorText(error, { stack: true })}`);
    }
  }
  console.log(`${vscode.version}: ${passed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} of ${tests.length} tests failed in VS Code ${vscode.version}`);
}
