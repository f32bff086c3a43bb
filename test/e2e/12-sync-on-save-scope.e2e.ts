// Scenario 12: `struere.syncOnSave` uploads on save, so a repository must not be able to turn it on. With the
// setting only in the folder's `.vscode/settings.json`, a save sends nothing: a Sync Secrets run afterwards still
// creates every key (had the save synced, they would all be "updated"). The control: the same setting in the
// user's settings does sync on save, in the same editor build, so the first case is not passing by accident.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { envKeys, withEditor, type Session } from './harness';

const ADDED = 'SYNC_ON_SAVE_PROBE';

async function addKeyAndSave(s: Session): Promise<void> {
  await s.openFile('.env.development');
  await s.focusEditorEnd();
  await s.page.keyboard.type(`\n${ADDED}=probe-value-not-real\n`);
  await s.page.locator('.tabs-container .tab.active.dirty', { hasText: '.env.development' }).waitFor();
  await s.page.keyboard.press('Control+S');
  await s.page.locator('.tabs-container .tab.active:not(.dirty)', { hasText: '.env.development' }).waitFor();
  assert.match(fs.readFileSync(s.file('.env.development'), 'utf8'), new RegExp(`^${ADDED}=`, 'm'), 'saved to disk');
}

void test(
  '12a. struere.syncOnSave in the workspace settings: a save uploads nothing',
  { timeout: 240_000 },
  async () => {
    const settings = { workspace: { 'struere.syncOnSave': true } };
    await withEditor({ name: '12a-sync-on-save-workspace', localApi: true, settings }, async (s) => {
      await s.openFile('agents/support.ts');
      await s.environmentItem('development').waitFor();
      await s.setApiKey('development', 'sk_dev_local');
      await s.clearNotifications();

      await addKeyAndSave(s);
      // A sync on save would have started at the save, before this command, and held the sync lock first.
      await s.runCommand('Struere: Sync Secrets');
      const keys = envKeys(s.file('.env.development'));
      const summary = s.notification('synced', 'to development (+ eval)').first();
      await summary.waitFor();
      assert.match(
        await summary.innerText(),
        new RegExp(`${keys.length} created, 0 updated`),
        'every key was new to the API when the command ran: the save had sent nothing',
      );
      await s.screenshot();
    });
  },
);

void test('12b. control: struere.syncOnSave in the user settings syncs on save', { timeout: 240_000 }, async () => {
  const settings = { user: { 'struere.syncOnSave': true } };
  await withEditor({ name: '12b-sync-on-save-user', localApi: true, settings }, async (s) => {
    await s.openFile('agents/support.ts');
    await s.environmentItem('development').waitFor();
    await s.setApiKey('development', 'sk_dev_local');
    await s.clearNotifications();

    await addKeyAndSave(s);
    await s.statusBarItem('Struere: synced').first().waitFor();
    const held = await s.api!.namesByEnvironment();
    assert.deepEqual(held.development, envKeys(s.file('.env.development')), 'the save synced the file');
    assert.ok(held.development!.includes(ADDED));
    await s.screenshot();
  });
});
