import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TextDocumentEdit, TextEdit } from 'vscode-languageserver-types';
import { codeActions } from '../../../engine/core/features/codeActions';
import { mechanismCovers, type ProjectAgentFacts } from '../../../engine/core/model/agents';
import { agentSpec } from '../../../engine/core/model/agents';
import { validateAgentAccess } from '../../../engine/core/rules/agentAccess';
import { fixtureProject, ROOT } from '../../support/coreFixtures';

const CANARY = 'canary-quickfix-value-77';
const SETTINGS = '{\n  "permissions": {\n    "deny": ["Bash(curl *)"]\n  }\n}\n';

function newTextOf(edit: TextDocumentEdit | undefined): string | undefined {
  return (edit?.edits[0] as TextEdit | undefined)?.newText;
}

function actionsFor(facts: ProjectAgentFacts, open: Record<string, string> = {}) {
  const { project, uri } = fixtureProject({ '.env.development': `API_KEY=${CANARY}\n` });
  const envFile = project.envFiles.get(uri('.env.development'));
  assert.ok(envFile);
  const diagnostics = validateAgentAccess(envFile, project, facts, {});
  return codeActions(project, envFile.uri, diagnostics, 'development', {
    versionOf: (target) => (open[target] !== undefined ? 7 : null),
    gitignoreText: undefined,
    documentText: (target) => open[target],
    agentFacts: facts,
  });
}

test('agent-readable quick fix: creates a missing ignore file and extends Claude settings, keeping their rules', () => {
  const facts: ProjectAgentFacts = {
    found: ['claude-code', 'cursor', 'copilot'],
    rules: { 'claude-code': { kind: 'text', text: SETTINGS }, cursor: { kind: 'missing' } },
  };
  const [action, ...rest] = actionsFor(facts);
  assert.equal(rest.length, 0, 'the information note on Copilot offers no fix');
  assert.ok(action?.edit?.documentChanges);
  const changes = action.edit.documentChanges;
  assert.deepEqual(
    changes.find((change) => 'kind' in change),
    { kind: 'create', uri: `${ROOT}/.cursorignore`, options: { ignoreIfExists: true } },
  );
  const edits = changes.filter((change): change is TextDocumentEdit => 'textDocument' in change);
  const cursor = edits.find((edit) => edit.textDocument.uri === `${ROOT}/.cursorignore`);
  assert.equal(newTextOf(cursor), '.env\n.env.*\n!.env.example\n');
  const claude = edits.find((edit) => edit.textDocument.uri === `${ROOT}/.claude/settings.json`);
  const written = newTextOf(claude) ?? '';
  assert.deepEqual((JSON.parse(written) as { permissions: { deny: string[] } }).permissions.deny, [
    'Bash(curl *)',
    'Read(./.env)',
    'Read(./.env.*)',
  ]);
  assert.equal(
    mechanismCovers(agentSpec('claude-code').mechanism, '.env.development', { kind: 'text', text: written }).kind,
    'covered',
  );
  assert.ok(!JSON.stringify(action).includes(CANARY));
});

test('agent-readable quick fix: an open rules file is edited from its buffer with its version', () => {
  const facts: ProjectAgentFacts = { found: ['aider'], rules: { aider: { kind: 'text', text: 'old-disk\n' } } };
  const [action] = actionsFor(facts, { [`${ROOT}/.aiderignore`]: 'unsaved-buffer\n' });
  const [edit] = (action?.edit?.documentChanges ?? []) as TextDocumentEdit[];
  assert.equal(edit?.textDocument.version, 7);
  assert.equal(newTextOf(edit), 'unsaved-buffer\n.env\n.env.*\n!.env.example\n');
});

test('agent-readable quick fix: none for a malformed Claude settings file or an unreadable rules file', () => {
  const broken: ProjectAgentFacts = {
    found: ['claude-code', 'cline'],
    rules: { 'claude-code': { kind: 'text', text: '{,}' }, cline: { kind: 'unreadable', reason: 'is a FIFO' } },
  };
  assert.deepEqual(actionsFor(broken), []);
});

test('agent-readable quick fix: an agent whose rules file the writer refuses is left out, the others stay', () => {
  const { project, uri } = fixtureProject({ '.env.development': `API_KEY=${CANARY}\n` });
  const envFile = project.envFiles.get(uri('.env.development'));
  assert.ok(envFile);
  const facts: ProjectAgentFacts = {
    found: ['claude-code', 'gemini-cli'],
    rules: { 'claude-code': { kind: 'missing' }, 'gemini-cli': { kind: 'missing' } },
  };
  const [action] = codeActions(project, envFile.uri, validateAgentAccess(envFile, project, facts, {}), 'development', {
    versionOf: () => null,
    gitignoreText: undefined,
    agentFacts: facts,
    writable: (target) => !target.includes('.claude'),
  });
  assert.equal(action?.title, 'Keep AI agents out of env files: update .geminiignore');
});
