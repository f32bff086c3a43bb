// Scenario 19: the agent tools, native in VS Code. A small driver extension, written at test time, calls them
// through `vscode.lm.invokeTool` — as Copilot's agent mode does — and writes what each returned (or the error it
// threw) to a file outside the workspace.
// - secrets_status, secrets_check and secrets_plan answer with the example's key names and no value of its env
//   files; control: a value of the fixture planted in a copy of an answer is found by the same check.
// - Hostile input (a key that is a value, a reason of 100,000 characters, a path outside the workspace, wrong
//   types) is a tool error, not a crash: the tools still answer afterwards.
// - secrets_request: the password box names the key, the environment and the reason; the value typed there and
//   the env file picked put the key in .env.development, and the tool's whole answer is "set". The file has an
//   unsaved edit in the editor: the human is asked to save it first, and the disk then holds both (written over
//   the unsaved buffer, the key was lost at the buffer's next save). Escape on the box answers "declined" and
//   writes nothing.
// - Unsaved edits count: a key typed into .env.development and not saved is set for secrets_check.
// No value is printed: the checks compare with `includes`, and their messages name keys only.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'dotenv';
import { envKeys, envValues, UI_TIMEOUT, withEditor, type Session } from './harness';

const DRIVER_ID = 'struere-e2e.lm-tool-driver';
const REQUESTED_KEY = 'E2E_REQUESTED_TOKEN';
const REQUESTED_VALUE = 'E2E-TYPED-VALUE-4f1c9b';
const REASON = 'the e2e test asks for it';
const DECLINED_KEY = 'E2E_DECLINED_TOKEN';
// The key the example's check reports missing: typed into .env.development and not saved, the tools see it set.
const UNSAVED_KEY = 'PAGERDUTY_ROUTING_KEY';
const UNSAVED_VALUE = 'unsaved-probe-not-real';

/** The driver: palette commands; each writes `{ name: { text } | { error } }` to RESULTS as JSON. */
function writeDriver(extensionsDir: string, results: string): void {
  const folder = path.join(extensionsDir, `${DRIVER_ID}-1.0.0`);
  fs.mkdirSync(folder, { recursive: true });
  const manifest = {
    name: 'lm-tool-driver',
    publisher: 'struere-e2e',
    version: '1.0.0',
    engines: { vscode: '^1.95.0' },
    main: './extension.js',
    activationEvents: [
      'onCommand:struereE2e.invokeTools',
      'onCommand:struereE2e.requestSecret',
      'onCommand:struereE2e.requestDeclined',
      'onCommand:struereE2e.checkUnsaved',
    ],
    contributes: {
      commands: [
        { command: 'struereE2e.invokeTools', title: 'Struere E2E: Invoke Agent Tools' },
        { command: 'struereE2e.requestSecret', title: 'Struere E2E: Request a Secret' },
        { command: 'struereE2e.requestDeclined', title: 'Struere E2E: Request Another Secret' },
        { command: 'struereE2e.checkUnsaved', title: 'Struere E2E: Check With Unsaved Changes' },
      ],
    },
  };
  fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify(manifest, null, 2));
  const calls = {
    status: ['secrets_status', {}],
    check: ['secrets_check', {}],
    checkAgentFile: ['secrets_check', { paths: ['agents/support.ts'] }],
    plan: ['secrets_plan', {}],
    hostileKey: ['secrets_request', { key: 'sk_dev_NOT-A-NAME value', environment: 'development', reason: 'x' }],
    hugeReason: ['secrets_request', { key: 'A_KEY', environment: 'development', reason: 'r'.repeat(100_000) }],
    wrongTypes: ['secrets_request', { key: 42, environment: ['development'], reason: null }],
    outsidePath: ['secrets_check', { paths: ['../../../etc/passwd'] }],
    absoluteOutside: ['secrets_check', { paths: ['/etc'] }],
    badEnvironment: ['secrets_plan', { environment: 'staging' }],
    statusAgain: ['secrets_status', {}],
  };
  const request = ['secrets_request', { key: REQUESTED_KEY, environment: 'development', reason: REASON }];
  const declined = ['secrets_request', { key: DECLINED_KEY, environment: 'production', reason: REASON }];
  fs.writeFileSync(
    path.join(folder, 'extension.js'),
    `const vscode = require('vscode');
const fs = require('fs');
const RESULTS = ${JSON.stringify(results)};
async function invoke(name, input) {
  try {
    const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
    return { text: result.content.map((part) => part.value).join('\\n') };
  } catch (error) {
    return { error: String(error && error.message ? error.message : error) };
  }
}
async function run(calls, file) {
  await vscode.extensions.getExtension('struere.struere-secrets').activate();
  const answers = {};
  for (const [label, [name, input]] of Object.entries(calls)) answers[label] = await invoke(name, input);
  fs.writeFileSync(file + '.tmp', JSON.stringify(answers));
  fs.renameSync(file + '.tmp', file);
}
exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand('struereE2e.invokeTools', () => run(${JSON.stringify(calls)}, RESULTS + '.tools.json')),
    vscode.commands.registerCommand('struereE2e.requestSecret', () => run({ request: ${JSON.stringify(request)} }, RESULTS + '.request.json')),
    vscode.commands.registerCommand('struereE2e.requestDeclined', () => run({ request: ${JSON.stringify(declined)} }, RESULTS + '.declined.json')),
    vscode.commands.registerCommand('struereE2e.checkUnsaved', () => run({ check: ['secrets_check', {}], status: ['secrets_status', {}] }, RESULTS + '.unsaved.json')),
  );
};
`,
  );
}

