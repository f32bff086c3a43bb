import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { CLI_JS, runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// Canary values: made-up credentials that must never appear in the CLI's output.
const CANARY = 'sk_live_CANARY9f3Qx7Lm2Vb8Nc4Zr1';
const GITHUB_LIKE = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';

function leakyProject() {
  return tempWorkspace({
    'struere.json': '{}',
    '.gitignore': '.env.development\nignored/\n',
    '.env.development': `STRIPE_KEY=${CANARY}\nPASSWORD=admin123\nPORT=3000\n`,
    'agents/leaky.ts': `export const p = \`Pay with ${CANARY}\`;\n`,
    'tools/hardcoded.ts': `const token = "${GITHUB_LIKE}";\n`,
    'agents/clean.ts': 'export const p = `Pay with {{secrets.STRIPE_KEY}} on port 3000 as admin123`;\n',
    'ignored/notes.md': `${CANARY} ${GITHUB_LIKE}\n`,
  });
}

void test('check fails on leaked-value and hardcoded-secret and prints no value', async () => {
  const ws = leakyProject();
  try {
    const result = await runCli(['check', ws.dir, '--format', 'json']);
    assert.equal(result.code, 1);
    const { diagnostics } = JSON.parse(result.stdout) as { diagnostics: { file: string; code: string }[] };
    assert.deepEqual(
      diagnostics
        .filter((d) => d.code === 'leaked-value' || d.code === 'hardcoded-secret')
        .map((d) => `${d.file} ${d.code}`),
      ['agents/leaky.ts leaked-value', 'tools/hardcoded.ts hardcoded-secret'],
    );
    for (const text of [result.stdout, result.stderr, (await runCli(['check', ws.dir])).stdout])
      assert.ok(!text.includes(CANARY) && !text.includes(GITHUB_LIKE), 'no value printed');
  } finally {
    ws.dispose();
  }
});

void test('check takes file names, as a pre-commit hook passes them: only those files are reported', async () => {
  const ws = leakyProject();
  try {
    const clean = await runCli(['check', 'agents/clean.ts'], { cwd: ws.dir });
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    const leaky = await runCli(['check', 'agents/clean.ts', 'agents/leaky.ts', '--format', 'json'], { cwd: ws.dir });
    assert.equal(leaky.code, 1);
    assert.deepEqual(
      (JSON.parse(leaky.stdout) as { diagnostics: { file: string; code: string }[] }).diagnostics.map(
        (d) => `${d.file} ${d.code}`,
      ),
      ['agents/leaky.ts leaked-value'],
    );
    assert.ok(!leaky.stdout.includes(CANARY));
    const missing = await runCli(['check', 'agents/nope.ts'], { cwd: ws.dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /agents\/nope\.ts does not exist/);
  } finally {
    ws.dispose();
  }
});

void test('redact: stdin to stdout with values replaced, ordinary short values kept', async () => {
  const ws = leakyProject();
  try {
    const result = await runCli(['redact', ws.dir], {
      input: `Authorization: Bearer ${CANARY}\nlogin admin123 on 3000\n`,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Authorization: Bearer [SECRET:STRIPE_KEY]\nlogin [SECRET:PASSWORD] on 3000\n');
  } finally {
    ws.dispose();
  }
});

void test('redact: a long stream written in chunks that split values is redacted as it flows', async () => {
  const ws = leakyProject();
  try {
    const child = spawn(process.execPath, [CLI_JS, 'redact', ws.dir], { env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const line = `step token=${CANARY} ok\n`;
    // 2,000 writes, each cutting the value at a different place; the first redacted line arrives before the end.
    let firstOutput: Promise<void> | undefined = new Promise((resolve) => child.stdout.once('data', () => resolve()));
    for (let i = 0; i < 2000; i++) {
      const cut = 10 + (i % CANARY.length);
      child.stdin.write(line.slice(0, cut));
      child.stdin.write(line.slice(cut));
      if (i === 100 && firstOutput) {
        await firstOutput;
        firstOutput = undefined;
      }
    }
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0);
    assert.equal(stdout, 'step token=[SECRET:STRIPE_KEY] ok\n'.repeat(2000));
  } finally {
    ws.dispose();
  }
});
