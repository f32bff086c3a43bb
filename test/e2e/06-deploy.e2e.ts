// Scenario 6: Deploy Secrets with only a development key is refused with a clear message; with a production
// key a modal asks for confirmation, then the keys are deployed.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { envKeys, withEditor } from './harness';

void test(
  '6. deploy is refused without a production key; with one, a modal confirms, then it deploys',
  { timeout: 240_000 },
  async () => {
    await withEditor({ name: '6-deploy', localApi: true }, async (s) => {
      await s.openFile('agents/support.ts');
      await s.environmentItem('development').waitFor();
      await s.setApiKey('development', 'sk_dev_local');
      await s.clearNotifications();

      await s.runCommand('Struere: Deploy Secrets');
      const refused = s.notification('deploy refused').first();
      await refused.waitFor();
      assert.equal(
        await refused.locator('.codicon-error').count(),
        1,
        `an error notification: ${await refused.innerText()}`,
      );
      assert.equal(await s.dialog.count(), 0, 'no confirmation is asked when deploy is refused');
      await s.screenshot('refused');
      assert.deepEqual((await s.api!.namesByEnvironment()).production, [], 'nothing reached production');
      await s.clearNotifications();

      await s.setApiKey('production', 'sk_prod_local');
      await s.clearNotifications();
      await s.runCommand('Struere: Deploy Secrets');
      const keys = envKeys(s.file('.env.production'));
      const confirm = s.dialog.filter({ hasText: `Deploy ${keys.length} keys to production?` });
      await confirm.waitFor();
      await s.screenshot('confirm');
      await s.click(confirm.locator('.monaco-button', { hasText: /^\s*Deploy\s*$/ }));
      await confirm.waitFor({ state: 'detached' });
      // The deploy reports back when it is done (`deployed …`, as sync reports `synced …`), not only the progress.
      await s
        .notification(/\bdeployed\b/, 'to production')
        .first()
        .waitFor();
      await s.screenshot();

      const held = await s.api!.namesByEnvironment();
      assert.deepEqual(held.production, keys, 'production holds the keys of .env.production');
      assert.deepEqual(held.development, [], 'development untouched by a deploy');
    });
  },
);
