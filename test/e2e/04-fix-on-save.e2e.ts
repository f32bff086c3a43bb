// Scenario 4: add the missing key to .env.development and save; the missing-secret diagnostic goes away
// without reloading the window.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { withEditor } from './harness';

void test(
  '4. adding the missing key to .env.development and saving clears the diagnostic, no reload',
  { timeout: 240_000 },
  async () => {
    await withEditor({ name: '4-fix-on-save' }, async (s) => {
      await s.openFile('agents/support.ts');
      await s.showProblems();
      await s.problemRow('PAGERDUTY_ROUTING_KEY', 'missing-secret').first().waitFor();
      await s.waitForSquiggle('PAGERDUTY_ROUTING_KEY', 'warning');

      await s.openFile('.env.development');
      await s.focusEditorEnd();
      await s.page.keyboard.type('\nPAGERDUTY_ROUTING_KEY=dev-pagerduty-key-not-real\n');
      await s.page.locator('.tabs-container .tab.active.dirty', { hasText: '.env.development' }).waitFor();
      await s.page.keyboard.press('Control+S');
      await s.page.locator('.tabs-container .tab.active:not(.dirty)', { hasText: '.env.development' }).waitFor();

      await s.openFile('agents/support.ts');
      await s.problemRow('PAGERDUTY_ROUTING_KEY', 'missing-secret').first().waitFor({ state: 'detached' });
      await s.waitForSquiggle('PAGERDUTY_ROUTING_KEY', 'warning', false);
      assert.match(
        fs.readFileSync(s.file('.env.development'), 'utf8'),
        /^PAGERDUTY_ROUTING_KEY=dev-pagerduty-key-not-real$/m,
        'saved to disk',
      );
      assert.equal(
        await s.problemRow('missing-secret').count(),
        0,
        `no missing-secret left in development:\n${(await s.problemTexts()).join('\n')}`,
      );
      await s.screenshot();
    });
  },
);
