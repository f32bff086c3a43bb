import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEV_KEY, startServer } from '../support/apiHelpers';
import { runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// Issue 18, hole 6: a name from the repository (a file, a folder, an env file) or from the API must never start
// an output line of its own, since a GitHub runner executes lines beginning `::error` / `::warning` as commands.

const CANARY = 'canary_line_injection_7Hq2Zx9';

/** Every way a reader may split lines: LF, CR, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR (and VT, FF). */
const ANY_LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;

function forgedLines(output: string): string[] {
  return output.split(ANY_LINE_BREAK).filter((line) => /^\s*::/.test(line));
}

/**
 * A project whose folder name carries a forged workflow command after a line break, and one whose env file and
 * prompt file names do (after LF, LINE SEPARATOR and NEL).
 */
function hostileWorkspace() {
  return tempWorkspace({
    'p\n::error file=forged,line=1::folder/struere.json': '{}',
    'p\n::error file=forged,line=1::folder/.env.development': `DEV_ONE=${CANARY}\n`,
    'app/struere.json': '{}',
    'app/.env.development': `DEV_ONE=${CANARY}\n`,
    'app/.env.x\n::error file=forged::env-name': `TOKEN=${CANARY}\n`,
    'app/prompt\u2028::warning::prompt-name.md': '{{secrets.NOT_SET_ANYWHERE}}\n',
    'app/tool\u0085::warning::nel.md': '{{secrets.ALSO_NOT_SET}}\n',
  });
}

void test('check text: names with line breaks are escaped, no output line can begin ::', async (t) => {
  const workspace = hostileWorkspace();
  t.after(() => workspace.dispose());
  const result = await runCli(['check', workspace.dir]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(forgedLines(result.stdout + result.stderr), []);
  assert.match(result.stdout, /not-gitignored/);
  assert.match(result.stdout, /\.env\.x\\u000a::error file=forged::env-name is not ignored by git/);
  assert.ok(!(result.stdout + result.stderr).includes(CANARY));
});

void test('check github: one workflow command per diagnostic, the names inside escaped as GitHub escapes', async (t) => {
  const workspace = hostileWorkspace();
  t.after(() => workspace.dispose());
  const json = await runCli(['check', workspace.dir, '--format', 'json']);
  const count = (JSON.parse(json.stdout) as { diagnostics: unknown[] }).diagnostics.length;
  const github = await runCli(['check', workspace.dir, '--format', 'github'], { cwd: workspace.dir });
  const commands = github.stdout.split(ANY_LINE_BREAK).filter((line) => line.startsWith('::'));
  assert.ok(count >= 5, json.stdout);
  assert.equal(commands.length, count, github.stdout);
  assert.ok(
    commands.every((line) => /^::(error|warning|notice) file=(p%0A%3A%3Aerror|app\/)/.test(line)),
    github.stdout,
  );
  assert.ok(!(github.stdout + github.stderr).includes(CANARY));
});

void test('control: ordinary names are printed as they are', async (t) => {
  const workspace = tempWorkspace({ 'app/struere.json': '{}', 'app/.env.local': `TOKEN=${CANARY}\n` });
  t.after(() => workspace.dispose());
  const result = await runCli(['check', workspace.dir]);
  assert.match(result.stdout, /^app\/\.env\.local$/m);
  assert.match(result.stdout, / \.env\.local is not ignored by git/);
  assert.ok(!result.stdout.includes('\\u'));
});

void test('remote names that fail the key pattern are dropped and counted, never printed', async (t) => {
  const server = await startServer(t);
  // Straight into the store: the HTTP API itself refuses such names, a hostile or broken server would not.
  server.store.apply(
    ['development', 'eval'],
    [
      { key: 'GOOD_REMOTE_KEY', value: CANARY },
      { key: 'BAD\n::error file=forged::remote-name', value: CANARY },
      { key: `sk-proj-${'x'.repeat(24)}`, value: CANARY },
    ],
  );
  const workspace = tempWorkspace({ 'struere.json': '{}', '.env.development': `LOCAL_KEY=${CANARY}\n` });
  t.after(() => workspace.dispose());
  const env = { STRUERE_API_URL: server.url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY };

  const text = await runCli(['status', workspace.dir], { env });
  assert.equal(text.code, 0, text.stderr);
  const output = text.stdout + text.stderr;
  assert.deepEqual(forgedLines(output), []);
  assert.ok(!output.includes('remote-name') && !output.includes('sk-proj-') && !output.includes(CANARY), output);
  assert.match(text.stdout, /^GOOD_REMOTE_KEY +remote +\? +remote +0$/m, 'control: a valid remote name is listed');
  assert.match(text.stderr, /the API listed 2 names in development that fail .*; left out/);
  assert.match(text.stderr, /the API listed 2 names in eval that fail/);
  assert.match(text.stdout, /^development remote: fresh \(1 name\)$/m);

  const json = await runCli(['status', workspace.dir, '--format', 'json'], { env });
  const [project] = (JSON.parse(json.stdout) as { projects: { remote: object; keys: { key: string }[] }[] }).projects;
  assert.deepEqual(
    project!.keys.map((row) => row.key),
    ['GOOD_REMOTE_KEY', 'LOCAL_KEY'],
  );
  assert.deepEqual((project!.remote as Record<string, unknown>).development, { state: 'fresh', count: 1, dropped: 2 });
});

void test('check json: U+2028 and U+2029 in names are escaped, and parse back to the same name', async (t) => {
  const workspace = tempWorkspace({
    'struere.json': '{}',
    '.env.development': `DEV_ONE=${CANARY}\n`,
    '.env.z\u2029::error::ps': `Z=${CANARY}\n`,
    'prompt\u2028::warning::ls.md': '{{secrets.NOT_SET_ANYWHERE}}\n',
  });
  t.after(() => workspace.dispose());
  const result = await runCli(['check', workspace.dir, '--format', 'json']);
  assert.deepEqual(forgedLines(result.stdout), []);
  const files = (JSON.parse(result.stdout) as { diagnostics: { file: string }[] }).diagnostics.map((d) => d.file);
  assert.ok(files.includes('prompt\u2028::warning::ls.md'), result.stdout);
  assert.ok(files.includes('.env.z\u2029::error::ps'), result.stdout);
  assert.ok(!result.stdout.includes(CANARY));
});

void test("preview: a prompt's own line that would begin a workflow command is printed behind a backslash", async (t) => {
  const workspace = tempWorkspace({
    'struere.json': '{}',
    '.env.development': `A_KEY=${CANARY}\n`,
    'p.md': 'Hello {{secrets.A_KEY}}\n::error file=forged::from the prompt\n  ::warning::indented\nplain line\n',
  });
  t.after(() => workspace.dispose());
  const result = await runCli(['preview', workspace.path('p.md')]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(forgedLines(result.stdout), []);
  assert.match(result.stdout, /^\\::error file=forged::from the prompt$/m);
  assert.match(result.stdout, /^\\ {2}::warning::indented$/m);
  assert.match(result.stdout, /^plain line$/m, 'control: other lines are printed as they are');
  assert.ok(!result.stdout.includes(CANARY));
});
