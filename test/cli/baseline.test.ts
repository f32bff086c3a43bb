import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync, symlinkSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// Made-up credentials of realistic shape: credential-like, so leaked-value and hardcoded-secret find them.
const TOKEN = 'Zq8Rt2Lm9Xv4Kp7Wn3Bd6Hs1Jf5Gc0Ty';
const GITHUB_LIKE = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';

const PROJECT = {
  'struere.json': '{}',
  '.gitignore': '.env*\n!.env.example\n',
  '.env.development': `API_TOKEN=${TOKEN}\nOK=1\n`,
  '.env.production': `API_TOKEN=${TOKEN}\nOK=1\n`,
  '.env.example': 'API_TOKEN=\nOK=\n',
  'agents/tool.ts': `export const a = '${TOKEN}';\nexport const b = '${TOKEN}';\n`,
  'prompts/p.md': 'Hello\n{{secrets.NOT_SET}}\n',
};

interface Finding {
  file: string;
  line: number;
  code: string;
}

async function check(dir: string, ...flags: string[]) {
  const result = await runCli(['check', dir, '--format', 'json', ...flags]);
  const findings =
    result.stdout.trim() === ''
      ? []
      : (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.map(
          (d) => `${d.file}:${d.line}:${d.code}`,
        );
  return { ...result, findings };
}

void test('baseline round trip: accepted findings are not reported, moved lines stay accepted, changed text is new', async () => {
  const ws = tempWorkspace(PROJECT);
  try {
    // Control: without a baseline the findings are reported and fail the check.
    const before = await check(ws.dir);
    assert.equal(before.code, 1);
    assert.deepEqual(before.findings, [
      'agents/tool.ts:1:leaked-value',
      'agents/tool.ts:2:leaked-value',
      'prompts/p.md:2:missing-secret',
    ]);
    const file = ws.path('struere-baseline.json');
    const written = await check(ws.dir, '--update-baseline', file);
    assert.equal(written.code, 0, written.stderr);
    assert.deepEqual(written.findings, []);
    assert.match(written.stderr, /wrote 3 findings to the baseline/);
    const bytes = readFileSync(file);
    // No value, in any form a reader could search for, is in the committed file.
    for (const form of [TOKEN, Buffer.from(TOKEN).toString('base64'), Buffer.from(TOKEN).toString('hex')])
      assert.ok(!bytes.includes(form), 'the baseline holds a value');
    const baseline = JSON.parse(bytes.toString('utf8')) as {
      version: number;
      findings: { code: string; path: string; key: string; count: number }[];
    };
    assert.equal(baseline.version, 1);
    assert.deepEqual(
      baseline.findings.map((f) => [f.path, f.code, f.key, f.count]),
      [
        ['agents/tool.ts', 'leaked-value', 'API_TOKEN', 1],
        ['agents/tool.ts', 'leaked-value', 'API_TOKEN', 1],
        ['prompts/p.md', 'missing-secret', 'NOT_SET', 1],
      ],
    );
    // Writing again yields the same bytes: a stable order, fit to commit.
    await check(ws.dir, '--update-baseline', file);
    assert.deepEqual(readFileSync(file), bytes);

    const accepted = await check(ws.dir, '--baseline', file);
    assert.equal(accepted.code, 0);
    assert.deepEqual(accepted.findings, []);
    assert.match(accepted.stderr, /3 findings accepted by the baseline/);

    // Moved down two lines: still accepted.
    ws.write('prompts/p.md', 'Hello\n\nIntro\n{{secrets.NOT_SET}}\n');
    ws.write('agents/tool.ts', `// header\n\nexport const b = '${TOKEN}';\nexport const a = '${TOKEN}';\n`);
    assert.deepEqual((await check(ws.dir, '--baseline', file)).findings, []);
    // The line's text changed: reported again, and it alone decides the exit code.
    ws.write('prompts/p.md', 'Hello\nAsk {{secrets.NOT_SET}} first\n');
    const changed = await check(ws.dir, '--baseline', file);
    assert.deepEqual(changed.findings, ['prompts/p.md:2:missing-secret']);
    assert.equal(changed.code, 0);
    ws.write('agents/tool.ts', `export const a = '${TOKEN}';\nexport const c = '${TOKEN}';\n`);
    const newLeak = await check(ws.dir, '--baseline', file);
    assert.deepEqual(newLeak.findings, ['agents/tool.ts:2:leaked-value', 'prompts/p.md:2:missing-secret']);
    assert.equal(newLeak.code, 1);
  } finally {
    ws.dispose();
  }
});

void test('baseline counts duplicates: two identical lines baselined, a third copy is new', async () => {
  const line = `export const a = '${TOKEN}';\n`;
  const ws = tempWorkspace({ ...PROJECT, 'agents/tool.ts': line.repeat(2), 'prompts/p.md': 'Hello\n' });
  try {
    const file = ws.path('baseline.json');
    await check(ws.dir, '--update-baseline', file);
    const entries = (JSON.parse(readFileSync(file, 'utf8')) as { findings: { count: number }[] }).findings;
    assert.deepEqual(
      entries.map((e) => e.count),
      [2],
    );
    assert.deepEqual((await check(ws.dir, '--baseline', file)).findings, []);
    ws.write('agents/tool.ts', line.repeat(3));
    const third = await check(ws.dir, '--baseline', file);
    assert.deepEqual(third.findings, ['agents/tool.ts:3:leaked-value']);
    assert.equal(third.code, 1);
  } finally {
    ws.dispose();
  }
});

void test('baseline of a hard-coded credential holds neither it nor a digest of it; every format honours it', async () => {
  const ws = tempWorkspace({ ...PROJECT, 'agents/tool.ts': `const gh = '${GITHUB_LIKE}';\n`, 'prompts/p.md': 'Hi\n' });
  try {
    const before = await check(ws.dir);
    assert.deepEqual(before.findings, ['agents/tool.ts:1:hardcoded-secret']);
    const file = ws.path('baseline.json');
    await check(ws.dir, '--update-baseline', file);
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(GITHUB_LIKE));
    // Control for the digest: one over the raw line or the credential alone would be these, and neither is there.
    for (const raw of [`const gh = '${GITHUB_LIKE}';`, GITHUB_LIKE, TOKEN])
      assert.ok(!text.includes(createHash('sha256').update(raw).digest('hex')));
    // The digest is of the line with the credential masked: another credential on the same line is the same entry
    // (what is accepted is "a credential here"), while the line's other text still counts.
    ws.write('agents/tool.ts', `const gh = 'ghp_26C7e42F292c6912E7710c838347Ae178B4b';\n`);
    assert.deepEqual((await check(ws.dir, '--baseline', file)).findings, []);
    // SARIF lists every rule: its results are what count there.
    const found: Record<string, RegExp> = {
      text: /hardcoded-secret/,
      sarif: /"ruleId": "hardcoded-secret"/,
      github: /::error .*hardcoded-secret/,
    };
    for (const [format, finding] of Object.entries(found)) {
      const control = await runCli(['check', ws.dir, '--format', format]);
      assert.equal(control.code, 1, format);
      assert.match(control.stdout, finding, format);
      const result = await runCli(['check', ws.dir, '--format', format, '--baseline', file]);
      assert.equal(result.code, 0, `${format}: ${result.stderr}`);
      assert.doesNotMatch(result.stdout, finding, format);
    }
  } finally {
    ws.dispose();
  }
});

