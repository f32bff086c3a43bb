// Scenario 16: the leak commands as a person uses them.
// - Struere: Copy Redacted copies the selection with every env value replaced by [SECRET:KEY]; read back from the
//   page's clipboard. Control: a plain copy of the same selection holds the value, so the check can fail.
// - The hardcoded-secret quick fix "Move to .env.development as NAME": the input box suggests the name; afterwards
//   the literal is the reference, .env.development holds the entry (saved) and git ignores the file. Control: git
//   did not ignore it before the fix.
// No value is printed: the checks compare with `includes`, and their messages name keys only.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'dotenv';
import { UI_TIMEOUT, withEditor, type Session } from './harness';

/** A GitHub-shaped token (made up) that secretlint's recommended preset recognises. */
const TOKEN = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';

const TOOL = `import { defineTool } from 'struere';

export const listIssues = defineTool({
  name: 'list_issues',
  description: 'Lists the open issues of the support repository.',
  parameters: {},
  async handler() {
    const token = "${TOKEN}";
    const response = await fetch('https://api.github.com/repos/acme/support/issues', {
      headers: { authorization: \`Bearer \${token}\` },
    });
    return { issues: await response.json() };
  },
});
`;

async function clipboard(s: Session): Promise<string> {
  return (await s.page.evaluate('navigator.clipboard.readText()')) as string;
}

/** Whether git (the workspace's own repository) ignores `rel`. */
function gitIgnores(s: Session, rel: string): boolean {
  const result = spawnSync('git', ['check-ignore', '-q', rel], { cwd: s.workspace, timeout: 30_000 });
  if (result.status !== 0 && result.status !== 1) throw new Error(`git check-ignore ${rel}: exit ${result.status}`);
  return result.status === 0;
}

/** Waits (on the folder's change events, bounded) until `check` holds for the text of `file` on disk. */
async function waitForFileOnDisk(file: string, what: string, check: (text: string) => boolean): Promise<void> {
  const holds = () => fs.existsSync(file) && check(fs.readFileSync(file, 'utf8'));
  if (holds()) return;
  const watcher = fs.watch(path.dirname(file));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}: not on disk within ${UI_TIMEOUT} ms`)), UI_TIMEOUT);
      watcher.on('change', () => {
        if (!holds()) return;
        clearTimeout(timer);
        resolve();
      });
      // A write that landed between the first check and the watcher starting.
      if (holds()) {
        clearTimeout(timer);
        resolve();
      }
    });
  } finally {
    watcher.close();
  }
}

/** Selects the whole line of the active editor that shows `text` (Home, Shift+End). */
async function selectLine(s: Session, text: string): Promise<void> {
  await s.clickOn(text);
  await s.page.keyboard.press('Home');
  await s.page.keyboard.press('Shift+End');
}

void test(
  '18. Copy Redacted puts [SECRET:KEY] in the clipboard (a plain copy holds the value); Move to .env.development as NAME',
  { timeout: 300_000 },
  async () => {
    await withEditor({ name: '18-leak-commands' }, async (s) => {
      const origin = new URL(s.page.url()).origin;
      await s.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
      const value = parse(fs.readFileSync(s.file('.env.development'), 'utf8')).ORDERS_API_TOKEN;
      assert.ok(value && value.length >= 6, 'the example sets ORDERS_API_TOKEN (6+ characters)');
      fs.writeFileSync(
        s.file('prompts/incident.md'),
        `# Incident notes\nThe order lookup failed with ${value} at 10:02, retried twice.\n`,
      );
      // The env files committed (no .gitignore entry), so the quick fix has to add one.
      fs.writeFileSync(s.file('.gitignore'), 'node_modules/\ndist/\n');
      fs.writeFileSync(s.file('tools/listIssues.ts'), TOOL);
      await s.environmentItem().first().waitFor();
      // The server has read the new .gitignore when it warns that git would commit the env files.
      await s.showProblems();
      await s.problemRow('not-gitignored').first().waitFor();

      // Copy Redacted, after a plain copy of the same selection (the control).
      await s.openFile('prompts/incident.md');
      await selectLine(s, 'The order lookup failed');
      await s.page.keyboard.press('Control+C');
      const plain = await clipboard(s);
      assert.ok(plain.includes('The order lookup failed'), 'the plain copy holds the selected line');
      assert.ok(plain.includes(value), 'control: the plain copy holds the value of ORDERS_API_TOKEN');
      // The palette opened straight away: Session.runCommand presses Escape first, which clears the selection.
      await s.page.keyboard.press('F1');
      await s.quickInput.locator('input.input').fill('>Struere: Copy Redacted');
      await s.pickQuick('Struere: Copy Redacted');
      await s.notification('copied the selection redacted (env values replaced by [SECRET:KEY])').first().waitFor();
      const redacted = await clipboard(s);
      assert.ok(!redacted.includes(value), 'Copy Redacted left the value of ORDERS_API_TOKEN in the clipboard');
      assert.equal(
        redacted,
        plain.replace(value, '[SECRET:ORDERS_API_TOKEN]'),
        'the redacted copy is the selection with only the value replaced',
      );
      await s.clearNotifications();

      // Move to .env.development as NAME, from the hardcoded-secret squiggle.
      assert.equal(gitIgnores(s, '.env.development'), false, 'control: git does not ignore .env.development yet');
      await s.openFile('tools/listIssues.ts');
      await s.waitForSquiggle(TOKEN, 'error');
      await s.openQuickFixMenu(TOKEN);
      await s.applyCodeAction('Move to .env.development as GITHUB_TOKEN');
      const name = s.quickInput.locator('input.input');
      await name.waitFor();
      assert.equal(await name.inputValue(), 'GITHUB_TOKEN', 'the input box suggests the name from the kind');
      await name.press('Enter');

      await s.waitForDrawn({ includes: ['const token = context.secrets.GITHUB_TOKEN;'], excludes: [TOKEN] });
      await s.page.locator('.tabs-container .tab.dirty', { hasText: 'listIssues.ts' }).waitFor();
      // Saved by the command, .gitignore first.
      await waitForFileOnDisk(s.file('.gitignore'), '.gitignore lists .env.development', (text) =>
        text.split('\n').includes('.env.development'),
      );
      await waitForFileOnDisk(s.file('.env.development'), '.env.development sets GITHUB_TOKEN', (text) =>
        text.includes('GITHUB_TOKEN='),
      );
      const env = parse(fs.readFileSync(s.file('.env.development'), 'utf8'));
      assert.ok(env.GITHUB_TOKEN === TOKEN, '.env.development (saved) sets GITHUB_TOKEN to the moved value');
      assert.ok(env.ORDERS_API_TOKEN === value, '.env.development keeps ORDERS_API_TOKEN as it was');
      assert.ok(gitIgnores(s, '.env.development'), 'git ignores .env.development after the fix');
      await s.problemRow('hardcoded-secret').first().waitFor({ state: 'detached' });
      await s.screenshot();
    });
  },
);
