import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli, type CliResult } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

/**
 * Hostile repositories: non-regular files where files are expected, unreadable paths, links out of the project,
 * names that are not UTF-8. Every run has a failure bound (`limitMs`): a hang fails the test instead of hanging it.
 */

const LIMIT = { limitMs: 20_000 };
const CANARY = 'canary-value-7f3a9c';

interface JsonDiagnostic {
  file: string;
  line: number;
  code: string;
  severity: string;
  message: string;
}

function project(extra: Record<string, string> = {}) {
  return tempWorkspace({
    'struere.json': '{"name":"hostile"}',
    '.gitignore': '.env.*\n',
    '.env.development': `PRESENT=${CANARY}\n`,
    'agents/a.ts': 'const p = `{{secrets.PRESENT}} {{secrets.MISSING_ONE}} {{secrets.1bad}}`;\n',
    ...extra,
  });
}

function diagnosticsOf(result: CliResult): JsonDiagnostic[] {
  assert.ok(!result.hung, `the CLI hung; stderr: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
}

/** The rest of the project is still checked: the reference diagnostics of agents/a.ts. */
function assertRestChecked(diagnostics: JsonDiagnostic[]): void {
  assert.deepEqual(
    diagnostics
      .filter((d) => d.file === 'agents/a.ts')
      .map((d) => d.code)
      .sort(),
    ['invalid-reference', 'missing-secret'],
  );
}

function unreadable(diagnostics: JsonDiagnostic[]): string[] {
  return diagnostics.filter((d) => d.code === 'unreadable-file').map((d) => d.file);
}

test('a FIFO where an env file, a source file or .gitignore is expected: one unreadable-file each, no hang', async (t) => {
  const ws = project();
  t.after(() => ws.dispose());
  execFileSync('mkfifo', [ws.path('.env.production'), ws.path('agents/pipe.ts'), path.join(ws.dir, 'nested.md')]);
  const result = await runCli(['check', ws.dir, '--format', 'json'], LIMIT);
  const diagnostics = diagnosticsOf(result);
  assert.deepEqual(unreadable(diagnostics).sort(), ['.env.production', 'agents/pipe.ts', 'nested.md']);
  assert.match(diagnostics.find((d) => d.file === '.env.production')!.message, /FIFO/);
  assertRestChecked(diagnostics);
  assert.equal(result.code, 1);
  assert.doesNotMatch(result.stdout + result.stderr, new RegExp(CANARY));

  const gitignoreFifo = project({ '.gitignore': '' });
  t.after(() => gitignoreFifo.dispose());
  execFileSync('rm', [gitignoreFifo.path('.gitignore')]);
  execFileSync('mkfifo', [gitignoreFifo.path('.gitignore')]);
  const second = await runCli(['check', gitignoreFifo.dir, '--format', 'json'], LIMIT);
  assertRestChecked(diagnosticsOf(second));
});

test('a dangling link and a folder where an env file is expected: unreadable-file, the rest still checked', async (t) => {
  const ws = project();
  t.after(() => ws.dispose());
  symlinkSync(ws.path('nowhere.env.target'), ws.path('.env.local'));
  mkdirSync(ws.path('.env.production'));
  const diagnostics = diagnosticsOf(await runCli(['check', ws.dir, '--format', 'json'], LIMIT));
  assert.deepEqual(unreadable(diagnostics).sort(), ['.env.local', '.env.production']);
  assertRestChecked(diagnostics);
});

test('text output counts the files it could not read', async (t) => {
  const ws = project();
  t.after(() => ws.dispose());
  execFileSync('mkfifo', [ws.path('.env.production')]);
  const result = await runCli(['check', ws.dir], LIMIT);
  assert.equal(result.code, 1);
  assert.match(result.stdout, /could not read 1 file\b/);
  // Control: a clean project does not claim unread files.
  const clean = project();
  t.after(() => clean.dispose());
  assert.doesNotMatch((await runCli(['check', clean.dir], LIMIT)).stdout, /could not read/);
});

test('permission denied (run as nobody through setpriv): the file and the folder are warnings, the rest is checked', async (t) => {
  const ws = project({ 'tools/t.ts': 'context.secrets.ALSO_MISSING' });
  t.after(() => ws.dispose());
  writeFileSync(ws.path('.env.production'), `SECRET=${CANARY}\n`);
  for (const dir of [ws.dir, ws.path('agents'), ws.path('.git')]) chmodSync(dir, 0o755);
  for (const file of ['struere.json', '.gitignore', '.env.development', 'agents/a.ts']) chmodSync(ws.path(file), 0o644);
  chmodSync(ws.path('.env.production'), 0o000);
  chmodSync(ws.path('tools'), 0o000);
  const nobody = { uid: 65534, gid: 65534 };
  const result = await runCli(['check', ws.dir, '--format', 'json'], { ...LIMIT, asUser: nobody });
  const diagnostics = diagnosticsOf(result);
  assert.deepEqual(unreadable(diagnostics).sort(), ['.env.production', 'tools']);
  for (const d of diagnostics.filter((x) => x.code === 'unreadable-file')) assert.match(d.message, /permission/);
  assertRestChecked(diagnostics);
  assert.equal(result.code, 1);
  // Control: as root the same tree reads fine, so the warnings above come from the permissions.
  assert.deepEqual(unreadable(diagnosticsOf(await runCli(['check', ws.dir, '--format', 'json'], LIMIT))), []);
});

test('a folder whose name is not valid UTF-8 is reported, not skipped silently', async (t) => {
  const ws = project();
  t.after(() => ws.dispose());
  const badName = Buffer.concat([Buffer.from(ws.dir + '/prompts-'), Buffer.from([0xff, 0xfe])]);
  mkdirSync(badName);
  writeFileSync(Buffer.concat([badName, Buffer.from('/p.md')]), '{{secrets.HIDDEN}}');
  const diagnostics = diagnosticsOf(await runCli(['check', ws.dir, '--format', 'json'], LIMIT));
  const reported = diagnostics.filter((d) => d.code === 'unreadable-file');
  assert.equal(reported.length, 1);
  assert.match(reported[0]!.file, /^prompts-/);
  assert.match(reported[0]!.message, /UTF-8/);
});

test('an env file linked from outside the project is refused by check, status and sync alike', async (t) => {
  const outside = tempWorkspace({ 'secrets.env': `OUTSIDE_KEY=${CANARY}\n` }, { git: false });
  t.after(() => outside.dispose());
  const ws = project({ 'agents/b.ts': '{{secrets.OUTSIDE_KEY}}' });
  t.after(() => ws.dispose());
  execFileSync('rm', [ws.path('.env.development')]);
  symlinkSync(outside.path('secrets.env'), ws.path('.env.development'));

  const check = diagnosticsOf(await runCli(['check', ws.dir, '--format', 'json'], LIMIT));
  const verdict = check.find((d) => d.file === '.env.development' && d.code === 'unreadable-file');
  assert.ok(verdict, 'check reports the outside link');
  assert.match(verdict.message, /outside the project/);

  const status = await runCli(['status', ws.dir, '--format', 'json'], LIMIT);
  assert.doesNotMatch(status.stdout, /"key": "OUTSIDE_KEY"[^}]*"development": \{[^}]*"local": true/);

  const sync = await runCli(['sync', ws.dir, '--dry-run'], {
    ...LIMIT,
    env: { STRUERE_API_KEY: 'sk_dev_x', STRUERE_API_URL: 'http://127.0.0.1:9' },
  });
  assert.equal(sync.code, 1);
  assert.match(sync.stderr, /outside the project/);
  assert.doesNotMatch(sync.stdout + sync.stderr + status.stdout, new RegExp(CANARY));

  // Control: a link inside the project is followed (its keys are read).
  const inside = project({ 'config/dev.env': 'LINKED_KEY=1\n', 'agents/c.ts': '{{secrets.LINKED_KEY}}' });
  t.after(() => inside.dispose());
  execFileSync('rm', [inside.path('.env.development')]);
  symlinkSync(inside.path('config/dev.env'), inside.path('.env.development'));
  const followed = diagnosticsOf(await runCli(['check', inside.dir, '--format', 'json'], LIMIT));
  assert.deepEqual(unreadable(followed), []);
  assert.ok(!followed.some((d) => d.file === 'agents/c.ts' && d.code === 'missing-secret'));
});

test('sync refuses a FIFO or an over-limit env file at once, naming the verdict', async (t) => {
  const env = { STRUERE_API_KEY: 'sk_dev_x', STRUERE_API_URL: 'http://127.0.0.1:9' };
  const fifo = project();
  t.after(() => fifo.dispose());
  execFileSync('rm', [fifo.path('.env.development')]);
  execFileSync('mkfifo', [fifo.path('.env.development')]);
  const refused = await runCli(['sync', fifo.dir, '--dry-run'], { ...LIMIT, env });
  assert.ok(!refused.hung, 'sync hung on a FIFO');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /\.env\.development.*FIFO/);

  const large = project();
  t.after(() => large.dispose());
  writeFileSync(large.path('.env.development'), `K=${'x'.repeat(5 * 1024 * 1024)}\n`);
  const tooLarge = await runCli(['sync', large.dir, '--dry-run'], { ...LIMIT, env });
  assert.equal(tooLarge.code, 1);
  assert.match(tooLarge.stderr, /file-too-large/);
  assert.doesNotMatch(tooLarge.stdout, /plan:/);
});

test('Ctrl-C ends a sync waiting on a silent API with exit code 130', async (t) => {
  // A server that accepts and never answers: the sync waits on it until interrupted.
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });
  const port = (silent.address() as { port: number }).port;
  const ws = project();
  t.after(() => ws.dispose());
  for (const signals of [1, 2]) {
    let sent = false;
    const result = await runCli(['sync', ws.dir], {
      ...LIMIT,
      env: { STRUERE_API_KEY: 'sk_dev_x', STRUERE_API_URL: `http://127.0.0.1:${port}` },
      onStdout: (stdout, child) => {
        // The plan line is printed right before the names are listed: the sync is now waiting on the API.
        if (sent || !stdout.includes('→ development')) return;
        sent = true;
        for (let i = 0; i < signals; i++) child.kill('SIGINT');
      },
    });
    assert.ok(!result.hung, `${signals} Ctrl-C did not end the sync`);
    assert.equal(result.code, 130, `${signals} Ctrl-C: ${result.stderr}`);
  }
});

