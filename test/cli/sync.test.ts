import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import * as dotenv from 'dotenv';
import { main } from '../../cli/src/main';
import type { CliIo } from '../../cli/src/io';
import type { LocalApiServer } from '../../local-api/server';
import {
  assertStoredValues,
  DEV_KEY,
  generatedSecrets,
  PROD_KEY,
  rateLimitAfterFirstWrite,
  startServer,
} from '../support/apiHelpers';
import { runCli, type CliResult } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// `struere-secrets sync` as a user runs it: the built CLI in a child process against the local API on 127.0.0.1.

type TestContext = { after: (fn: () => void | Promise<void>) => void };

const NASTY_TEXT =
  '\ufeff' +
  [
    '# comment',
    'PLAIN=hello world',
    'DOUBLE="double \\"quoted\\" text with \\n escapes"',
    "SINGLE='single # not a comment'",
    'BACKTICK=`back "tick" \'s`',
    'HASH=value # trailing comment',
    'HASH_QUOTED="a#b # c"',
    'EQUALS=a=b==c',
    'UNICODE=héllo wörld 日本語 Ω 🔑',
    'EMPTY=',
    'EMPTY_QUOTED=""',
    'MULTILINE="line one',
    'line two"',
    "SINGLE_MULTILINE='x",
    "y'",
    'SPACES =   padded   ',
    'BACKSLASH=C:\\path\\to',
    'export EXPORTED=yes',
    'JSON={"a":[1,2],"b":"c"}',
    'DUP=first',
    'DUP=second',
  ].join('\r\n') +
  '\r\n';

function project(t: TestContext, files: Record<string, string | Buffer>) {
  const ws = tempWorkspace({ 'struere.json': '{"name":"demo"}', '.gitignore': '.env*\n', ...files });
  t.after(() => ws.dispose());
  return ws;
}

function envFor(
  server: { url: string },
  keys: Record<string, string> = { STRUERE_API_KEY_DEVELOPMENT: DEV_KEY },
): Record<string, string> {
  return { STRUERE_API_URL: server.url, ...keys };
}

function envText(values: ReadonlyMap<string, string>): string {
  return [...values].map(([key, value]) => `${key}=${JSON.stringify(value)}`).join('\n') + '\n';
}

function requests(server: LocalApiServer): string[] {
  return server.log.entries().map((entry) => `${entry.method} ${entry.status}`);
}

function puts(server: LocalApiServer): number {
  return server.log.entries().filter((entry) => entry.method === 'PUT').length;
}

void test('sync stores exactly what dotenv.parse yields for a nasty file; remote-only keys survive; eval mirrors', async (t) => {
  const server = await startServer(t);
  server.store.apply(
    ['development', 'eval'],
    [
      { key: 'REMOTE_ONLY', value: 'dashboard' },
      { key: 'PLAIN', value: 'old' },
    ],
  );
  const ws = project(t, { '.env.development': NASTY_TEXT });

  // PLAIN is on the platform but this machine never wrote it (unverified): named, it is sent.
  const result = await runCli(['sync', ws.dir, '--overwrite', 'PLAIN'], { env: envFor(server) });
  assert.equal(result.code, 0, result.stderr);
  const expected = new Map(Object.entries(dotenv.parse(NASTY_TEXT.slice(1))));
  assert.equal(expected.size, 17);
  assertStoredValues(server, 'development', new Map([...expected, ['REMOTE_ONLY', 'dashboard']]));
  assertStoredValues(server, 'eval', new Map([...expected, ['REMOTE_ONLY', 'dashboard']]));
  assert.equal(server.store.size('production'), 0);

  const lines = result.stdout.split('\n');
  assert.equal(lines[0], 'sync .env.development → development (mirrored to eval): 17 keys');
  assert.equal(lines[1], 'plan: 16 to create, 0 to update, 1 remote-only kept (sync never deletes)');
  assert.ok(lines.includes('  unverified (this machine never wrote them), not sent: PLAIN'));
  assert.ok(lines.includes('  remote-only, kept: REMOTE_ONLY'));
  assert.ok(lines.includes('  batch 1/1: 17 of 17 keys written'));
  assert.ok(lines.includes('synced 17 keys to development (+ eval): 16 created, 1 updated; 1 remote-only kept'));
  assert.equal(result.stderr, '');
  // The second listing journals the updatedAt the platform holds after the write.
  assert.deepEqual(requests(server), ['GET 200', 'PUT 200', 'GET 200']);
});

