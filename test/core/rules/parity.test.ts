import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-types';
import { completeEnvKey } from '../../../engine/core/features/completion';
import { validateParity } from '../../../engine/core/rules/parity';
import { fixtureProject } from '../../support/coreFixtures';

test('environment parity: information both ways; completion offers the sibling keys missing here', () => {
  const fixture = fixtureProject({
    '.env.development': 'A=1\nDEV_ONLY=1\n',
    '.env.production': 'A=1\nPROD_ONLY=1\nPROD_TWO=2\n',
  });
  const development = fixture.project.envFiles.get(fixture.uri('.env.development'))!;
  const parity: Diagnostic[] = validateParity(development, fixture.project, {});
  assert.deepEqual(
    parity.map((d) => [d.code, d.severity, d.range.start.line]),
    [['env-parity', 3, 1]],
  );
  assert.deepEqual(validateParity(development, fixture.project, { 'env-parity': 'off' }), []);
  const items = completeEnvKey(development, fixture.project, 'PROD', { line: 2, character: 4 });
  assert.deepEqual(
    items.map((i) => [i.label, (i.textEdit as { newText: string }).newText]),
    [
      ['PROD_ONLY', 'PROD_ONLY='],
      ['PROD_TWO', 'PROD_TWO='],
    ],
  );
  assert.deepEqual(completeEnvKey(development, fixture.project, 'A=', { line: 0, character: 2 }), []);
  const alone = fixtureProject({ '.env.development': 'A=1\n' });
  assert.deepEqual(validateParity(alone.project.envFiles.get(alone.uri('.env.development'))!, alone.project, {}), []);
});
