import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// `struere-secrets example` (built CLI) writes .env.example only as a regular file inside the project: a committed
// link there (to a file outside, or to an env file inside), a FIFO or a folder is refused with the path and the
// reason, exit 1, nothing written, nothing hanging. Every run is bounded: a hang fails instead of hanging.

const LIMIT = { limitMs: 20_000 };

function project(t: { after: (fn: () => void) => void }) {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.gitignore': '.env.*\n!.env.example\n',
    '.env.development': 'FROM_REPOSITORY=1\nSECOND=2\n',
  });
  const outside = mkdtempSync(path.join(tmpdir(), 'struere-victim-'));
  t.after(() => {
    ws.dispose();
    rmSync(outside, { recursive: true, force: true });
  });
  return { ws, victim: path.join(outside, 'authorized_keys') };
}

test('example refuses a link, a FIFO and a folder at .env.example, naming the path and why', async (t) => {
  const { ws, victim } = project(t);
  writeFileSync(victim, 'ssh-ed25519 AAAA… user@host\n');
  symlinkSync(victim, ws.path('.env.example'));
  const link = await runCli(['example', ws.dir], LIMIT);
  assert.ok(!link.hung, 'hung');
  assert.equal(link.code, 1, link.stderr);
  assert.match(link.stderr, /\.env\.example not written: it is a link, which is never written through/);
  assert.equal(readFileSync(victim, 'utf8'), 'ssh-ed25519 AAAA… user@host\n', 'the file outside was changed');

  rmSync(ws.path('.env.example'));
  symlinkSync('.env.development', ws.path('.env.example'));
  const inside = await runCli(['example', ws.dir], LIMIT);
  assert.equal(inside.code, 1, inside.stderr);
  assert.equal(readFileSync(ws.path('.env.development'), 'utf8'), 'FROM_REPOSITORY=1\nSECOND=2\n');

  rmSync(ws.path('.env.example'));
  execFileSync('mkfifo', [ws.path('.env.example')]);
  const fifo = await runCli(['example', ws.dir], LIMIT);
  assert.ok(!fifo.hung, 'a FIFO at .env.example made example hang');
  assert.equal(fifo.code, 1, fifo.stderr);
  assert.match(fifo.stderr, /\.env\.example not written: it is a FIFO \(named pipe\), not a regular file/);

  rmSync(ws.path('.env.example'));
  mkdirSync(ws.path('.env.example'));
  const folder = await runCli(['example', ws.dir], LIMIT);
  assert.equal(folder.code, 1, folder.stderr);
  assert.match(folder.stderr, /\.env\.example not written: it is a folder, not a regular file/);
  assert.doesNotMatch(folder.stderr, /^\s+at /m, 'a stack trace');
});

test('control: with a regular .env.example (or none) the same project is written', async (t) => {
  const { ws } = project(t);
  const created = await runCli(['example', ws.dir], LIMIT);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(readFileSync(ws.path('.env.example'), 'utf8'), 'FROM_REPOSITORY=\nSECOND=\n');
  writeFileSync(ws.path('.env.example'), 'FROM_REPOSITORY=\n');
  const updated = await runCli(['example', ws.dir], LIMIT);
  assert.equal(updated.code, 0, updated.stderr);
  assert.equal(readFileSync(ws.path('.env.example'), 'utf8'), 'FROM_REPOSITORY=\nSECOND=\n');
});