void test('--dry-run prints the plan and sends no upsert', async (t) => {
  const server = await startServer(t);
  const ws = project(t, { '.env.development': 'A=1\nB=2\n', '.env.production': 'C=3\n' });
  const result = await runCli(['sync', ws.dir, '--dry-run'], { env: envFor(server) });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /plan: 2 to create, 0 to update, 0 remote-only kept/);
  assert.match(result.stdout, /dry run: nothing was sent/);
  const deploy = await runCli(['sync', ws.dir, '--env', 'production', '--dry-run'], {
    env: envFor(server, { STRUERE_API_KEY: PROD_KEY }),
  });
  assert.equal(deploy.code, 0, deploy.stderr);
  assert.match(deploy.stdout, /^deploy \.env\.production → production: 1 key\n/);
  assert.deepEqual(requests(server), ['GET 200', 'GET 200'], 'listing only');
  assert.equal(server.store.size('development') + server.store.size('production'), 0);
});

void test('deploy with --yes writes production only; STRUERE_API_KEY serves the environment its prefix names', async (t) => {
  const server = await startServer(t);
  const ws = project(t, { '.env.development': 'A=dev\n', '.env.production': 'A=prod\nB="two words"\n' });
  const result = await runCli(['sync', ws.dir, '--env', 'production', '--yes'], {
    env: envFor(server, { STRUERE_API_KEY: PROD_KEY }),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /deployed 2 keys to production: 2 created, 0 updated\n$/);
  assertStoredValues(
    server,
    'production',
    new Map([
      ['A', 'prod'],
      ['B', 'two words'],
    ]),
  );
  assert.equal(server.store.size('development') + server.store.size('eval'), 0);
});

void test('production without --yes and without a terminal is refused before any request', async (t) => {
  const server = await startServer(t);
  const ws = project(t, { '.env.production': 'A=1\n' });
  const result = await runCli(['sync', ws.dir, '--env', 'production'], {
    env: envFor(server, { STRUERE_API_KEY_PRODUCTION: PROD_KEY }),
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /deploy refused: .*needs confirmation.*--yes.*Nothing was sent/);
  assert.equal(server.log.size, 0);
});

void test('refusals send nothing: file errors (file and lines named), no key, a key with the wrong prefix', async (t) => {
  const server = await startServer(t);
  const broken = project(t, { '.env.development': 'OK=1\n1BAD=2\nno equals sign here\nQ="open\n' });
  const errors = await runCli(['sync', broken.dir], { env: envFor(server) });
  assert.equal(errors.code, 1);
  assert.equal(
    errors.stderr.trim(),
    'struere-secrets: sync refused: .env.development has errors on lines 2, 3, 4 (invalid-key, malformed-line, unterminated-quote); nothing was sent',
  );
  assert.equal(errors.stdout, '');

  const ws = project(t, { '.env.development': 'A=1\n', '.env.production': 'A=2\n' });
  const noKey = await runCli(['sync', ws.dir], { env: { STRUERE_API_URL: server.url } });
  assert.equal(noKey.code, 1);
  assert.match(noKey.stderr, /sync refused: no API key for development: set STRUERE_API_KEY_DEVELOPMENT/);

  const wrongOwn = await runCli(['sync', ws.dir], { env: envFor(server, { STRUERE_API_KEY_DEVELOPMENT: PROD_KEY }) });
  assert.equal(wrongOwn.code, 1);
  assert.match(wrongOwn.stderr, /must start with sk_dev_, but the one given is a production key/);
  const wrongGeneral = await runCli(['sync', ws.dir, '--env', 'production', '--yes'], {
    env: envFor(server, { STRUERE_API_KEY: DEV_KEY }),
  });
  assert.equal(wrongGeneral.code, 1);
  assert.match(wrongGeneral.stderr, /deploy refused: the API key for production must start with sk_prod_/);
  for (const result of [noKey, wrongOwn, wrongGeneral])
    assert.ok(
      !`${result.stdout}${result.stderr}`.includes('sk_prod_local') &&
        !`${result.stdout}${result.stderr}`.includes('sk_dev_local'),
      'no key printed',
    );

  const missing = await runCli(['sync', ws.dir], { env: envFor(server), cwd: ws.dir });
  assert.equal(missing.code, 0, 'control: the same project syncs with a proper key');
  const noFile = project(t, { '.env.development': 'A=1\n' });
  const noProduction = await runCli(['sync', noFile.dir, '--env', 'production', '--yes'], {
    env: envFor(server, { STRUERE_API_KEY_PRODUCTION: PROD_KEY }),
  });
  assert.equal(noProduction.code, 1);
  assert.match(noProduction.stderr, /deploy refused: there is no \.env\.production/);
  assert.deepEqual(requests(server), ['GET 200', 'PUT 200', 'GET 200'], 'only the control run reached the API');
});

void test('401: a clear error, no retries, nothing written', async (t) => {
  const server = await startServer(t);
  const ws = project(t, { '.env.development': 'A=1\n' });
  const result = await runCli(['sync', ws.dir], {
    env: envFor(server, { STRUERE_API_KEY_DEVELOPMENT: 'sk_dev_revoked' }),
  });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /sync failed before writing anything: listing development names: the API key was rejected \(401\)/,
  );
  assert.deepEqual(requests(server), ['GET 401']);
});

void test('403: a clear error, no retries', async (t) => {
  let count = 0;
  const forbidding = http.createServer((request, response) => {
    count++;
    request.resume();
    response
      .writeHead(403, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: 'forbidden', message: 'not for this key' } }));
  });
  await new Promise<void>((resolve) => forbidding.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => forbidding.close(() => resolve())));
  const url = `http://127.0.0.1:${(forbidding.address() as AddressInfo).port}`;
  const ws = project(t, { '.env.development': 'A=1\n' });
  const result = await runCli(['sync', ws.dir], { env: envFor({ url }) });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /the API key is not allowed to do this \(403 forbidden\)/);
  assert.equal(count, 1);
});

