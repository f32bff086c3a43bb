// Scenario 8: an invalid key line in .env.development gets an error squiggle (invalid-key), and the
// extension's grammar colours the file: keys, values and comments apart, the invalid key marked.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { withEditor } from './harness';

void test(
  '8. an invalid key in .env.development: error squiggle and Problems row; the grammar colours the file',
  { timeout: 240_000 },
  async () => {
    await withEditor({ name: '8-invalid-key-grammar' }, async (s) => {
      await s.openFile('.env.development');
      await s.focusEditorEnd();
      await s.page.keyboard.type('\n1BAD-KEY=x\n');

      await s.waitForSquiggle('1BAD-KEY', 'error');
      await s.showProblems();
      // The message describes the invalid name (it may be a pasted value) instead of quoting it.
      const row = s.problemRow('An 8-character name', 'invalid-key');
      assert.equal(await s.problemRow('1BAD-KEY', 'invalid-key').count(), 0, 'the row does not quote the name');
      await row.first().waitFor();
      assert.equal(
        await row.first().locator('.codicon-error').count(),
        1,
        `the row is an error: ${await row.first().innerText()}`,
      );
      // The valid lines around it are not flagged.
      await s.waitForSquiggle('COMPANY_NAME', 'error', false);

      // Colours a person sees: key, string and comment differ; the invalid key is painted unlike a valid one.
      // (The string is read off its quote: the extension may mask the value itself.)
      const key = await s.tokenColor('COMPANY_NAME=', 'COMPANY_NAME');
      const value = await s.tokenColor('COMPANY_NAME=', '"');
      const comment = await s.tokenColor('# the staging queue', '# the staging queue');
      const invalid = await s.tokenColor('1BAD-KEY=', '1BAD-KEY');
      const colours = { key, value, comment, invalid };
      assert.equal(new Set(Object.values(colours)).size, 4, `four distinct colours: ${JSON.stringify(colours)}`);
      await s.screenshot();
    });
  },
);
