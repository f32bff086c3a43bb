import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../cli/src/main';
import type { LocalApiServer } from '../../local-api/server';
import { rateLimitAfterFirstWrite, startServer } from '../support/apiHelpers';
import { runCli, type CliResult } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// Values (and API keys) carrying canary strings go through every CLI command and outcome; not one byte of a
// canary may reach stdout or stderr, nor the local API's request log.

const VALUE_CANARY = 'CANARY_7d1e0b9c';
const KEY_CANARY = 'KEYCANARY_5a2f';
const DEV_KEY = `sk_dev_${KEY_CANARY}_dev`;
const PROD_KEY = `sk_prod_${KEY_CANARY}_prod`;

/** Canaries in every shape a value takes: plain, quoted, multiline, escaped, after `#`, next to `=`. */
function canaryEnv(tag: string): string {
  return (
    [
      `# a comment holding ${VALUE_CANARY}_comment`,
      `PLAIN=${VALUE_CANARY}_${tag}_plain`,
      `DOUBLE="${VALUE_CANARY}_${tag}_double \\"q\\" \\n next"`,
      `SINGLE='${VALUE_CANARY}_${tag}_single # not a comment'`,
      `MULTI="first line`,
      `${VALUE_CANARY}_${tag}_second_line`,
      `FAKE=${VALUE_CANARY}_looks_like_an_entry"`,
      `EQUALS=a=${VALUE_CANARY}_${tag}_equals=b`,
      `WITH_COMMENT=${VALUE_CANARY}_${tag}_commented # ${VALUE_CANARY}_trailing`,
      `UNICODE="${VALUE_CANARY}_${tag}_ünïcødé_🔑"`,
      `COMPANY_NAME=${VALUE_CANARY}_${tag}_company`,
      `EMPTY=`,
    ].join('\n') + '\n'
  );
}

/** The same, plus lines the sync refuses: each offending line holds a canary too. */
function brokenEnv(tag: string): string {
  return (
    canaryEnv(tag) +
    [
      `1BAD=${VALUE_CANARY}_${tag}_invalid_key`,
      `${VALUE_CANARY}_${tag}_malformed line`,
      `OPEN="${VALUE_CANARY}_${tag}_unterminated`,
    ].join('\n') +
    '\n'
  );
}

const SOURCES = {
  'struere.json': '{"name":"leaky"}',
  '.gitignore': '.env*\n',
  'agents/a.ts': 'export const p = `{{secrets.PLAIN}} {{secrets.NOT_SET}} <<secrets.MULTI>>`;',
  'tools/t.ts': 'export const f = (context) => context.secrets["DOUBLE"] + context.secrets.ALSO_MISSING;',
};

interface Output {
  readonly label: string;
  readonly text: string;
}

function assertClean(outputs: readonly Output[], server?: LocalApiServer): void {
  for (const { label, text } of outputs) {
    assert.ok(!text.includes(VALUE_CANARY), `a value leaked into ${label}`);
    assert.ok(!text.includes(KEY_CANARY), `an API key leaked into ${label}`);
  }
  if (server) {
    const log = JSON.stringify(server.log.entries());
    assert.ok(!log.includes(VALUE_CANARY) && !log.includes(KEY_CANARY), 'the request log holds no canary');
  }
}

function output(label: string, result: CliResult): Output {
  return { label: `${label} (exit ${result.code})`, text: `${result.stdout}\n${result.stderr}` };
}

async function withCanaryServer(t: { after: (fn: () => Promise<void>) => void }): Promise<LocalApiServer> {
  const server = await startServer(t, { apiKeys: [DEV_KEY, PROD_KEY] });
  return server;
}

