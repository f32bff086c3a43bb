// Scenario 10: F2 on a key in .env.development renames it everywhere in the project: the other .env file and
// every `{{secrets.KEY}}` reference; a notification says the platform still holds the old name (sync never
// deletes). No reference is left pointing at a missing key.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { withEditor } from './harness';

const OLD = 'SUPPORT_EMAIL';
const NEW = 'HELP_EMAIL';

void test(
  '10. F2 on SUPPORT_EMAIL in .env.development renames it in both .env files and the agent; sync never deletes',
  { timeout: 240_000 },
  async () => {
    await withEditor({ name: '10-rename' }, async (s) => {
      await s.openFile('agents/support.ts');
      await s.showProblems();
      // The language server is up: its diagnostic on the agent file is there.
      await s.problemRow('PAGERDUTY_ROUTING_KEY', 'missing-secret').first().waitFor();
      const missingBefore = await s.problemRow('missing-secret').count();

      await s.openFile('.env.development');
      await s.clickOn(OLD);
      await s.page.keyboard.press('F2');
      const input = s.page.locator('.rename-box input');
      await input.waitFor();
      assert.equal(await input.inputValue(), OLD, 'the rename box starts with the key');
      await input.fill(NEW);
      await s.screenshot('input');
      await input.press('Enter');
      await input.waitFor({ state: 'hidden' });

      const notice = s.notification('sync never deletes').first();
      await notice.waitFor();
      const noticeText = await notice.innerText();
      assert.match(
        noticeText,
        new RegExp(`platform still holds ${OLD}`),
        `the notification names the old key: ${noticeText}`,
      );
      await s.waitForDrawn({ includes: [`${NEW}=`], excludes: [`${OLD}=`] });
      await s.screenshot('renamed');

      // The agent file shows the new reference, without a squiggle.
      await s.openFile('agents/support.ts');
      await s.waitForDrawn({ includes: [`{{ secrets.${NEW} }}`], excludes: [OLD] });
      await s.waitForSquiggle(`secrets.${NEW}`, 'warning', false);
      await s.waitForSquiggle(`secrets.${NEW}`, 'error', false);

      // Save All, then read the files on disk.
      await s.runCommand('File: Save All Files');
      await s.page.locator('.tabs-container .tab.dirty').first().waitFor({ state: 'detached' });
      const agent = fs.readFileSync(s.file('agents/support.ts'), 'utf8');
      assert.ok(agent.includes(`{{ secrets.${NEW} }}`) && !agent.includes(OLD), `agents/support.ts on disk:\n${agent}`);
      for (const envFile of ['.env.development', '.env.production']) {
        const text = fs.readFileSync(s.file(envFile), 'utf8');
        assert.match(text, new RegExp(`^${NEW}=`, 'm'), `${envFile} has ${NEW}:\n${text}`);
        assert.doesNotMatch(text, new RegExp(`^${OLD}=`, 'm'), `${envFile} no longer has ${OLD}`);
      }

      // No new missing-secret: still only the one from before, none for either name.
      await s.problemRow(NEW).first().waitFor({ state: 'detached' });
      const problems = (await s.problemTexts()).join('\n');
      assert.equal(await s.problemRow(OLD, 'missing-secret').count(), 0, `no missing-secret for ${OLD}:\n${problems}`);
      assert.equal(await s.problemRow('missing-secret').count(), missingBefore, `no new missing-secret:\n${problems}`);
      await s.screenshot();
    });
  },
);
