import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exampleSources, updateExampleText } from '../../../engine/core/features/envExample';
import { templateComment } from '../../../engine/core/features/templateComments';
import { fixtureProject } from '../../support/coreFixtures';

// The committed template copies a comment only when it holds no value of any env file of the project and no
// assignment shape; a commented-out entry of a valid key keeps its name alone.

const LOCAL = 'local-override-value'; // not credential-like: only the value rule leaves it out
const GHP = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';

void test('comments with a value of another env file, or shaped like an assignment, stay out of the template', () => {
  const fixture = fixtureProject({
    '.env.development': [
      '# Support agent',
      `# the local override is ${LOCAL}, keep in sync`,
      `# OLD_TOKEN: ${GHP}`,
      `## OLD_A=${GHP}`,
      `#OLD_B = ${GHP}`,
      `#  export OLD_C=${GHP}`,
      `# sk-proj-${GHP}=`,
      `# dashboard: https://admin:${GHP}@example.com`,
      `# ${GHP}`,
      'A=1',
      `sk-proj-${GHP}=x`,
      '',
    ].join('\n'),
    '.env.local': `OVERRIDE=${LOCAL}\n`,
  });
  const update = updateExampleText(undefined, exampleSources(fixture.project), fixture.project.envFiles.values());
  assert.equal(update.text, ['# Support agent', '# OLD_A=', '# OLD_B=', '# OLD_C=', 'A=', ''].join('\n'));
  assert.deepEqual(update.added, ['A']);
  assert.ok(!update.text.includes(LOCAL) && !update.text.includes(GHP));
});

void test('control: the same comments without the value or the assignment are copied, so the check can fail', () => {
  assert.equal(templateComment('# the local override, keep in sync', [LOCAL]), '# the local override, keep in sync');
  assert.equal(templateComment(`# the local override is ${LOCAL}`, []), `# the local override is ${LOCAL}`);
  assert.equal(templateComment(`# the local override is ${LOCAL}`, [LOCAL]), undefined);
  assert.equal(templateComment('# Options', []), '# Options');
  assert.equal(templateComment('# Options: fast or slow', []), undefined);
  assert.equal(templateComment('# rotated last week', []), '# rotated last week');
  assert.equal(templateComment(`# rotated last week: ${GHP.slice(0, 4)} ${GHP.slice(4)}`, []), undefined);
  assert.equal(templateComment(`# rotated last week ${GHP}`, []), undefined);
});
