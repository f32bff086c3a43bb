// Scenario 5: Set API Key through the command palette, then Sync Secrets: a summary notification, and the
// local API server holds .env.development's keys in development and (mirrored) in eval.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { envKeys, envValues, withEditor } from './harness';

void test(
  '5. Set API Key, then Sync Secrets: a summary notification; the API holds the keys in development and eval',
  { timeout: 240_000 },
  async () => {
    await withEditor({ name: '5-sync', localApi: true }, async (s) => {
      await s.openFile('agents/support.ts');
      await s.environmentItem('development').waitFor();

      await s.setApiKey('development', 'sk_dev_local');
      await s.screenshot('key-saved');
      await s.clearNotifications();

      await s.runCommand('Struere: Sync Secrets');
      const summary = s.notification('synced', 'to development (+ eval)').first();
      await summary.waitFor();
      const text = await summary.innerText();
      for (const value of envValues(s.file('.env.development')))
        assert.ok(!text.includes(value), `the summary shows no value: ${text}`);
      await s.screenshot();

      // For the docs: the summary alone (the progress toast gone), expanded to its whole text.
      await s.notification('syncing').first().waitFor({ state: 'detached' });
      await s.dismissHovers();
      await summary.hover();
      await summary.locator('.codicon-notifications-expand').click();
      await summary.locator('.codicon-notifications-collapse').waitFor();
      await s.screenshot('summary');

      const keys = envKeys(s.file('.env.development'));
      const held = await s.api!.namesByEnvironment();
      assert.deepEqual(held.development, keys, 'development holds the keys of .env.development');
      assert.deepEqual(held.eval, keys, 'eval mirrors development');
      assert.deepEqual(held.production, [], 'production is untouched');
    });
  },
);