void test('check, status and sync (success, dry run, deploy) print no canary', async (t) => {
  const server = await withCanaryServer(t);
  const ws = tempWorkspace({ ...SOURCES, '.env.development': canaryEnv('dev'), '.env.production': canaryEnv('prod') });
  t.after(async () => ws.dispose());
  const keys = {
    STRUERE_API_URL: server.url,
    STRUERE_API_KEY_DEVELOPMENT: DEV_KEY,
    STRUERE_API_KEY_PRODUCTION: PROD_KEY,
  };
  const run = (label: string, args: string[], env: Record<string, string> = keys) =>
    runCli(args, { env }).then((result) => ({ result, out: output(label, result) }));

  const results = [
    await run('check', ['check', ws.dir]),
    await run('check json', ['check', ws.dir, '--format', 'json']),
    await run('check production', ['check', ws.dir, '--env', 'production']),
    await run('check without keys', ['check', ws.dir], {}),
    await run('status before', ['status', ws.dir]),
    await run('sync dry run', ['sync', ws.dir, '--dry-run']),
    await run('sync', ['sync', ws.dir]),
    await run('sync again (updates)', ['sync', ws.dir]),
    await run('deploy', ['sync', ws.dir, '--env', 'production', '--yes']),
    await run('status after', ['status', ws.dir]),
    await run('status json', ['status', ws.dir, '--format', 'json']),
    await run('status via STRUERE_API_KEY', ['status', ws.dir], {
      STRUERE_API_URL: server.url,
      STRUERE_API_KEY: DEV_KEY,
    }),
  ];
  assert.deepEqual(
    results.map(({ result }) => result.code),
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    results.map(({ out }) => out.label).join(', '),
  );
  assert.equal(
    server.store.get('development', 'PLAIN'),
    `${VALUE_CANARY}_dev_plain`,
    'the canaries did travel, in the upsert body only',
  );
  assert.equal(server.store.get('production', 'PLAIN'), `${VALUE_CANARY}_prod_plain`);
  assertClean(
    results.map(({ out }) => out),
    server,
  );
});

void test('refusals print no canary: file errors, no key, wrong key, unconfirmed deploy, no file', async (t) => {
  const server = await withCanaryServer(t);
  const broken = tempWorkspace({
    ...SOURCES,
    '.env.development': brokenEnv('dev'),
    '.env.production': brokenEnv('prod'),
  });
  const fine = tempWorkspace({ ...SOURCES, '.env.development': canaryEnv('dev') });
  t.after(async () => {
    broken.dispose();
    fine.dispose();
  });
  const url = { STRUERE_API_URL: server.url };
  const scenarios: [string, string[], Record<string, string>][] = [
    ['check of a broken file', ['check', broken.dir], url],
    ['check json of a broken file', ['check', broken.dir, '--format', 'json', '--env', 'production'], url],
    ['status of a broken file', ['status', broken.dir, '--format', 'json'], { ...url, STRUERE_API_KEY: DEV_KEY }],
    ['sync of a broken file', ['sync', broken.dir], { ...url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY }],
    [
      'deploy of a broken file',
      ['sync', broken.dir, '--env', 'production', '--yes'],
      { ...url, STRUERE_API_KEY_PRODUCTION: PROD_KEY },
    ],
    ['sync without a key', ['sync', fine.dir], url],
    ['sync with a production key', ['sync', fine.dir], { ...url, STRUERE_API_KEY_DEVELOPMENT: PROD_KEY }],
    ['sync with an unknown prefix', ['sync', fine.dir], { ...url, STRUERE_API_KEY: `pk_${KEY_CANARY}` }],
    [
      'status with misconfigured keys',
      ['status', fine.dir],
      { ...url, STRUERE_API_KEY_PRODUCTION: DEV_KEY, STRUERE_API_KEY: `pk_${KEY_CANARY}` },
    ],
    ['deploy without --yes', ['sync', fine.dir, '--env', 'production'], { ...url, STRUERE_API_KEY: PROD_KEY }],
    [
      'deploy without a file',
      ['sync', fine.dir, '--env', 'production', '--yes'],
      { ...url, STRUERE_API_KEY: PROD_KEY },
    ],
    ['key with whitespace', ['sync', fine.dir], { ...url, STRUERE_API_KEY_DEVELOPMENT: `sk_dev_${KEY_CANARY} x` }],
  ];
  const outputs: Output[] = [];
  for (const [label, args, env] of scenarios) {
    const result = await runCli(args, { env });
    if (label.startsWith('sync') || label.startsWith('deploy') || label === 'key with whitespace')
      assert.equal(result.code, 1, `${label}: ${result.stderr}`);
    outputs.push(output(label, result));
  }
  assert.match(outputs[3]!.text, /\.env\.development has errors on lines 13, 14, 15/);
  assert.equal(server.store.size('development') + server.store.size('production'), 0, 'nothing was written');
  assert.equal(server.log.entries().filter((entry) => entry.method === 'PUT').length, 0);
  assertClean(outputs, server);
});

