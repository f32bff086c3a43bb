import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli, type CliResult } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// `struere-secrets agents [--fix]` and `check`'s agent-readable on fixture projects of each supported agent, run
// through the built CLI. Every run is bounded (a hang fails, never waits); the canary value must never appear.

const LIMIT = { limitMs: 20_000 };
const CANARY = 'sk_dev_canary7Qx1VALUEnever';

interface AgentFixture {
  name: string;
  marker: string;
  /** The file --fix writes. */
  rules: string;
}

const AGENTS: AgentFixture[] = [
  { name: 'Claude Code', marker: 'CLAUDE.md', rules: '.claude/settings.json' },
  { name: 'Cursor', marker: '.cursorrules', rules: '.cursorignore' },
  { name: 'Gemini CLI', marker: 'GEMINI.md', rules: '.geminiignore' },
  { name: 'Windsurf', marker: '.windsurfrules', rules: '.codeiumignore' },
  { name: 'Aider', marker: '.aider.conf.yml', rules: '.aiderignore' },
  { name: 'Cline', marker: '.clinerules', rules: '.clineignore' },
];

function project(t: { after: (fn: () => void) => void }, extra: Record<string, string> = {}) {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.gitignore': '.env\n.env.*\n!.env.example\n',
    '.env.development': `API_KEY=${CANARY}\n`,
    '.env.example': 'API_KEY=\n',
    ...extra,
  });
  t.after(() => ws.dispose());
  return ws;
}

async function run(args: string[]): Promise<CliResult> {
  const result = await runCli(args, LIMIT);
  assert.ok(!result.hung, `hung: ${args.join(' ')}`);
  assert.ok(!`${result.stdout}${result.stderr}`.includes(CANARY), 'the canary value reached the output');
  return result;
}

async function agentReadable(dir: string): Promise<Array<{ severity: string; message: string; file: string }>> {
  const result = await run(['check', dir, '--format', 'json']);
  const report = JSON.parse(result.stdout) as {
    diagnostics: Array<{ code: string; severity: string; message: string; file: string }>;
  };
  return report.diagnostics.filter((d) => d.code === 'agent-readable');
}

/** Every file below `dir` (except .git) with its bytes: a second --fix must leave this byte-equal. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.name === '.git') continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.set(path.relative(dir, full), readFileSync(full, 'latin1'));
    }
  };
  walk(dir);
  return files;
}

for (const agent of AGENTS) {
  test(`${agent.name}: check warns, agents --fix writes ${agent.rules}, check is then clean, a rerun changes nothing`, async (t) => {
    const ws = project(t, { [agent.marker]: '# notes\n' });
    const before = await agentReadable(ws.dir);
    assert.equal(before.length, 1);
    assert.equal(before[0]?.severity, 'warning');
    assert.equal(before[0]?.file, '.env.development');
    assert.ok(before[0]?.message.includes(agent.name), before[0]?.message);

    const listed = await run(['agents', ws.dir]);
    assert.equal(listed.code, 1, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${agent.name} \\(.*\\): can read \\.env\\.development`));

    const fixed = await run(['agents', ws.dir, '--fix']);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.ok(statSync(ws.path(agent.rules)).isFile());
    assert.deepEqual(await agentReadable(ws.dir), []);

    const once = snapshot(ws.dir);
    const again = await run(['agents', ws.dir, '--fix']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(snapshot(ws.dir), once, 'a second --fix changed a file');
    assert.doesNotMatch(again.stdout, /created|updated/);
  });
}

test('Claude Code: existing settings keep their rules and other keys; the two denies are added once', async (t) => {
  const settings = '{\n  "model": "sonnet",\n  "permissions": {\n    "deny": ["Bash(curl *)"]\n  }\n}\n';
  const ws = project(t, { '.claude/settings.json': settings });
  assert.equal((await run(['agents', ws.dir, '--fix'])).code, 0);
  const parsed = JSON.parse(readFileSync(ws.path('.claude/settings.json'), 'utf8')) as {
    model: string;
    permissions: { deny: string[] };
  };
  assert.equal(parsed.model, 'sonnet');
  assert.deepEqual(parsed.permissions.deny, ['Bash(curl *)', 'Read(./.env)', 'Read(./.env.*)']);
});

test('a malformed .claude/settings.json is reported, left byte-equal, and check names it', async (t) => {
  const malformed = `{\n  // a comment is not strict JSON\n  "env": { "API_KEY": "${CANARY}" },\n}\n`;
  const ws = project(t, { '.claude/settings.json': malformed });
  const fixed = await run(['agents', ws.dir, '--fix']);
  assert.equal(fixed.code, 1);
  assert.match(fixed.stderr, /\.claude\/settings\.json not changed: .*is not valid JSON/);
  assert.equal(readFileSync(ws.path('.claude/settings.json'), 'utf8'), malformed);
  const [warning] = await agentReadable(ws.dir);
  assert.match(warning?.message ?? '', /\.claude\/settings\.json is not valid JSON/);
});

test('control: a ! negation in an ignore file re-exposes the env file', async (t) => {
  const ws = project(t, { '.cursorrules': '', '.cursorignore': '.env*\n!.env.development\n' });
  const [warning] = await agentReadable(ws.dir);
  assert.match(warning?.message ?? '', /Cursor/);
});

test('agents without a file mechanism: one information note, no warning, check passes', async (t) => {
  const ws = project(t, { '.github/copilot-instructions.md': '', 'AGENTS.md': '', '.env.production': 'X=1\n' });
  const notes = await agentReadable(ws.dir);
  assert.deepEqual(
    notes.map((note) => note.severity),
    ['information'],
  );
  assert.match(notes[0]?.message ?? '', /GitHub Copilot .*repository's settings on GitHub/);
  const listed = await run(['agents', ws.dir]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /GitHub Copilot: no file mechanism/);
});

test('a FIFO marker and a link out of the project: no crash, no hang, nothing written outside', async (t) => {
  const ws = project(t);
  const outside = mkdtempSync(path.join(tmpdir(), 'struere-outside-'));
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  const outsideSettings = '{"permissions":{"deny":["Read"]}}\n';
  writeFileSync(path.join(outside, 'settings.json'), outsideSettings);
  execFileSync('mkfifo', [ws.path('.cursorrules')]);
  execFileSync('mkfifo', [ws.path('.cursorignore')]);
  symlinkSync(outside, ws.path('.claude'));

  const [warning] = await agentReadable(ws.dir);
  // The link is not followed: the deny-everything settings outside do not count as the project's rules.
  assert.match(
    warning?.message ?? '',
    /Claude Code \(\.claude\/settings\.json lies below \.claude, which is not a folder/,
  );
  assert.match(warning?.message ?? '', /Cursor \(\.cursorignore is a FIFO/);

  const fixed = await run(['agents', ws.dir, '--fix']);
  assert.equal(fixed.code, 1);
  assert.match(fixed.stderr, /\.claude\/settings\.json not written/);
  assert.match(fixed.stderr, /\.cursorignore not written/);
  assert.equal(readFileSync(path.join(outside, 'settings.json'), 'utf8'), outsideSettings);
  assert.deepEqual(readdirSync(outside), ['settings.json']);
});
