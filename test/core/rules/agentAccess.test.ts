import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { ProjectAgentFacts } from '../../../engine/core/model/agents';
import { validateAgentAccess } from '../../../engine/core/rules/agentAccess';
import { fixtureProject } from '../../support/coreFixtures';

const CANARY = 'canary-4f1e-value-never-shown';
const files = {
  '.env.development': `API_KEY=${CANARY}\n`,
  '.env.production': `API_KEY=${CANARY}\n`,
  '.env.example': 'API_KEY=\n',
};

function diagnose(name: string, facts: ProjectAgentFacts | undefined, severity = {}) {
  const { project, uri } = fixtureProject(files);
  const envFile = project.envFiles.get(uri(name));
  assert.ok(envFile);
  return validateAgentAccess(envFile, project, facts, severity);
}

test('agent-readable: a warning naming the agent and its gap when its rules do not cover the file, no value', () => {
  const facts: ProjectAgentFacts = { found: ['claude-code'], rules: { 'claude-code': { kind: 'missing' } } };
  const [warning, ...rest] = diagnose('.env.production', facts);
  assert.equal(rest.length, 0);
  assert.equal(warning?.code, 'agent-readable');
  assert.equal(warning?.severity, DiagnosticSeverity.Warning);
  assert.match(String(warning?.message), /Claude Code .*a Read deny rule does not stop a shell `cat`/);
  assert.ok(!JSON.stringify(warning).includes(CANARY));
});

test('agent-readable: none once the rules cover the file; none on the template; none without agents', () => {
  const covered: ProjectAgentFacts = {
    found: ['cursor'],
    rules: { cursor: { kind: 'text', text: '.env\n.env.*\n!.env.example\n' } },
  };
  assert.deepEqual(diagnose('.env.development', covered), []);
  const open: ProjectAgentFacts = { found: ['cursor'], rules: { cursor: { kind: 'missing' } } };
  assert.deepEqual(diagnose('.env.example', open), []);
  assert.deepEqual(diagnose('.env.development', { found: [], rules: {} }), []);
  assert.deepEqual(diagnose('.env.development', undefined), []);
});

test('agent-readable: agents without a file mechanism get one information note per project', () => {
  const facts: ProjectAgentFacts = { found: ['copilot'], rules: {} };
  const notes = ['.env.development', '.env.example', '.env.production'].flatMap((name) => diagnose(name, facts));
  assert.equal(notes.length, 1);
  assert.equal(notes[0]?.severity, DiagnosticSeverity.Information);
  assert.match(String(notes[0]?.message), /GitHub Copilot/);
  assert.deepEqual(diagnose('.env.development', facts, { 'agent-readable': 'off' }), []);
});

test('agent-readable: a malformed Claude settings file is named as the reason', () => {
  const facts: ProjectAgentFacts = {
    found: ['claude-code'],
    rules: { 'claude-code': { kind: 'text', text: '{"permissions": {"deny": ["Read(./.env.*)"],}}' } },
  };
  const [warning] = diagnose('.env.development', facts);
  assert.match(String(warning?.message), /\.claude\/settings\.json is not valid JSON/);
});
