// Scenario 16: the extension in German. code-server runs with `--locale de` and a stub German language pack of
// our own (languagePack.ts: it translates nothing of VS Code, so every German word on screen is ours). Seen on
// screen: a command title from package.nls.de.json in the palette, the cloak's status bar text and a
// notification from l10n/bundle.l10n.de.json. Controls: their English texts are not on screen.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { withEditor } from './harness';

void test(
  '16. In German (--locale de): translated command titles, status bar text and notification on screen',
  { timeout: 240_000 },
  async () => {
    await withEditor({ name: '16-language', locale: 'de' }, async (s) => {
      await s.openFile('agents/support.ts');
      await s.environmentItem('development').waitFor();

      // A notification (l10n bundle), reached through a translated command title (package.nls.de.json).
      await s.runCommand('Struere: Secret-Werte ein-/ausblenden');
      await s.notification('wirkt auf eine .env-Datei: Öffnen Sie zuerst eine.').first().waitFor();
      // Control: the same notification's English text is not on screen.
      assert.equal(await s.notification('works on an .env file').count(), 0, 'the English notification is not shown');
      await s.screenshot('notification');

      // The cloak's status bar item (l10n bundle); control: not its English text.
      await s.openFile('.env.development');
      await s.statusBarItem('Werte verborgen').first().waitFor();
      assert.equal(await s.statusBarItem('Values hidden').count(), 0, 'the English status text is not shown');
      await s.screenshot('status');
    });
  },
);
