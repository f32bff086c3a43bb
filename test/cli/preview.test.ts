import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseEnv } from '../../engine/core/model/envParser';
import { createLocalApiServer } from '../../local-api/server';
import { createApiClient } from '../../engine/api/apiClient';
import { runCli } from '../support/runCli';
import { copyOfExample, tempWorkspace } from '../support/tempWorkspace';

// `struere-secrets preview FILE` on a copy of the example project: prompts compiled per environment, set
// secrets masked, missing ones as the platform writes them, and no value from any .env file in the output.

/** Every non-empty value of the project's .env files: none may appear in any output. Failures name keys only. */
function assertNoEnvValue(dir: string, output: string): void {
  for (const name of ['.env.development', '.env.production']) {
    for (const entry of parseEnv(readFileSync(path.join(dir, name), 'utf8')).entries) {
      if (entry.value.length >= 3)
        assert.ok(!output.includes(entry.value), `the value of ${entry.key} (${name}) appears in the output`);
    }
  }
}

test('development: the support agent prompt, COMPANY_NAME masked, PAGERDUTY_ROUTING_KEY missing, no value printed', async () => {
  const example = copyOfExample();
  try {
    const result = await runCli(['preview', path.join(example.dir, 'agents/support.ts')]);
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout;
    assert.match(out, /^Compiled prompt of .*agents\/support\.ts for development$/m);
    assert.match(out, /^Missing in development: PAGERDUTY_ROUTING_KEY$/m);
    assert.match(out, /^── systemPrompt of support, line 9 ──$/m);
    assert.match(out, /You are the customer support agent of ••••\./);
    assert.match(out, /write to ••••\./, '{{ secrets.SUPPORT_EMAIL }} with blanks');
    assert.match(out, /through \[MISSING_SECRET:PAGERDUTY_ROUTING_KEY\] and say so/);
    assert.match(out, /remote development list \(unknown: no API key\)/);
    assert.doesNotMatch(out, /\{\{|<<secrets/, 'every reference compiled');
    assertNoEnvValue(example.dir, result.stdout + result.stderr);
  } finally {
    example.dispose();
  }
});

test('the environment decides: production sets PAGERDUTY_ROUTING_KEY; billing misses SANDBOX_CUSTOMER_ID there; eval follows development', async () => {
  const example = copyOfExample();
  try {
    const support = await runCli(['preview', path.join(example.dir, 'agents/support.ts'), '--env', 'production']);
    assert.equal(support.code, 0);
    assert.match(support.stdout, /^Missing in production: none$/m);
    assert.match(support.stdout, /page the on-call engineer through •••• and say so/);

    const billing = await runCli(['preview', 'agents/billing.ts', '--env', 'production'], { cwd: example.dir });
    assert.equal(billing.code, 0);
    assert.match(billing.stdout, /^Missing in production: SANDBOX_CUSTOMER_ID$/m);
    assert.match(
      billing.stdout,
      /billing questions for ••••\.\nGreet new customers with the template ••••\./,
      '<<secrets.KEY>> form',
    );

    const evalRun = await runCli(['preview', 'agents/support.ts', '--env', 'eval'], { cwd: example.dir });
    assert.match(evalRun.stdout, /for eval$/m);
    assert.match(evalRun.stdout, /^Missing in eval: PAGERDUTY_ROUTING_KEY$/m);
    assert.match(evalRun.stdout, /\.env\.development ∪ the remote eval list/);
    for (const run of [support, billing, evalRun]) assertNoEnvValue(example.dir, run.stdout + run.stderr);
  } finally {
    example.dispose();
  }
});

test('a markdown prompt compiles as a whole file; a tool file has no systemPrompt', async () => {
  const example = copyOfExample();
  try {
    const markdown = await runCli(['preview', path.join(example.dir, 'prompts/escalation.md')]);
    assert.equal(markdown.code, 0);
    assert.match(markdown.stdout, /^── whole file ──\n# Escalation policy$/m);
    assert.match(markdown.stdout, /escalation queue •••• and mention/);
    assert.match(markdown.stdout, /— the •••• support team/);
    assert.match(markdown.stdout, /^Missing in development: none$/m);

    const tool = await runCli(['preview', path.join(example.dir, 'tools/lookupOrder.ts')]);
    assert.equal(tool.code, 0);
    assert.match(tool.stdout, /No systemPrompt string in this file/);
    assertNoEnvValue(example.dir, markdown.stdout + tool.stdout);
  } finally {
    example.dispose();
  }
});

test('edits on disk count at once, and the remote list counts as set when an API key is given', async (t) => {
  const example = copyOfExample();
  const server = await createLocalApiServer();
  t.after(async () => {
    await server.close();
    example.dispose();
  });
  const file = path.join(example.dir, 'agents/support.ts');
  // PAGERDUTY_ROUTING_KEY is in no development file, only in the development remote list.
  const api = createApiClient({ baseUrl: server.url, apiKey: 'sk_dev_local' });
  try {
    await api.upsert([{ key: 'PAGERDUTY_ROUTING_KEY', value: 'remote-only-value-7c1' }]);
  } finally {
    await api.close();
  }
  const withKey = await runCli(['preview', file], {
    env: { STRUERE_API_URL: server.url, STRUERE_API_KEY: 'sk_dev_local' },
  });
  assert.equal(withKey.code, 0, withKey.stderr);
  assert.match(withKey.stdout, /^Missing in development: none$/m);
  assert.match(withKey.stdout, /remote development list \(fresh\)/);
  assert.ok(
    !withKey.stdout.includes('remote-only-value-7c1'),
    'a remote value never comes back (the API returns none)',
  );

  writeFileSync(
    path.join(example.dir, '.env.development'),
    readFileSync(path.join(example.dir, '.env.development'), 'utf8').replace(/^COMPANY_NAME=.*$/m, ''),
  );
  const edited = await runCli(['preview', file]);
  assert.match(edited.stdout, /^Missing in development: COMPANY_NAME, PAGERDUTY_ROUTING_KEY$/m);
  assert.match(edited.stdout, /agent of \[MISSING_SECRET:COMPANY_NAME\]\./);
  assertNoEnvValue(example.dir, edited.stdout + withKey.stdout);
});

test('exit 1 outside a project; exit 2 on usage, a missing file, or an .env file (values are never printed)', async () => {
  const ws = tempWorkspace({
    'loose/prompt.md': 'Hello {{secrets.X}}',
    'p/struere.json': '{}',
    'p/.env.development': 'SECRET=do-not-print-9b2\n',
  });
  try {
    const outside = await runCli(['preview', ws.path('loose/prompt.md')]);
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /not inside a Struere project/);
    assert.equal(outside.stdout, '');

    const envFile = await runCli(['preview', ws.path('p/.env.development')]);
    assert.equal(envFile.code, 2);
    assert.match(envFile.stderr, /is an \.env file/);
    assert.ok(!(envFile.stdout + envFile.stderr).includes('do-not-print-9b2'));

    for (const args of [
      ['preview'],
      ['preview', 'a.md', 'b.md'],
      ['preview', ws.path('nope.md')],
      ['preview', ws.path('loose/prompt.md'), '--env', 'staging'],
      ['preview', ws.path('loose/prompt.md'), '--format', 'json'],
    ]) {
      const result = await runCli(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /Usage:/);
    }
  } finally {
    ws.dispose();
  }
});