void test('422 on a later batch: exact report, no retry of the refused batch; fixing the file and running again finishes', async (t) => {
  const server = await startServer(t);
  const values = generatedSecrets(150);
  values.set('ZZ_HUGE', 'x'.repeat(70_000));
  const ws = project(t, { '.env.development': envText(values) });

  const failed = await runCli(['sync', ws.dir], { env: envFor(server) });
  assert.equal(failed.code, 1);
  assert.deepEqual(requests(server), ['GET 200', 'PUT 200', 'PUT 422', 'GET 200']);
  assert.match(failed.stdout, / {2}batch 1\/2: 100 of 151 keys written\n$/);
  const [summary, ...details] = failed.stderr.trim().split('\n');
  assert.equal(
    summary,
    'struere-secrets: sync to development stopped after 100 of 151 keys: the API refused values over 65,536 bytes (422): ZZ_HUGE; nothing of that request was written. ' +
      'Written: 100; not written: 51; unknown: 0. Fix that, then run it again to finish.',
  );
  assert.ok(details.some((line) => line.startsWith('  written (100): KEY_0000, KEY_0001')));
  assert.ok(
    // Bounded text: the first 20 names, then a count.
    details.some((line) => line.startsWith('  not written (51): KEY_0100') && line.endsWith('KEY_0119, … and 31 more')),
  );
  assert.ok(details.includes('  keys at fault: ZZ_HUGE'));
  assert.equal(server.store.size('development'), 100);

  values.set('ZZ_HUGE', 'small now');
  ws.write('.env.development', envText(values));
  const again = await runCli(['sync', ws.dir], { env: envFor(server) });
  assert.equal(again.code, 0, again.stderr);
  // The 100 keys written before are journalled: not sent again.
  assert.match(
    again.stdout,
    /synced 51 keys to development \(\+ eval\): 51 created, 0 updated; 100 unchanged \(skipped\)\n$/,
  );
  assertStoredValues(server, 'development', values);
  assertStoredValues(server, 'eval', values);
});

