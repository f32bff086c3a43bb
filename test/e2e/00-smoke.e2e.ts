// Smoke: the real workbench opens the example project. Independent of the extension, so a failure here
// points at the editor setup (provisioning, code-server, Chromium), not at the extension.
import { test } from 'node:test';
import { withEditor } from './harness';

void test(
  '0. the workbench opens the example project (Explorer lists struere.json)',
  { timeout: 180_000 },
  async () => {
    await withEditor({ name: '0-smoke', extension: false }, async (s) => {
      for (const name of ['agents', 'prompts', 'tools', '.env.development', '.env.production', 'struere.json']) {
        await s.explorerRow(name).waitFor();
      }
      // Quick open (Ctrl+P, the path, Enter), the way every scenario opens files; also a file git ignores, which
      // quick open's file search does not list.
      await s.openFile('agents/support.ts');
      await s.editorLine('{{secrets.PAGERDUTY_ROUTING_KEY}}').waitFor();
      await s.openFile('.env.development');
      await s.editorLine('COMPANY_NAME=').waitFor();
      await s.openFile('agents/support.ts');
      await s.editorLine('{{secrets.PAGERDUTY_ROUTING_KEY}}').waitFor();
      await s.screenshot();
      // The command palette path the scenarios use (F1, a title, its row) runs a real command.
      await s.runCommand('View: Close All Editors');
      await s.page.locator('.tabs-container .tab').first().waitFor({ state: 'detached' });
    });
  },
);