void test('a credential on the line of a finding is masked even when an inline ignore silenced its own finding', async () => {
  const line = (credential: string) =>
    `{{secrets.NOT_SET}} ${credential} <!-- struere-secrets-ignore hardcoded-secret -->`;
  const ws = tempWorkspace({ ...PROJECT, 'agents/tool.ts': 'export {};\n', 'prompts/p.md': `${line(GITHUB_LIKE)}\n` });
  try {
    assert.deepEqual((await check(ws.dir)).findings, ['prompts/p.md:1:missing-secret']);
    const file = ws.path('baseline.json');
    await check(ws.dir, '--update-baseline', file);
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(createHash('sha256').update(line(GITHUB_LIKE)).digest('hex')));
    // Another credential in its place: the same digest, so the credential was not part of it.
    ws.write('prompts/p.md', `${line('ghp_26C7e42F292c6912E7710c838347Ae178B4b')}\n`);
    assert.deepEqual((await check(ws.dir, '--baseline', file)).findings, []);
    // Control: other text on the line does count.
    ws.write('prompts/p.md', `${line(GITHUB_LIKE)} more\n`);
    assert.deepEqual((await check(ws.dir, '--baseline', file)).findings, ['prompts/p.md:1:missing-secret']);
  } finally {
    ws.dispose();
  }
});