void test('retries exhausted on a later batch: exit 1 with what was written; running again finishes', async (t) => {
  const server = await startServer(t);
  // After the first applied PUT, the next six requests (one batch: 1 + 5 retries) are rate limited.
  rateLimitAfterFirstWrite(server);
  const values = generatedSecrets(250);
  const ws = project(t, { '.env.development': envText(values) });
  const failed = await runCli(['sync', ws.dir], { env: envFor(server) });
  assert.equal(failed.code, 1);
  assert.deepEqual(requests(server), ['GET 200', 'PUT 200', ...Array<string>(6).fill('PUT 429'), 'GET 200']);
  assert.match(
    failed.stderr,
    /^struere-secrets: sync to development stopped after 100 of 250 keys: the API is rate limiting \(429\), and the retries ran out\. Written: 100; not written: 150; unknown: 0\. Run it again to finish\.\n/,
  );
  assert.equal(server.store.size('development'), 100);

  const again = await runCli(['sync', ws.dir], { env: envFor(server) });
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stdout,
    /synced 150 keys to development \(\+ eval\): 150 created, 0 updated; 100 unchanged \(skipped\)\n$/,
  );
  assertStoredValues(server, 'development', values);
});

void test('two concurrent syncs of one project never interleave: one waits its turn or is refused as locked', async (t) => {
  const server = await startServer(t);
  server.faults.setLatency(15);
  const values = generatedSecrets(300);
  const ws = project(t, { '.env.development': envText(values) });
  const results = await Promise.all([
    runCli(['sync', ws.dir], { env: envFor(server) }),
    runCli(['sync', ws.dir], { env: envFor(server) }),
  ]);

  assert.ok(
    results.some((result) => result.code === 0),
    'at least one sync completes',
  );
  for (const result of results) {
    if (result.code !== 0) {
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /sync refused: another sync of .* is running \(process \d+\); try again when it has finished; nothing was sent/,
      );
    }
  }
  const batches = server.log
    .entries()
    .filter((entry) => entry.method === 'PUT')
    .map((entry) => entry.keys?.[0]);
  // A run that lists after the other finished finds every key unchanged (journalled) and sends nothing.
  const completed = results.filter((result) => result.code === 0).length;
  const runsThatSent = batches.length / 3;
  assert.ok(runsThatSent >= 1 && runsThatSent <= completed, `${batches.length} batches`);
  assert.deepEqual(
    batches,
    Array<string[]>(runsThatSent).fill(['KEY_0000', 'KEY_0100', 'KEY_0200']).flat(),
    'whole runs, one after the other',
  );
  assertStoredValues(server, 'development', values);
  assertStoredValues(server, 'eval', values);
  // Both processes journalled under the lock: the journal is whole, and a third run finds nothing to send.
  const third = await runCli(['sync', ws.dir], { env: envFor(server) });
  assert.equal(third.code, 0, third.stderr);
  assert.match(third.stdout, /synced 0 keys to development: 0 created, 0 updated; 300 unchanged \(skipped\)\n$/);
});

void test('a folder of projects: all files are checked first, then each project syncs in path order', async (t) => {
  const server = await startServer(t);
  const ws = tempWorkspace({
    'b/struere.json': '{}',
    'b/.env.development': 'B_KEY=b\n',
    'a/struere.json': '{}',
    'a/.env.development': 'A_KEY=a\n',
    'c/struere.json': '{}',
    'c/.env.development': 'C_KEY=c\n',
  });
  t.after(() => ws.dispose());
  const result = await runCli(['sync', ws.dir], { env: envFor(server) });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(
    server.log
      .entries()
      .filter((entry) => entry.method === 'PUT')
      .map((entry) => entry.keys),
    [['A_KEY'], ['B_KEY'], ['C_KEY']],
  );
  assert.deepEqual(
    result.stdout.split('\n').filter((line) => line.startsWith('sync ')),
    [
      'sync a/.env.development → development (mirrored to eval): 1 key',
      'sync b/.env.development → development (mirrored to eval): 1 key',
      'sync c/.env.development → development (mirrored to eval): 1 key',
    ],
  );

  server.log.clear();
  ws.write('c/.env.development', 'C_KEY=c\nnot an entry\n');
  const refused = await runCli(['sync', ws.dir], { env: envFor(server) });
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /sync refused: c: \.env\.development has an error on line 2 \(malformed-line\); nothing was sent/,
  );
  assert.equal(server.log.size, 0, 'a refusal in the last project sends nothing for the first ones either');
});

/** The CLI in-process with a scripted terminal: the only way to answer a confirmation in a test. */
function scriptedIo(
  env: Record<string, string>,
  answer: boolean,
): { io: CliIo; out: string[]; err: string[]; questions: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const questions: string[] = [];
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env,
    isInteractive: true,
    confirm: async (question) => {
      questions.push(question);
      return answer;
    },
  };
  return { io, out, err, questions };
}

