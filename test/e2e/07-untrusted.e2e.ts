// Scenario 7: an untrusted workspace (workspace trust enabled, the folder never trusted): diagnostics still
// show; Sync Secrets is refused and nothing reaches the API.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { withEditor } from './harness';

void test('7. untrusted workspace: diagnostics show, sync is refused', { timeout: 240_000 }, async () => {
  await withEditor({ name: '7-untrusted', trust: 'untrusted', localApi: true }, async (s) => {
    await s.statusBarItem('Restricted Mode').first().waitFor();
    await s.openFile('agents/support.ts');
    await s.showProblems();
    await s.problemRow('PAGERDUTY_ROUTING_KEY', 'missing-secret').first().waitFor();
    await s.waitForSquiggle('PAGERDUTY_ROUTING_KEY', 'warning');

    await s.runCommand('Struere: Sync Secrets');
    const refused = s.notification('sync refused', 'not trusted').first();
    await refused.waitFor();
    await s.screenshot();
    const held = await s.api!.namesByEnvironment();
    assert.deepEqual(held, { development: [], production: [], eval: [] }, 'nothing was sent');
  });
});
