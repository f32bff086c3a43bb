import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  agentExposure,
  agentSpec,
  AGENTS,
  mechanismCovers,
  withAgentRules,
  type MechanismText,
} from '../../../engine/core/model/agents';

const text = (value: string): MechanismText => ({ kind: 'text', text: value });
const MISSING: MechanismText = { kind: 'missing' };
const claude = agentSpec('claude-code').mechanism;

test('every ignore-file agent: its file covers .env.development with .env.*, and not without it', () => {
  for (const agent of AGENTS.filter((spec) => spec.mechanism.kind === 'ignore-file')) {
    assert.deepEqual(mechanismCovers(agent.mechanism, '.env.development', text('.env.*\n')), { kind: 'covered' });
    assert.deepEqual(mechanismCovers(agent.mechanism, '.env.development', text('node_modules/\n')), { kind: 'open' });
    assert.deepEqual(mechanismCovers(agent.mechanism, '.env.development', MISSING), { kind: 'open' });
  }
});

test('a ! negation in an ignore file re-exposes the file', () => {
  const cursor = agentSpec('cursor').mechanism;
  assert.equal(mechanismCovers(cursor, '.env.local', text('.env*\n!.env.local\n')).kind, 'open');
  assert.equal(mechanismCovers(cursor, '.env.production', text('.env*\n!.env.local\n')).kind, 'covered');
});

test('a rules file a repository built to backtrack is matched as .gitignore is: normalised, a costly pattern not applied', () => {
  const cursor = agentSpec('cursor').mechanism;
  const deep = `${Array.from({ length: 28 }, (_, i) => `d${i}`).join('/')}`;
  // Fifteen `**/*/` pairs: normalised to `**` and fifteen `*`, so it means "x at least fifteen folders down".
  const pairs = text(`${'**/*/'.repeat(15)}x\n`);
  assert.equal(mechanismCovers(cursor, `${deep}/x`, pairs).kind, 'covered');
  assert.equal(mechanismCovers(cursor, `${deep}/.env`, pairs).kind, 'open');
  // Several inner `**` separated by names cost depth^(globstars + 1): not applied at this depth, and said so.
  const costly = mechanismCovers(cursor, `${deep}/.env`, text('.env\na/**/b/**/c/**/d/**/e/**/f\n'));
  assert.equal(costly.kind, 'broken');
  assert.match(
    costly.kind === 'broken' ? costly.reason : '',
    /^\.cursorignore line 2: several \*\* segments too costly/,
  );
  // Control: the same costly line near the root is applied, and `.env` is covered by line 1.
  assert.equal(mechanismCovers(cursor, '.env', text('.env\na/**/b/**/c/**/d/**/e/**/f\n')).kind, 'covered');
  // Claude's Read rules go through the same matcher.
  const claudeCostly = text(JSON.stringify({ permissions: { deny: ['Read(./a/**/b/**/c/**/d/**/e/**/f)'] } }));
  assert.equal(mechanismCovers(claude, `${deep}/.env`, claudeCostly).kind, 'broken');
});

test('a costly Claude Read rule is named by its place in permissions.deny, not among the Read rules alone', () => {
  const deep = `${Array.from({ length: 28 }, (_, i) => `d${i}`).join('/')}`;
  const costly = 'Read(./a/**/b/**/c/**/d/**/e/**/f)';
  // Third in the list, after a rule for another tool and an entry that is not a string: the first Read rule.
  const settings = text(JSON.stringify({ permissions: { deny: ['Bash(curl:*)', 42, costly] } }));
  const coverage = mechanismCovers(claude, `${deep}/.env`, settings);
  assert.equal(coverage.kind, 'broken');
  assert.match(
    coverage.kind === 'broken' ? coverage.reason : '',
    /^\.claude\/settings\.json permissions\.deny entry 3: several \*\* segments too costly/,
  );
  // Control: the same rule first in the list is entry 1.
  const first = mechanismCovers(claude, `${deep}/.env`, text(JSON.stringify({ permissions: { deny: [costly] } })));
  assert.match(first.kind === 'broken' ? first.reason : '', /permissions\.deny entry 1:/);
});