void test('an interactive deploy asks "Deploy N keys to production? [y/N]": no sends nothing, yes deploys', async (t) => {
  const server = await startServer(t);
  const ws = project(t, { '.env.production': 'A=1\nB=2\nC=3\n' });
  const env = envFor(server, { STRUERE_API_KEY_PRODUCTION: PROD_KEY });

  const declined = scriptedIo(env, false);
  assert.equal(await main(['sync', ws.dir, '--env', 'production'], declined.io), 1);
  assert.deepEqual(declined.questions, ['Deploy 3 keys to production? [y/N]']);
  assert.match(declined.err.join('\n'), /deploy cancelled at confirmation; nothing was sent/);
  assert.equal(puts(server), 0);

  const accepted = scriptedIo(env, true);
  assert.equal(await main(['sync', ws.dir, '--env', 'production'], accepted.io), 0);
  assert.deepEqual(accepted.questions, ['Deploy 3 keys to production? [y/N]']);
  assert.equal(accepted.out.at(-1), 'deployed 3 keys to production: 3 created, 0 updated');
  assertStoredValues(
    server,
    'production',
    new Map([
      ['A', '1'],
      ['B', '2'],
      ['C', '3'],
    ]),
  );

  const development = scriptedIo(envFor(server), false);
  const dev = project(t, { '.env.development': 'D=1\n' });
  assert.equal(await main(['sync', dev.dir], development.io), 0);
  assert.deepEqual(development.questions, [], 'a development sync never asks');
});

void test('usage errors exit 2: eval is not writable, flags of other commands, not a folder', async () => {
  const results: CliResult[] = await Promise.all([
    runCli(['sync', '.', '--env', 'eval']),
    runCli(['sync', '.', '--format', 'json']),
    runCli(['sync', '/definitely/not/here']),
  ]);
  for (const result of results) assert.equal(result.code, 2, result.stderr);
  assert.match(results[0]!.stderr, /--env must be one of development, production/);
  assert.match(results[1]!.stderr, /sync does not take --format/);
});

void test('a key rotated on the platform: kept and said on stderr (exit 0), --strict exits 1, --overwrite sends it', async (t) => {
  const server = await startServer(t);
  const values = generatedSecrets(3);
  const ws = project(t, { '.env.development': envText(values) });
  const first = await runCli(['sync', ws.dir], { env: envFor(server) });
  assert.equal(first.code, 0, first.stderr);
  server.store.dashboardWrite('development', 'KEY_0001', 'rotated on the dashboard');

  const kept = await runCli(['sync', ws.dir, '--yes'], { env: envFor(server) });
  assert.equal(kept.code, 0, kept.stderr);
  assert.match(
    kept.stdout,
    /^ {2}KEY_0001: rotated on the platform on \d{4}-\d\d-\d\d \d\d:\d\d UTC; your local value is older: kept$/m,
  );
  assert.match(
    kept.stdout,
    /synced 0 keys to development: 0 created, 0 updated; 2 unchanged \(skipped\); 1 kept \(rotated on the platform\)\n$/,
  );
  assert.equal(
    kept.stderr,
    'struere-secrets: 1 key not sent (kept, conflicting or unverified): KEY_0001; send them with --overwrite KEY,… or --overwrite-all\n',
  );
  const strict = await runCli(['sync', ws.dir, '--strict'], { env: envFor(server) });
  assert.equal(strict.code, 1);
  assert.equal(puts(server), 1, 'neither run sent anything');
  assertStoredValues(server, 'development', new Map([['KEY_0001', 'rotated on the dashboard']]), { subset: true });

  const unknownName = await runCli(['sync', ws.dir, '--overwrite', 'KEY_0001,NOT_HERE', '--strict'], {
    env: envFor(server),
  });
  assert.equal(unknownName.code, 0, unknownName.stderr);
  assert.match(unknownName.stderr, /--overwrite names keys \.env\.development does not define: NOT_HERE/);
  assertStoredValues(server, 'development', values);
  const usage = await runCli(['sync', ws.dir, '--overwrite', 'A', '--overwrite-all'], { env: envFor(server) });
  assert.equal(usage.code, 2);
  const badName = await runCli(['sync', ws.dir, '--overwrite', 'A B'], { env: envFor(server) });
  assert.equal(badName.code, 2);
});
