import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';

// CONTRIBUTING.md's "Trying sync by hand against the local API", run as written: the local API started with the
// command it shows (on a free port instead of 8787, so parallel runs cannot collide), then its CLI block in bash
// with that port and a temp folder for /tmp/support-agent. The control runs the same block with a key the local
// API does not accept, which must fail: the block's success is the local API's doing.

const ROOT = path.resolve(__dirname, '../..');

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`## ${heading}\n`);
  assert.ok(start >= 0, `CONTRIBUTING.md has no "${heading}"`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

void test("CONTRIBUTING.md's sync by hand against the local API works as written", async (t) => {
  const text = section(
    readFileSync(path.join(ROOT, 'CONTRIBUTING.md'), 'utf8'),
    'Trying sync by hand against the local API',
  );
  const [startBlock, cliBlock] = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
  assert.ok(startBlock && cliBlock, 'expected a block that starts the local API and one that syncs');
  const startLine = /^node dist\/local-api\.js --port 8787 +# prints: (.*)$/m.exec(startBlock);
  assert.ok(startLine, startBlock);

  const server = spawn(process.execPath, ['dist/local-api.js', '--port', '0'], { cwd: ROOT, stdio: 'pipe' });
  t.after(() => server.kill());
  const [listening] = (await once(createInterface({ input: server.stdout }), 'line')) as [string];
  // The line the document says it prints, with the port it got.
  const port = /:(\d+)$/.exec(listening)?.[1];
  assert.equal(listening, startLine[1]!.replace('8787', port!));

  const work = mkdtempSync(path.join(tmpdir(), 'struere-sync-by-hand-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const runBlock = (key: string, folder: string) => {
    const script = cliBlock
      .replaceAll('8787', port!)
      .replaceAll('/tmp/support-agent', path.join(work, folder))
      .replaceAll('sk_dev_local', key);
    return spawnSync('bash', ['-e', '-c', script], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, STRUERE_SECRETS_STATE_DIR: path.join(work, `state-${folder}`) },
    });
  };

  const tried = runBlock('sk_dev_local', 'support-agent');
  assert.equal(tried.status, 0, tried.stderr);
  assert.match(tried.stdout, /plan: 8 to create, 0 to update/);
  assert.match(tried.stdout, /dry run: nothing was sent/);
  assert.match(tried.stdout, /synced 8 keys to development \(\+ eval\): 8 created/);
  assert.match(tried.stdout, /^COMPANY_NAME +local\+remote +local\+\? +local\+remote/m);

  // Control: a key the local API does not accept makes the same block fail.
  const refused = runBlock('sk_dev_unknown', 'refused');
  assert.notEqual(refused.status, 0);
  assert.doesNotMatch(refused.stdout, /synced 8 keys/);
});
