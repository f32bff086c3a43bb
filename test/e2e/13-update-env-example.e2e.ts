// Scenario 12: Struere: Update .env.example from the command palette creates the template beside the env files:
// a notification names the keys added (no values), .env.example holds every key as `KEY=`, and no value of the
// env files is in it; adding a key to .env.development then brings an env-example row into the Problems panel.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { envKeys, envValues, withEditor } from './harness';

void test(
  '13. Update .env.example: the template gets every key with no value; a new key is reported missing from it',
  { timeout: 240_000 },
  async () => {
    await withEditor({ name: '13-update-env-example' }, async (s) => {
      await s.openFile('agents/support.ts');
      // Straight to the command: it also works when it is what activates the extension.
      await s.runCommand('Struere: Update .env.example');
      const done = s.notification('to .env.example (no values)').first();
      await done.waitFor();
      const shown = await done.innerText();

      const example = fs.readFileSync(s.file('.env.example'), 'utf8');
      const keys = [...new Set([...envKeys(s.file('.env.development')), ...envKeys(s.file('.env.production'))])];
      assert.deepEqual(envKeys(s.file('.env.example')).sort(), keys.sort());
      for (const value of [...envValues(s.file('.env.development')), ...envValues(s.file('.env.production'))]) {
        assert.ok(!example.includes(value), `.env.example holds no value:\n${example}`);
        assert.ok(!shown.includes(value), `the notification shows no value: ${shown}`);
      }
      await s.screenshot();

      // A key only in .env.development now: the template lacks it, and the Problems panel says so.
      fs.appendFileSync(s.file('.env.development'), 'NEW_ONLY_HERE=x\n');
      await s.showProblems();
      await s.problemRow('NEW_ONLY_HERE', 'env-example').first().waitFor();
      await s.screenshot('problem');
    });
  },
);
