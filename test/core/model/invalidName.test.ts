import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeActions } from '../../../engine/core/features/codeActions';
import { compilePrompt } from '../../../engine/core/prompt/compiler';
import { formatPromptPreview } from '../../../engine/core/prompt/preview';
import { documentSymbols, workspaceSymbols } from '../../../engine/core/features/symbols';
import { validateEnvExample } from '../../../engine/core/features/envExample';
import { hoverEnvKey, hoverReference } from '../../../engine/core/features/hover';
import { describeInvalidName } from '../../../engine/core/model/invalidName';
import { validateParity } from '../../../engine/core/rules/parity';
import { planRename, prepareRename } from '../../../engine/core/features/rename';
import { secretStatus } from '../../../engine/core/features/status';
import { validateAgentFile, validateEnvFile } from '../../../engine/core/rules/validation';
import { fixtureProject, GIT_IGNORED } from '../../support/coreFixtures';

// A value pasted where a key name belongs is never quoted back: every surface describes the name instead.

const PASTED = 'sk-proj-Q7vR2mXk9LpT4wZs8NcY3bHd6FgJ1aUe5iOq0rVt2yWx';
const settings = { environment: 'development' as const, severity: {}, maxFileBytes: 1 << 20 };
const host = { versionOf: () => 1, gitignoreText: undefined };

void test('an invalid name is described by its length and what is wrong, never quoted', () => {
  assert.equal(describeInvalidName(PASTED), `a ${PASTED.length}-character name with '-' in it`);
  assert.equal(describeInvalidName('1st.token'), "a 9-character name starting with a digit, with '.' in it");
  assert.equal(describeInvalidName('my key'), 'a 6-character name with a space in it');
  assert.equal(describeInvalidName('eight-ch'), "an 8-character name with '-' in it");
  assert.equal(describeInvalidName('a-b.c/d:e'), "a 9-character name with '-', '.', '/' and other characters in it");
  assert.equal(
    describeInvalidName('clé\u200d'),
    'a 4-character name with a non-ASCII character and a control or format character in it',
  );
  assert.equal(describeInvalidName(''), 'an empty name');
});

/** Every text a person (or a log) sees for the name: messages, hovers, titles, the compiled preview, refusals. */
function surfaces(name: string): string[] {
  const fixture = fixtureProject({
    '.env.development': `${name}=1\nOK=2\n${name}=3\n`,
    '.env.production': 'OK=2\n',
    '.env.example': 'OK=\n',
    'p.md': `Hello {{secrets.${name}}} and <<secrets.${name}>>`,
  });
  const envUri = fixture.uri('.env.development');
  const envFile = fixture.project.envFiles.get(envUri)!;
  const prompt = fixture.project.agentFiles.get(fixture.uri('p.md'))!;
  const envDiagnostics = [
    ...validateEnvFile(envFile, GIT_IGNORED, settings),
    ...validateParity(envFile, fixture.project, {}),
    ...validateEnvExample(envFile, fixture.project, {}),
  ];
  const promptDiagnostics = validateAgentFile(prompt, fixture.project, settings);
  const position = prompt.references[0]!.range.start;
  const hover = hoverReference(prompt, position, fixture.project);
  const actions = [
    ...codeActions(fixture.project, envUri, envDiagnostics, 'development', host),
    ...codeActions(fixture.project, fixture.uri('p.md'), promptDiagnostics, 'development', host),
  ];
  const compiled = compilePrompt('Hello {{secrets.' + name + '}}', 'p.md', () => false);
  const rename = planRename(fixture.project, envUri, { line: 1, character: 0 }, name);
  const prepared = prepareRename(fixture.project, fixture.uri('p.md'), position);
  return [
    ...[...envDiagnostics, ...promptDiagnostics].map((d) => JSON.stringify(d)),
    JSON.stringify(hover),
    ...actions.map((action) => action.title),
    formatPromptPreview(compiled, { file: 'p.md', environment: 'development' }),
    JSON.stringify(rename),
    JSON.stringify(prepared),
    JSON.stringify(hoverEnvKey(envFile, { line: 0, character: 1 }, fixture.project)),
    JSON.stringify(documentSymbols(envFile)),
    JSON.stringify(workspaceSymbols(fixture.index, '')),
    JSON.stringify(secretStatus(fixture.project)),
  ];
}

void test('invalid-key, invalid-reference, hovers, fix titles, preview, rename, outline, status: the pasted value is nowhere', () => {
  const texts = surfaces(PASTED);
  assert.ok(texts.length >= 8);
  for (const text of texts) {
    assert.ok(!text.includes(PASTED), `quoted: ${text.replace(PASTED, '<the value>')}`);
    // Not even transformed: the rename suggestion is the value upper-cased with _ for '-'.
    assert.ok(!text.toUpperCase().includes(PASTED.toUpperCase().replaceAll('-', '_')), 'the value, transformed');
  }
  assert.ok(
    texts.some((text) => text.includes(`a ${PASTED.length}-character name with '-' in it`)),
    'the description is there',
  );
});

void test("control: a valid key's name is quoted on the same surfaces, so the check above can fail", () => {
  const texts = surfaces('SOME_VALID_KEY_NAME');
  assert.ok(texts.filter((text) => text.includes('SOME_VALID_KEY_NAME')).length >= 8);
});