test('Claude deny rules: Read(./.env.*) covers, other tools, paths elsewhere and missing rules do not', () => {
  const covered = text(JSON.stringify({ permissions: { deny: ['Read(./.env)', 'Read(./.env.*)'] } }));
  assert.equal(mechanismCovers(claude, '.env.development', covered).kind, 'covered');
  assert.equal(mechanismCovers(claude, '.env', covered).kind, 'covered');
  const editOnly = text(JSON.stringify({ permissions: { deny: ['Edit(./.env.*)', 'Read(~/.env.*)'] } }));
  assert.equal(mechanismCovers(claude, '.env.development', editOnly).kind, 'open');
  assert.equal(mechanismCovers(claude, '.env.development', text('{}')).kind, 'open');
  assert.equal(mechanismCovers(claude, '.env.development', MISSING).kind, 'open');
  assert.equal(mechanismCovers(claude, '.env.development', text('{"permissions":{"deny":["Read"]}}')).kind, 'covered');
});

test('a malformed Claude settings file is broken, its reason names a line and no text of the file', () => {
  const canary = 'CANARY_VALUE_41d9';
  for (const bad of [`{"env":{"K":"${canary}"},}`, `// ${canary}\n{}`, '[]', '{"permissions":{"deny":"x"}}']) {
    const coverage = mechanismCovers(claude, '.env.development', text(bad));
    assert.equal(coverage.kind, 'broken', bad);
    assert.ok(coverage.kind === 'broken' && !coverage.reason.includes(canary));
    assert.equal(withAgentRules(claude, bad).kind, 'broken');
  }
});

test('an unreadable mechanism file (a FIFO, a link) is broken, not covered', () => {
  const coverage = mechanismCovers(agentSpec('cline').mechanism, '.env', { kind: 'unreadable', reason: 'is a link' });
  assert.deepEqual(coverage, { kind: 'broken', reason: '.clineignore is a link' });
});

test('withAgentRules: an ignore file gains the three lines once; the result covers env files, not the template', () => {
  const aider = agentSpec('aider').mechanism;
  const first = withAgentRules(aider, 'node_modules/');
  assert.equal(first.kind, 'text');
  const written = first.kind === 'text' ? first.text : '';
  assert.equal(written, 'node_modules/\n.env\n.env.*\n!.env.example\n');
  assert.deepEqual(withAgentRules(aider, written), { kind: 'unchanged' });
  assert.equal(mechanismCovers(aider, '.env.production', text(written)).kind, 'covered');
  assert.equal(mechanismCovers(aider, '.env.example', text(written)).kind, 'open');
});

test('withAgentRules: Claude settings keep comments-free JSON, existing rules and gain the two denies once', () => {
  const before = '{\n  "permissions": {\n    "deny": ["Bash(curl *)", "Read(./.env)"]\n  },\n  "model": "x"\n}\n';
  const first = withAgentRules(claude, before);
  assert.equal(first.kind, 'text');
  const after = first.kind === 'text' ? first.text : '';
  const parsed = JSON.parse(after) as { permissions: { deny: string[] }; model: string };
  assert.deepEqual(parsed.permissions.deny, ['Bash(curl *)', 'Read(./.env)', 'Read(./.env.*)']);
  assert.equal(parsed.model, 'x');
  assert.deepEqual(withAgentRules(claude, after), { kind: 'unchanged' });
  const created = withAgentRules(claude, undefined);
  assert.ok(created.kind === 'text' && mechanismCovers(claude, '.env.local', text(created.text)).kind === 'covered');
});

test('agentExposure: open agents warn, agents without a file mechanism are listed apart', () => {
  const exposure = agentExposure('.env.development', {
    found: ['claude-code', 'cursor', 'copilot'],
    rules: { 'claude-code': MISSING, cursor: text('.env.*\n') },
  });
  assert.deepEqual(
    exposure.open.map((open) => open.agent.id),
    ['claude-code'],
  );
  assert.deepEqual(
    exposure.noMechanism.map((agent) => agent.id),
    ['copilot'],
  );
});
