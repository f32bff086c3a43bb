// Scenario 15: the getting-started walkthrough (Struere: Get Started). Each step is checked by the real event:
// the project indexed, an environment picked through the switch, an API key stored, a missing secret fixed in
// .env.development, a sync and a deploy against the local API. Controls: steps whose event has not happened stay
// unchecked — in particular switching to production, where the missing key happens to be set, makes its
// diagnostic go away without checking "See a missing secret and fix it".
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { envKeys, withEditor, type Session } from './harness';

const STEPS = {
  open: 'Open a Struere project',
  environment: 'Pick the environment',
  apiKey: 'Set an API key',
  fix: 'See a missing secret and fix it',
  sync: 'Sync to development',
  deploy: 'Deploy to production',
} as const;

/** Brings the walkthrough to the front (as a person would, through the palette), reads which steps are checked. */
async function checkedSteps(s: Session, waitFor?: string): Promise<string[]> {
  await s.runCommand('Struere: Get Started');
  const step = (title: string) => s.page.locator('.getting-started-step:visible', { hasText: title }).first();
  await step(STEPS.open).waitFor();
  if (waitFor) await step(waitFor).locator('.codicon-getting-started-step-checked').waitFor();
  const checked: string[] = [];
  for (const title of Object.values(STEPS))
    if ((await step(title).locator('.codicon-getting-started-step-checked').count()) > 0) checked.push(title);
  // Back to an editor: a visible walkthrough moves the focus to its next step, which would close a quick pick.
  await s.openFile('agents/support.ts');
  return checked;
}

void test(
  '15. The walkthrough: each step is checked by its real event; steps whose event did not happen stay unchecked',
  { timeout: 420_000 },
  async () => {
    await withEditor({ name: '15-walkthrough', localApi: true }, async (s) => {
      await s.openFile('agents/support.ts');
      await s.environmentItem('development').waitFor();
      assert.deepEqual(await checkedSteps(s, STEPS.open), [STEPS.open], 'only the project step, once it is indexed');
      await s.screenshot('opened');

      // Control: production has PAGERDUTY_ROUTING_KEY, so its missing-secret row goes away — not a fix.
      await s.showProblems();
      await s.problemRow('PAGERDUTY_ROUTING_KEY', 'missing-secret').first().waitFor();
      await s.click(s.environmentItem('development'));
      await s.pickQuick('production');
      await s.environmentItem('production').waitFor();
      await s.problemRow('PAGERDUTY_ROUTING_KEY', 'missing-secret').first().waitFor({ state: 'detached' });
      assert.deepEqual(await checkedSteps(s, STEPS.environment), [STEPS.open, STEPS.environment]);

      await s.click(s.environmentItem('production'));
      await s.pickQuick('development');
      await s.environmentItem('development').waitFor();
      await s.problemRow('PAGERDUTY_ROUTING_KEY', 'missing-secret').first().waitFor();

      await s.setApiKey('development', 'sk_dev_local');
      await s.clearNotifications();
      assert.deepEqual(await checkedSteps(s, STEPS.apiKey), [STEPS.open, STEPS.environment, STEPS.apiKey]);

      // The fix: the key added to .env.development and saved; its missing-secret row goes away in development.
      await s.openFile('.env.development');
      await s.focusEditorEnd();
      await s.page.keyboard.type('\nPAGERDUTY_ROUTING_KEY=dev-pagerduty-key-not-real\n');
      await s.page.keyboard.press('Control+S');
      await s.page.locator('.tabs-container .tab.active:not(.dirty)', { hasText: '.env.development' }).waitFor();
      await s.problemRow('PAGERDUTY_ROUTING_KEY', 'missing-secret').first().waitFor({ state: 'detached' });
      assert.deepEqual(await checkedSteps(s, STEPS.fix), [STEPS.open, STEPS.environment, STEPS.apiKey, STEPS.fix]);

      await s.runCommand('Struere: Sync Secrets');
      await s.notification('synced', 'to development (+ eval)').first().waitFor();
      await s.clearNotifications();
      const beforeDeploy = await checkedSteps(s, STEPS.sync);
      assert.ok(!beforeDeploy.includes(STEPS.deploy), 'deploy stays unchecked until a deploy succeeded');
      assert.equal(beforeDeploy.length, 5);
      await s.screenshot('synced');

      await s.setApiKey('production', 'sk_prod_local');
      await s.clearNotifications();
      await s.runCommand('Struere: Deploy Secrets');
      const keys = envKeys(s.file('.env.production'));
      const confirm = s.dialog.filter({ hasText: `Deploy ${keys.length} keys to production?` });
      await confirm.waitFor();
      await s.click(confirm.locator('.monaco-button', { hasText: /^\s*Deploy\s*$/ }));
      await s
        .notification(/\bdeployed\b/, 'to production')
        .first()
        .waitFor();
      assert.deepEqual(await checkedSteps(s, STEPS.deploy), Object.values(STEPS), 'every step checked');
      assert.deepEqual((await s.api!.namesByEnvironment()).production, keys, 'the deploy reached production');
      await s.screenshot('done');
    });
  },
);
