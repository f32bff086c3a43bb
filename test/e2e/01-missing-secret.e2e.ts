// Scenario 1: open an agent file; the Problems panel lists `missing-secret` for the key that
// .env.development lacks, and the squiggle is drawn under the reference.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { withEditor } from './harness';

void test(
  '1. an agent file shows missing-secret for the key absent from development (Problems + squiggle)',
  { timeout: 240_000 },
  async () => {
    await withEditor({ name: '1-missing-secret' }, async (s) => {
      await s.openFile('agents/support.ts');
      await s.showProblems();

      const row = s.problemRow('PAGERDUTY_ROUTING_KEY', 'missing-secret');
      await row.first().waitFor();
      const text = await row.first().innerText();
      assert.match(text, /struere/, `the Problems row names its source: ${text}`);
      assert.match(text, /development/, `the Problems row names the environment: ${text}`);
      assert.equal(await row.first().locator('.codicon-warning').count(), 1, `the row is a warning: ${text}`);

      // Keys that .env.development has are not reported.
      for (const present of ['COMPANY_NAME', 'SUPPORT_EMAIL']) {
        assert.equal(
          await s.problemRow(present, 'missing-secret').count(),
          0,
          `${present} is set in development:\n${(await s.problemTexts()).join('\n')}`,
        );
      }

      await s.waitForSquiggle('PAGERDUTY_ROUTING_KEY', 'warning');
      await s.waitForSquiggle('secrets.COMPANY_NAME', 'warning', false);
      await s.screenshot();
    });
  },
);