void test('failures print no canary: 422 with a canary value, 401, retries exhausted midway, insecure URL, offline status', async (t) => {
  const server = await withCanaryServer(t);
  const many = [
    ...Array.from({ length: 120 }, (_, i) => `K_${String(i).padStart(3, '0')}="${VALUE_CANARY}_bulk_${i} \\n x"`),
  ];
  const huge = tempWorkspace({
    ...SOURCES,
    '.env.development': `${many.join('\n')}\nZZ_HUGE=${VALUE_CANARY}${'y'.repeat(70_000)}\n`,
  });
  const bulk = tempWorkspace({ ...SOURCES, '.env.development': `${many.join('\n')}\n` });
  t.after(async () => {
    huge.dispose();
    bulk.dispose();
  });
  const dev = { STRUERE_API_URL: server.url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY };
  const outputs: Output[] = [];
  const expectFailure = async (label: string, args: string[], env: Record<string, string>) => {
    const result = await runCli(args, { env });
    assert.equal(result.code, 1, `${label}: ${result.stderr}`);
    outputs.push(output(label, result));
    return result;
  };

  const refused = await expectFailure('422 on a later batch', ['sync', huge.dir], dev);
  assert.match(refused.stderr, /values over 65,536 bytes \(422\): ZZ_HUGE/);
  await expectFailure('401', ['sync', bulk.dir], {
    ...dev,
    STRUERE_API_KEY_DEVELOPMENT: `sk_dev_${KEY_CANARY}_revoked`,
  });

  rateLimitAfterFirstWrite(server);
  // The 422 run wrote K_000…K_099 from another project: unverified here, so they are sent only when asked.
  const exhausted = await runCli(['sync', bulk.dir, '--overwrite-all'], { env: dev });
  assert.equal(exhausted.code, 1, exhausted.stderr);
  assert.match(exhausted.stderr, /stopped after 100 of 120 keys/);
  outputs.push(output('retries exhausted', exhausted));

  const closed = await startServer(t);
  await closed.close();
  await expectFailure('insecure URL', ['sync', bulk.dir], { ...dev, STRUERE_API_URL: 'http://api.example.com' });
  const offlineStatus = await runCli(['status', bulk.dir], { env: { ...dev, STRUERE_API_URL: closed.url } });
  outputs.push(output('status offline', offlineStatus));
  assertClean(outputs, server);
});

void test('the in-process CLI (confirmation, declined and accepted) prints no canary', async (t) => {
  const server = await withCanaryServer(t);
  const ws = tempWorkspace({ ...SOURCES, '.env.production': canaryEnv('prod') });
  t.after(async () => ws.dispose());
  const lines: string[] = [];
  for (const answer of [false, true]) {
    const code = await main(['sync', ws.dir, '--env', 'production'], {
      out: (text) => lines.push(text),
      err: (text) => lines.push(text),
      env: { STRUERE_API_URL: server.url, STRUERE_API_KEY_PRODUCTION: PROD_KEY },
      isInteractive: true,
      confirm: async (question) => {
        lines.push(question);
        return answer;
      },
    });
    assert.equal(code, answer ? 0 : 1);
  }
  assert.equal(server.store.get('production', 'PLAIN'), `${VALUE_CANARY}_prod_plain`);
  assertClean([{ label: 'in-process sync output', text: lines.join('\n') }], server);
});