void test('a malformed, newer or missing baseline: exit 2 naming the file, nothing checked or written', async () => {
  const ws = tempWorkspace(PROJECT);
  try {
    const cases: [string, string, RegExp][] = [
      ['broken.json', '{"version": 1, "findings": [', /broken\.json is not valid JSON/],
      ['newer.json', '{"version": 99, "findings": []}', /newer\.json was written by a newer struere-secrets/],
      ['bad-entry.json', '{"version": 1, "findings": [{"code": "x"}]}', /bad-entry\.json finding 1 needs/],
    ];
    for (const [name, text, message] of cases) {
      const file = ws.write(name, text);
      const result = await runCli(['check', ws.dir, '--baseline', file]);
      assert.equal(result.code, 2, name);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
      assert.equal(readFileSync(file, 'utf8'), text, 'the baseline file is left as it was');
    }
    const missing = await runCli(['check', ws.dir, '--baseline', ws.path('none.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /none\.json does not exist/);
    // --update-baseline never overwrites a file that is not a baseline (a mistyped name: package.json).
    const other = ws.write('package.json', '{"name": "app"}\n');
    const replaced = await runCli(['check', ws.dir, '--update-baseline', other]);
    assert.equal(replaced.code, 2);
    assert.match(replaced.stderr, /package\.json exists and is not a baseline .*: not overwritten/);
    assert.equal(readFileSync(other, 'utf8'), '{"name": "app"}\n');
    const both = await runCli(['check', ws.dir, '--baseline', 'a', '--update-baseline', 'b']);
    assert.equal(both.code, 2);
  } finally {
    ws.dispose();
  }
});

void test('--update-baseline refuses a file outside the folders checked, and a link', async () => {
  const ws = tempWorkspace(PROJECT);
  const elsewhere = mkdtempSync(path.join(tmpdir(), 'struere-outside-'));
  try {
    const outside = path.join(elsewhere, 'baseline.json');
    const result = await runCli(['check', ws.dir, '--update-baseline', outside]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /not written: it is outside the folders checked/);
    assert.equal(existsSync(outside), false);
    // A link to a baseline elsewhere: the writer never writes through it.
    const valid = '{"version": 1, "findings": []}\n';
    writeFileSync(outside, valid);
    symlinkSync(outside, ws.path('linked.json'));
    const linked = await runCli(['check', ws.dir, '--update-baseline', ws.path('linked.json')]);
    assert.equal(linked.code, 2);
    assert.match(linked.stderr, /not written: it is a link/);
    assert.equal(readFileSync(outside, 'utf8'), valid);
    // Control: inside the folder checked it is written.
    const inside = await runCli(['check', ws.dir, '--update-baseline', ws.path('baseline.json')]);
    assert.equal(inside.code, 0, inside.stderr);
    assert.equal(existsSync(ws.path('baseline.json')), true);
  } finally {
    ws.dispose();
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

void test('inline ignores through the CLI: silenced in a prompt and an env file, stale ones reported', async () => {
  const ws = tempWorkspace({
    ...PROJECT,
    'agents/tool.ts': `// struere-secrets-ignore leaked-value -- a test fixture, rotated\nexport const a = '${TOKEN}';\n`,
    'prompts/p.md':
      '{{secrets.NOT_SET}} <!-- struere-secrets-ignore missing-secret -->\n<!-- struere-secrets-ignore env-parity -->\n',
    '.env.development': `API_TOKEN=${TOKEN}\nOK=1\nOK=2 # struere-secrets-ignore duplicate-key\n`,
  });
  try {
    const result = await check(ws.dir);
    assert.deepEqual(result.findings, ['prompts/p.md:2:unused-ignore']);
    assert.equal(result.code, 0);
    // Control: the same files without the markers report what they silenced.
    ws.write('agents/tool.ts', `// a test fixture, rotated\nexport const a = '${TOKEN}';\n`);
    ws.write('prompts/p.md', '{{secrets.NOT_SET}}\n');
    ws.write('.env.development', `API_TOKEN=${TOKEN}\nOK=1\nOK=2\n`);
    const control = await check(ws.dir);
    assert.deepEqual(control.findings, [
      '.env.development:3:duplicate-key',
      'agents/tool.ts:2:leaked-value',
      'prompts/p.md:1:missing-secret',
    ]);
    assert.equal(control.code, 1);
  } finally {
    ws.dispose();
  }
});

void test('baseline: a file name with % (50%off.md) is baselined like any other, not a crash', async () => {
  const ws = tempWorkspace({ ...PROJECT, 'prompts/50%off.md': 'Sale\n{{secrets.NOT_SET_EITHER}}\n' });
  try {
    // Control: the finding in that file is reported without a baseline.
    assert.ok((await check(ws.dir)).findings.includes('prompts/50%off.md:2:missing-secret'));
    const file = ws.path('struere-baseline.json');
    const written = await check(ws.dir, '--update-baseline', file);
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stderr, /wrote 4 findings to the baseline/);
    const again = await check(ws.dir, '--baseline', file);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(again.findings, []);
  } finally {
    ws.dispose();
  }
});