type Answers = Record<string, { text?: string; error?: string }>;

/** Waits (on the folder's change events, bounded) for the driver's results file. */
async function readResults(file: string): Promise<Answers> {
  if (!fs.existsSync(file)) {
    const watcher = fs.watch(path.dirname(file));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${file}: not written within ${UI_TIMEOUT * 2} ms`)),
          UI_TIMEOUT * 2,
        );
        const done = () => {
          if (!fs.existsSync(file)) return;
          clearTimeout(timer);
          resolve();
        };
        watcher.on('change', done);
        done();
      });
    } finally {
      watcher.close();
    }
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Answers;
}

/** The values of `values` that `text` holds, as their index in the list (a message never quotes a value). */
function valuesIn(text: string, values: readonly string[]): number[] {
  return values.flatMap((value, index) => (text.includes(value) ? [index] : []));
}

void test(
  '19. the agent tools through vscode.lm.invokeTool: names, no value; hostile input is a tool error; request sets',
  { timeout: 300_000 },
  async () => {
    let results = '';
    await withEditor(
      {
        name: '19-lm-tools',
        // The language model tool service is part of the workbench's AI features, which the suite turns off.
        settings: { user: { 'chat.disableAIFeatures': false } },
        extraExtensions: (extensionsDir) => {
          results = path.join(path.dirname(extensionsDir), 'lm-results');
          writeDriver(extensionsDir, results);
        },
      },
      async (s: Session) => {
        await s.openFile('agents/support.ts');
        await s.environmentItem('development').waitFor();
        const values = [...envValues(s.file('.env.development')), ...envValues(s.file('.env.production'))].filter(
          (value) => value.length >= 6,
        );
        assert.ok(values.length > 5, 'the fixture holds values to look for');

        await s.runCommand('Struere E2E: Invoke Agent Tools');
        const answers = await readResults(`${results}.tools.json`);
        const everything = JSON.stringify(answers);
        assert.deepEqual(valuesIn(everything, values), [], 'no answer holds a value of the env files');
        // Control: the same check finds a fixture value planted in a copy of an answer.
        const planted = JSON.stringify({ ...answers, status: { text: `${answers.status!.text} ${values[2]}` } });
        assert.deepEqual(valuesIn(planted, values), [2], 'the check finds a planted value');

        const status = answers.status!.text ?? `error: ${answers.status!.error}`;
        for (const key of envKeys(s.file('.env.development'))) assert.ok(status.includes(key), `status names ${key}`);
        assert.match(status, /"referencedIn"/, 'status says which files reference each key');
        assert.match(
          answers.check!.text ?? '',
          /PAGERDUTY_ROUTING_KEY.*missing-secret/,
          'check reports the missing secret',
        );
        assert.match(answers.checkAgentFile!.text ?? '', /agents\/support\.ts/, 'check of one file reports that file');
        assert.match(answers.plan!.text ?? '', /"outcome"/, 'plan answers per project');

        for (const hostile of [
          'hostileKey',
          'hugeReason',
          'wrongTypes',
          'outsidePath',
          'absoluteOutside',
          'badEnvironment',
        ])
          assert.ok(
            answers[hostile]!.error,
            `${hostile} is a tool error (got ${answers[hostile]!.text?.slice(0, 80)})`,
          );
        assert.ok(!answers.hostileKey!.error!.includes('NOT-A-NAME'), 'a key that may be a value is not repeated');
        assert.match(answers.outsidePath!.error!, /outside the workspace|does not exist/);
        assert.ok(answers.statusAgain!.text?.includes('"projects"'), 'the tools still answer after hostile input');
        await s.screenshot('tools');

        // An unsaved edit in the file the value will go to.
        await s.openFile('.env.development');
        await s.focusEditorEnd();
        await s.page.keyboard.type(`\n${UNSAVED_KEY}=${UNSAVED_VALUE}\n`);
        assert.ok(!fs.readFileSync(s.file('.env.development'), 'utf8').includes(UNSAVED_KEY), 'the edit is unsaved');
        // The tools answer from what the human sees (the check above, from the same disk, reported it missing).
        await s.runCommand('Struere E2E: Check With Unsaved Changes');
        const unsaved = await readResults(`${results}.unsaved.json`);
        assert.ok(unsaved.check!.text, `check answers (got ${unsaved.check!.error})`);
        assert.doesNotMatch(unsaved.check!.text!, /PAGERDUTY_ROUTING_KEY.*missing-secret/, 'the unsaved key counts');
        assert.ok(!JSON.stringify(unsaved).includes(UNSAVED_VALUE), 'no answer holds the unsaved value');

        // The request: the password box names key, environment and reason; the env file takes the value.
        await s.runCommand('Struere E2E: Request a Secret');
        const box = s.quickInput.filter({ hasText: REQUESTED_KEY }).filter({ hasText: REASON });
        await box.waitFor();
        assert.match(await box.innerText(), /development/, 'the box names the environment');
        await s.screenshot('request-box');
        await s.enterPassword(REQUESTED_VALUE);
        await s.pickQuick('.env.development');
        const saveFirst = s.dialog.filter({ hasText: `Save it before ${REQUESTED_KEY} is written to it?` });
        await saveFirst.waitFor();
        await s.screenshot('request-save-first');
        await s.click(saveFirst.locator('.monaco-button', { hasText: /^\s*Save and Continue\s*$/ }));
        const request = await readResults(`${results}.request.json`);
        assert.deepEqual(request.request, { text: 'set' }, 'the tool answers "set" and nothing else');
        const written = parse(fs.readFileSync(s.file('.env.development'), 'utf8'));
        assert.ok(written[REQUESTED_KEY] === REQUESTED_VALUE, `.env.development holds ${REQUESTED_KEY} as typed`);
        assert.ok(UNSAVED_KEY in written, `the unsaved edit (${UNSAVED_KEY}) was saved, not overwritten`);
        await s.screenshot('request-set');

        // Escape on the password box: the answer is "declined" and nothing is written.
        await s.runCommand('Struere E2E: Request Another Secret');
        await s.quickInput.filter({ hasText: DECLINED_KEY }).waitFor();
        await s.page.keyboard.press('Escape');
        const declined = await readResults(`${results}.declined.json`);
        assert.deepEqual(declined.request, { text: 'declined' }, 'Escape answers "declined"');
        assert.ok(!(DECLINED_KEY in parse(fs.readFileSync(s.file('.env.production'), 'utf8'))), 'nothing written');
      },
    );
  },
);