test('sync refuses a file with a key dotenv drops (dropped-key blocks sync), naming the line', async (t) => {
  const ws = project({ '.env.development': `OK=1\n__proto__=${CANARY}\n` });
  t.after(() => ws.dispose());
  const result = await runCli(['sync', ws.dir, '--dry-run'], {
    ...LIMIT,
    env: { STRUERE_API_KEY: 'sk_dev_x', STRUERE_API_URL: 'http://127.0.0.1:9' },
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /line 2 \(dropped-key\)/);
  assert.doesNotMatch(result.stdout + result.stderr, new RegExp(CANARY));
});

test('control characters from the repository are escaped in every text output; JSON stays parseable', async (t) => {
  const evil = 'evil\u001b]0;pwned\u0007\u001b[2J\u009b';
  const ws = project({ 'struere.json': JSON.stringify({ name: evil }) });
  t.after(() => ws.dispose());
  ws.write(`agents/${evil}.ts`, '{{secrets.NOT_SET_ANYWHERE}}');
  const outputs = [
    await runCli(['check', ws.dir], LIMIT),
    await runCli(['status', ws.dir], LIMIT),
    await runCli(['preview', ws.path(`agents/${evil}.ts`)], LIMIT),
    await runCli(['sync', ws.dir, '--dry-run'], {
      ...LIMIT,
      env: { STRUERE_API_KEY: 'sk_dev_x', STRUERE_API_URL: 'http://127.0.0.1:9' },
    }),
  ];
  for (const result of outputs) {
    assert.doesNotMatch(result.stdout + result.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  }
  assert.match(outputs[0]!.stdout, /evil\\u001b\]0;pwned\\u0007/);
  assert.match(outputs[1]!.stdout, /evil\\u001b/);
  const json = await runCli(['check', ws.dir, '--format', 'json'], LIMIT);

  assert.doesNotMatch(json.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  const files = (JSON.parse(json.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.map((d) => d.file);
  assert.ok(files.includes(`agents/${evil}.ts`), 'JSON keeps the exact name');
});

test('bounded text output: first items and "… and M more"; the JSON lists everything', async (t) => {
  const many = Array.from({ length: 600 }, (_, i) => `{{secrets.MISSING_${String(i).padStart(3, '0')}}}`).join('\n');
  const ws = project({
    'agents/many.md': many,
    '.env.development': Array.from({ length: 300 }, (_, i) => `bad-${i}=1`).join('\n'),
  });
  t.after(() => ws.dispose());
  const text = await runCli(['check', ws.dir], LIMIT);
  assert.ok(text.stdout.split('\n').length < 260, `check printed ${text.stdout.split('\n').length} lines`);
  assert.match(text.stdout, /… and \d+ more \(--format json lists them all\)/);
  assert.match(text.stdout, /✖ 90\d problems/);
  const json = await runCli(['check', ws.dir, '--format', 'json'], LIMIT);
  assert.ok((JSON.parse(json.stdout) as { diagnostics: unknown[] }).diagnostics.length > 900);
  const sync = await runCli(['sync', ws.dir, '--dry-run'], {
    ...LIMIT,
    env: { STRUERE_API_KEY: 'sk_dev_x', STRUERE_API_URL: 'http://127.0.0.1:9' },
  });
  assert.match(sync.stderr, /lines 1, 2, 3, .*20, … and 280 more/);
  assert.ok(sync.stderr.length < 1000, `the refusal is ${sync.stderr.length} characters`);
});

test('exit codes and streams: usage on stderr with 2, --help on stdout with 0', async () => {
  const bare = await runCli([], LIMIT);
  assert.deepEqual([bare.code, bare.stdout], [2, '']);
  assert.match(bare.stderr, /^Usage:/);
  assert.match(bare.stderr, /130 interrupted/);
  const unknown = await runCli(['frobnicate'], LIMIT);
  assert.deepEqual([unknown.code, unknown.stdout], [2, '']);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  // Control: asked for, the usage is the output.
  const help = await runCli(['--help'], LIMIT);
  assert.deepEqual([help.code, help.stderr], [0, '']);
  assert.match(help.stdout, /^Usage:/);
});
