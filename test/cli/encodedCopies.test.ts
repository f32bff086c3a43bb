import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// `run` and `redact` through the built CLI: encoded copies of a credential value are replaced like the value.

// A made-up credential of realistic shape; its `/` and `+` make the percent-encoding and base64url differ.
const TOKEN = 'Zq8Rt2Lm9Xv4Kp7Wn3Bd/6Hs1Jf5Gc0Ty+';
const LIMIT = { limitMs: 30_000 };

function project(t: { after: (fn: () => void) => void }) {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.env.development': `API_TOKEN=${TOKEN}\nPORT=3000\nMODE=production\n`,
  });
  t.after(() => ws.dispose());
  return ws;
}

/** What a child prints: a Basic-auth header, a URL query, a JSON body and a hex dump of the token, and the port. */
const PRINT_COPIES =
  'const t = process.env.API_TOKEN; ' +
  'console.log("Authorization: Basic " + Buffer.from("svc-user:" + t).toString("base64")); ' +
  'console.log("GET /?key=" + encodeURIComponent(t) + "&port=" + process.env.PORT); ' +
  'console.log(JSON.stringify({ key: t }).replace(/\\//g, "\\\\/")); ' +
  'console.error("dump " + Buffer.from(t).toString("hex") + " " + Buffer.from(process.env.MODE).toString("hex"));';

void test('run: encoded copies of a value in the child output become [SECRET:KEY]; ordinary values stay', async (t) => {
  const ws = project(t);
  const result = await runCli(['run', ws.dir, '--', process.execPath, '-e', PRINT_COPIES], LIMIT);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  // The header keeps what encodes the user name alone; the characters mixing it with the token are covered.
  assert.match(lines[0]!, /^Authorization: Basic [A-Za-z0-9+/]{0,12}\[SECRET:API_TOKEN\]$/);
  assert.equal(lines[1], 'GET /?key=[SECRET:API_TOKEN]&port=3000');
  assert.equal(lines[2], '{"key":"[SECRET:API_TOKEN]"}');
  // The hex of `production` is an ordinary value's copy: left alone.
  assert.equal(result.stderr, `dump [SECRET:API_TOKEN] ${Buffer.from('production').toString('hex')}\n`);

  // Control: without redaction the same child prints every encoded copy, so the checks above can fail.
  const plain = await runCli(['run', ws.dir, '--no-redact', '--', process.execPath, '-e', PRINT_COPIES], LIMIT);
  assert.ok(plain.stdout.includes(encodeURIComponent(TOKEN)));
  assert.ok(plain.stderr.includes(Buffer.from(TOKEN).toString('hex')));
});

void test('redact: a base64url and a percent-encoded copy on stdin are replaced', async (t) => {
  const ws = project(t);
  const input = `jwt-ish ${Buffer.from(TOKEN).toString('base64url')}\nq=${encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())}\n`;
  const result = await runCli(['redact', ws.dir], { ...LIMIT, input });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'jwt-ish [SECRET:API_TOKEN]\nq=[SECRET:API_TOKEN]\n');
});

void test('check: an encoded copy in a committed file is a leaked-value naming its form, never the text', async (t) => {
  const header = Buffer.from(`svc:${TOKEN}`).toString('base64');
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.env.development': `API_TOKEN=${TOKEN}\nPORT=3000\n`,
    'prompts/p.md': `Send Authorization: Basic ${header}\n`,
    'prompts/ok.md': `Port ${Buffer.from('3000').toString('hex')} is fine.\n`,
  });
  t.after(() => ws.dispose());
  const result = await runCli(['check', ws.dir, '--format', 'json'], LIMIT);
  assert.equal(result.code, 1, result.stderr);
  const { diagnostics } = JSON.parse(result.stdout) as {
    diagnostics: { file: string; code: string; message: string }[];
  };
  const leaks = diagnostics.filter((d) => d.code === 'leaked-value');
  assert.deepEqual(
    leaks.map((d) => [d.file, d.message.split(':')[0]]),
    [['prompts/p.md', 'This text is the base64 of API_TOKEN (.env.development line 1)']],
  );
  assert.ok(!result.stdout.includes(TOKEN) && !result.stdout.includes(header.slice(8)), 'no value, no encoded text');
});
