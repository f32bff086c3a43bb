// Scenario 3: typing `{{secrets.` offers the project's keys; hovering a reference shows each environment's
// presence and never a value.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { UI_TIMEOUT, envKeys, envValues, withEditor } from './harness';

void test(
  '3. typing {{secrets. offers the keys; hover shows every environment and no value',
  { timeout: 240_000 },
  async () => {
    await withEditor({ name: '3-completion-hover' }, async (s) => {
      await s.openFile('agents/support.ts');
      // Wait for the language server to be up: its diagnostic on this file is what a person sees first.
      await s.waitForSquiggle('PAGERDUTY_ROUTING_KEY', 'warning');

      // Hover first, on the untouched file.
      await s.hoverText('PAGERDUTY_ROUTING_KEY');
      const hover = s.page.locator('.monaco-hover:visible', { hasText: 'production' }).first();
      await hover.waitFor();
      const hoverText = await hover.innerText();
      await s.screenshot('hover');
      const lines = hoverText.split('\n').map((l) => l.trim());
      const rowOf = (env: string) => lines.find((l) => new RegExp(`^${env}\\b`).test(l));
      for (const env of ['development', 'production', 'eval'])
        assert.ok(rowOf(env), `hover has a line for ${env}:\n${hoverText}`);
      assert.match(rowOf('development')!, /not set|✗/, `development: not set\n${hoverText}`);
      assert.match(rowOf('eval')!, /not set|✗/, `eval: not set\n${hoverText}`);
      assert.doesNotMatch(rowOf('production')!, /not set/, `production: set\n${hoverText}`);
      for (const value of [...envValues(s.file('.env.development')), ...envValues(s.file('.env.production'))]) {
        assert.ok(!hoverText.includes(value), `the hover shows no value (found "${value}"):\n${hoverText}`);
      }
      await s.page.keyboard.press('Escape');

      // Completion: a new prompt line, typed as a person types it.
      await s.clickAfter('Never reveal internal identifiers.');
      await s.page.keyboard.press('End');
      await s.page.keyboard.press('Enter');
      await s.page.keyboard.type('Escalate through {{secrets.');
      const suggest = s.page.locator('.editor-widget.suggest-widget');
      await suggest.locator('.monaco-list-row').first().waitFor({ timeout: UI_TIMEOUT });
      const labels = await suggest.locator('.monaco-list-row .label-name').allInnerTexts();
      await s.screenshot('completion');
      for (const key of envKeys(s.file('.env.development'))) {
        assert.ok(labels.map((l) => l.trim()).includes(key), `completion offers ${key}; offered: ${labels.join(', ')}`);
      }
      const shown = await suggest.innerText();
      for (const value of envValues(s.file('.env.development'))) {
        assert.ok(!shown.includes(value), `completion shows no value (found "${value}")`);
      }

      // Accepting one completes the reference.
      await s.page.keyboard.type('ESCAL');
      await suggest.locator('.monaco-list-row.focused', { hasText: 'ESCALATION_QUEUE' }).waitFor();
      await s.page.keyboard.press('Enter');
      await s.editorLine('Escalate through {{secrets.ESCALATION_QUEUE}}').waitFor();
      await s.waitForSquiggle('secrets.ESCALATION_QUEUE', 'warning', false);
      await s.screenshot();
    });
  },
);
