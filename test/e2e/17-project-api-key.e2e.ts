// Scenario 17: an API key for one project wins over the key for all projects, and it is the one sync sends.
// The key for all projects is one the local API rejects (stored unverified: its verification is made to fail
// by dropped connections, and the person picks "Save Anyway"); the project's own key is the accepted
// sk_dev_local. Sync succeeds, so the project key was sent. Control: with the project key cleared, the same
// sync is refused by the API (401) and writes nothing. The status bar tooltip names the scope, never the key.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { envKeys, UI_TIMEOUT, withEditor, type Session } from './harness';

async function keyTooltip(s: Session, expected: string): Promise<string> {
  await s.moveMouseAway();
  await s.environmentItem('development').hover();
  const hover = s.page.locator('.monaco-hover:visible, .workbench-hover:visible', { hasText: expected }).first();
  await hover.waitFor({ timeout: UI_TIMEOUT });
  return hover.innerText();
}

void test(
  "17. A project's own API key wins over the key for all projects: sync sends it; cleared, the shared key is refused",
  { timeout: 300_000 },
  async () => {
    await withEditor({ name: '17-project-api-key', localApi: true }, async (s) => {
      const api = s.api!;
      await s.openFile('agents/support.ts');
      await s.environmentItem('development').waitFor();

      await s.setApiKey('development', 'sk_dev_local', 'Project support-agent');
      const own = await keyTooltip(s, "this project's own key");
      assert.ok(own.includes('API keys of project support-agent'), own);
      assert.ok(!own.includes('sk_dev_local'), 'the tooltip names the scope, never the key');
      await s.clearNotifications();

      // The key for all projects: another organisation's, which this API does not accept.
      await api.configureFaults({ dropNext: { count: 2, afterApply: false } });
      await s.runCommand('Struere: Set API Key');
      await s.pickQuick('development');
      await s.pickQuick('All projects');
      await s.enterPassword('sk_dev_other_organisation');
      const offline = s.notification('to verify the key').first();
      await offline.waitFor();
      await s.click(offline.getByRole('button', { name: 'Save Anyway' }));
      await s.notification('saved for all projects (not verified)').first().waitFor();
      await api.configureFaults({ reset: true });
      await s.clearNotifications();

      await s.runCommand('Struere: Sync Secrets');
      await s.notification('synced', 'to development (+ eval)').first().waitFor();
      const keys = envKeys(s.file('.env.development'));
      assert.deepEqual((await api.namesByEnvironment()).development, keys, 'the sync with the project key wrote');
      await s.screenshot('synced-with-project-key');
      await s.clearNotifications();

      // Control: clear the project's key; the key for all projects is now the one used, and the API refuses it.
      await s.runCommand('Struere: Clear API Key');
      await s.pickQuick('development');
      await s.pickQuick('Project support-agent');
      await s.notification('cleared for project support-agent').first().waitFor();
      const shared = await keyTooltip(s, 'the key for all projects');
      assert.ok(!shared.includes('sk_dev_other_organisation'), 'the tooltip names the scope, never the key');
      await s.clearNotifications();
      await s.runCommand('Struere: Sync Secrets');
      await s.notification('the API key was rejected (401)').first().waitFor();
      await s.screenshot('refused-with-shared-key');
    });
  },
);
