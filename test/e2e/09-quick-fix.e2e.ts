// Scenario 9: the quick fix menu on a missing-secret squiggle offers to add the key to .env.development and to
// switch to production (where it is set); adding it opens .env.development with `KEY=` on a new last line and
// the cursor after `=`; once saved, the Problems panel no longer lists the missing-secret row.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { withEditor } from './harness';

const KEY = 'PAGERDUTY_ROUTING_KEY';

void test(
  '9. quick fix on missing-secret: Add PAGERDUTY_ROUTING_KEY to .env.development; the cursor waits after =',
  { timeout: 240_000 },
  async () => {
    await withEditor({ name: '9-quick-fix' }, async (s) => {
      const linesBefore = fs
        .readFileSync(s.file('.env.development'), 'utf8')
        .split('\n')
        .filter((l) => l !== '');
      await s.openFile('agents/support.ts');
      await s.showProblems();
      await s.problemRow(KEY, 'missing-secret').first().waitFor();
      await s.waitForSquiggle(KEY, 'warning');

      // The cursor on the key, the lightbulb on its line: the quick fix menu.
      await s.openQuickFixMenu(KEY);
      const menu = s.page.locator('.action-widget');
      const action = (title: string) => menu.locator('.monaco-list-row').filter({ hasText: title });
      const add = action(`Add ${KEY} to .env.development`);
      await add.first().waitFor();
      await action(`Switch to production (${KEY} is set there)`).first().waitFor();
      const offered = await menu.locator('.monaco-list-row').allInnerTexts();
      assert.equal(
        offered.filter((t) => t.includes('.env.production')).length,
        0,
        `production has the key already, so no "Add to .env.production": ${offered.join(' | ')}`,
      );
      await s.screenshot('menu');
      await s.applyCodeAction(`Add ${KEY} to .env.development`);
      await add.first().waitFor({ state: 'hidden' });

      // .env.development is in front, edited (not yet saved), the new key on a new last line, the cursor after `=`.
      await s.page.locator('.tabs-container .tab.active.dirty', { hasText: '.env.development' }).waitFor();
      const line = linesBefore.length + 1;
      await s
        .statusBarItem(`Ln ${line}, Col ${KEY.length + 2}`)
        .first()
        .waitFor();
      await s.waitForDrawn({ includes: [`${KEY}=`] });
      const drawn = await s.drawnLines();
      const lastText = drawn.filter((l) => l.trim() !== '').pop();
      assert.equal(lastText, `${KEY}=`, `the new last line:\n${drawn.join('\n')}`);
      assert.equal(drawn[line - 1], `${KEY}=`, `line ${line} holds the new key:\n${drawn.join('\n')}`);
      await s.page.locator('.editor-group-container.active .monaco-editor.focused').first().waitFor();
      await s.screenshot('added');

      // Saved: on disk as the last line, and the Problems row is gone.
      await s.page.keyboard.press('Control+S');
      await s.page.locator('.tabs-container .tab.active:not(.dirty)', { hasText: '.env.development' }).waitFor();
      const onDisk = fs.readFileSync(s.file('.env.development'), 'utf8');
      assert.deepEqual(
        onDisk.split('\n').filter((l) => l !== ''),
        [...linesBefore, `${KEY}=`],
        `saved with the key as the new last line:\n${onDisk}`,
      );
      await s.problemRow(KEY, 'missing-secret').first().waitFor({ state: 'detached' });
      assert.equal(
        await s.problemRow('missing-secret').count(),
        0,
        `no missing-secret left in development:\n${(await s.problemTexts()).join('\n')}`,
      );
      await s.screenshot();
    });
  },
);
