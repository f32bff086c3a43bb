// Scenario 2: the status bar shows the selected environment (`$(key) development`); switching to production
// through it changes the diagnostics to match production.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { withEditor } from './harness';

void test(
  '2. the status bar shows development; switching to production through it changes the diagnostics',
  { timeout: 240_000 },
  async () => {
    await withEditor({ name: '2-environment-switch' }, async (s) => {
      await s.openFile('agents/support.ts');
      await s.showProblems();
      await s.problemRow('PAGERDUTY_ROUTING_KEY', 'missing-secret').first().waitFor();

      const development = s.environmentItem('development');
      await development.waitFor();
      await s.screenshot('development');
      await s.click(development);
      for (const env of ['development', 'production', 'eval']) await s.quickPickRow(env).waitFor();
      await s.screenshot('quick-pick');
      await s.pickQuick('production');
      await s.environmentItem('production').waitFor();

      // production has PAGERDUTY_ROUTING_KEY (.env.production) but not SANDBOX_CUSTOMER_ID (agents/billing.ts).
      await s.problemRow('PAGERDUTY_ROUTING_KEY', 'missing-secret').first().waitFor({ state: 'detached' });
      const sandbox = s.problemRow('SANDBOX_CUSTOMER_ID', 'missing-secret');
      await sandbox.first().waitFor();
      assert.match(await sandbox.first().innerText(), /production/, 'the row names production');
      assert.equal(
        await s.problemRow('missing-secret').count(),
        1,
        `only SANDBOX_CUSTOMER_ID is missing in production:\n${(await s.problemTexts()).join('\n')}`,
      );
      await s.waitForSquiggle('PAGERDUTY_ROUTING_KEY', 'warning', false);

      await s.openFile('agents/billing.ts');
      await s.waitForSquiggle('SANDBOX_CUSTOMER_ID', 'warning');
      await s.screenshot();
    });
  },
);
