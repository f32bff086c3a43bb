import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { StatusJsonProject } from '../../cli/src/statusCommand';
import { DEV_KEY, PROD_KEY, startServer } from '../support/apiHelpers';
import { runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// `struere-secrets status` (and the remote half of `check`) against the local API.

const EXAMPLE = path.resolve(__dirname, '../../examples/support-agent');

async function statusJson(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; projects: StatusJsonProject[]; stderr: string }> {
  const result = await runCli(['status', ...args, '--format', 'json'], { env });
  return {
    code: result.code,
    projects: (JSON.parse(result.stdout) as { projects: StatusJsonProject[] }).projects,
    stderr: result.stderr,
  };
}

void test('status text without a key: remote columns unknown with the reason, local presence and reference counts', async () => {
  const result = await runCli(['status', EXAMPLE]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 6), [
    'support-agent (.)',
    '',
    'development remote: unknown: no API key',
    'production remote: unknown: no API key',
    'eval remote: unknown: no API key',
    '',
  ]);
  assert.match(lines[6]!, /^KEY {2,}development {2,}production {2,}eval {2,}refs$/);
  const row = (key: string) => lines.find((line) => line.startsWith(`${key} `))!.split(/ {2,}/);
  assert.deepEqual(row('COMPANY_NAME'), ['COMPANY_NAME', 'local+?', 'local+?', 'local+?', '3']);
  assert.deepEqual(row('PAGERDUTY_ROUTING_KEY'), ['PAGERDUTY_ROUTING_KEY', '?', 'local+?', '?', '1']);
  assert.deepEqual(row('SANDBOX_CUSTOMER_ID'), ['SANDBOX_CUSTOMER_ID', 'local+?', '?', 'local+?', '1']);
  assert.match(
    result.stdout,
    /possibly missing in production \(referenced, not in the local file, remote unknown\): SANDBOX_CUSTOMER_ID/,
  );
  assert.match(result.stdout, /9 keys · /);
  assert.equal(result.stderr, '');
});

void test('status JSON: projects with path, name, remote state and rows of keys × environments', async () => {
  const { code, projects } = await statusJson([EXAMPLE]);
  assert.equal(code, 0);
  assert.equal(projects.length, 1);
  const [project] = projects;
  assert.equal(project!.path, '.');
  assert.equal(project!.name, 'support-agent');
  assert.deepEqual(project!.remote, {
    development: { state: 'unknown', reason: 'no API key' },
    production: { state: 'unknown', reason: 'no API key' },
    eval: { state: 'unknown', reason: 'no API key' },
  });
  assert.equal(project!.keys.length, 9);
  assert.deepEqual(
    project!.keys.find((row) => row.key === 'ZENDESK_TOKEN'),
    {
      key: 'ZENDESK_TOKEN',
      referencedBy: 1,
      environments: {
        development: { local: true, remote: 'unknown' },
        production: { local: true, remote: 'unknown' },
        eval: { local: true, remote: 'unknown' },
      },
    },
  );
});

void test('status with keys: remote columns filled, remote-only keys listed, the list state and count reported', async (t) => {
  const server = await startServer(t);
  server.store.apply(
    ['development', 'eval'],
    [
      { key: 'COMPANY_NAME', value: 'x' },
      { key: 'PAGERDUTY_ROUTING_KEY', value: 'y' },
      { key: 'DASHBOARD_ONLY', value: 'z' },
    ],
  );
  server.store.apply(['production'], [{ key: 'COMPANY_NAME', value: 'p' }]);

  const devOnly = await statusJson([EXAMPLE], { STRUERE_API_URL: server.url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY });
  assert.equal(devOnly.code, 0, devOnly.stderr);
  const [project] = devOnly.projects;
  assert.deepEqual(project!.remote, {
    development: { state: 'fresh', count: 3 },
    production: { state: 'unknown', reason: 'no API key' },
    eval: { state: 'fresh', count: 3 },
  });
  const row = (key: string) => project!.keys.find((candidate) => candidate.key === key)!;
  assert.deepEqual(row('DASHBOARD_ONLY').environments.development, { local: false, remote: 'yes' });
  assert.equal(row('DASHBOARD_ONLY').referencedBy, 0);
  assert.deepEqual(row('PAGERDUTY_ROUTING_KEY').environments, {
    development: { local: false, remote: 'yes' },
    production: { local: true, remote: 'unknown' },
    eval: { local: false, remote: 'yes' },
  });
  assert.deepEqual(row('ZENDESK_TOKEN').environments.development, { local: true, remote: 'no' });
  assert.deepEqual(
    server.log.entries().map((entry) => entry.path),
    ['/v1/secrets', '/v1/secrets?environment=eval'],
  );

  const both = await runCli(['status', EXAMPLE], {
    env: { STRUERE_API_URL: server.url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY, STRUERE_API_KEY_PRODUCTION: PROD_KEY },
  });
  assert.equal(both.code, 0, both.stderr);
  assert.match(both.stdout, /^development remote: fresh \(3 names\)$/m);
  assert.match(both.stdout, /^production remote: fresh \(1 name\)$/m);
  assert.match(both.stdout, /^COMPANY_NAME +local\+remote +local\+remote +local\+remote +3$/m);
  assert.match(both.stdout, /^DASHBOARD_ONLY +remote +— +remote +0$/m);
  assert.match(both.stdout, /^SANDBOX_CUSTOMER_ID +local +— +local +1$/m);
  assert.match(both.stdout, /^missing in production \(referenced, not set\): SANDBOX_CUSTOMER_ID$/m);
});

void test('status says why a remote list is unknown: rejected key, offline, insecure URL, misconfigured key', async (t) => {
  const server = await startServer(t);
  const rejected = await statusJson([EXAMPLE], { STRUERE_API_URL: server.url, STRUERE_API_KEY: 'sk_dev_revoked' });
  assert.equal(rejected.code, 0);
  assert.deepEqual(rejected.projects[0]!.remote.development, { state: 'unknown', reason: 'unauthorized (401)' });
  assert.deepEqual(rejected.projects[0]!.remote.eval, { state: 'unknown', reason: 'unauthorized (401)' });

  const closed = await startServer(t);
  await closed.close();
  const offline = await statusJson([EXAMPLE], { STRUERE_API_URL: closed.url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY });
  assert.equal(offline.code, 0);
  assert.deepEqual(offline.projects[0]!.remote.development, { state: 'unknown', reason: 'offline' });

  const insecure = await statusJson([EXAMPLE], {
    STRUERE_API_URL: 'http://api.example.com',
    STRUERE_API_KEY_DEVELOPMENT: DEV_KEY,
  });
  assert.equal(insecure.code, 0);
  assert.deepEqual(insecure.projects[0]!.remote.development, { state: 'unknown', reason: 'error' });
  assert.match(insecure.stderr, /warning: refusing plain http to api\.example\.com/);

  const misconfigured = await statusJson([EXAMPLE], {
    STRUERE_API_URL: server.url,
    STRUERE_API_KEY_PRODUCTION: DEV_KEY,
  });
  assert.match(misconfigured.stderr, /warning: STRUERE_API_KEY_PRODUCTION does not start with sk_prod_/);
  assert.ok(!misconfigured.stderr.includes(DEV_KEY), 'the key itself is never printed');
});

void test('status over a folder of projects: one block per project in path order; exit 1 without any project', async (t) => {
  const ws = tempWorkspace({
    'zeta/struere.json': '{"name":"zeta-agent"}',
    'zeta/.env.development': 'Z=1\n',
    'alpha/struere.json': 'not json',
    'alpha/p.md': '{{secrets.ALPHA_KEY}}',
  });
  t.after(() => ws.dispose());
  const { projects } = await statusJson([ws.dir]);
  assert.deepEqual(
    projects.map((project) => [project.path, project.name, project.keys.map((row) => row.key)]),
    [
      ['alpha', 'alpha', ['ALPHA_KEY']],
      ['zeta', 'zeta-agent', ['Z']],
    ],
  );
  const text = await runCli(['status', ws.dir]);
  assert.match(text.stdout, /^alpha \(alpha\)\n[\s\S]*\n\nzeta-agent \(zeta\)\n/);

  const empty = tempWorkspace({ 'readme.md': 'nothing here' });
  t.after(() => empty.dispose());
  const none = await runCli(['status', empty.dir]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no Struere project/);
  const usage = await runCli(['status', empty.dir, '--env', 'production']);
  assert.equal(usage.code, 2);
});

void test('check counts remote names when a key is available: a key set only remotely is not missing', async (t) => {
  const server = await startServer(t);
  const before = await runCli(['check', EXAMPLE, '--format', 'json'], {
    env: { STRUERE_API_URL: server.url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY },
  });
  assert.equal(before.code, 0);
  const missing = (output: string) =>
    (JSON.parse(output) as { diagnostics: { code: string; message: string }[] }).diagnostics.filter(
      (d) => d.code === 'missing-secret',
    );
  const messages = missing(before.stdout);
  assert.equal(messages.length, 1);
  assert.match(messages[0]!.message, /development remote list \(fresh\) has no such key/);

  server.store.apply(['development', 'eval'], [{ key: 'PAGERDUTY_ROUTING_KEY', value: 'set in the dashboard' }]);
  const after = await runCli(['check', EXAMPLE, '--format', 'json'], {
    env: { STRUERE_API_URL: server.url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY },
  });
  assert.equal(after.code, 0);
  assert.deepEqual(missing(after.stdout), []);

  const withoutKey = await runCli(['check', EXAMPLE]);
  assert.match(withoutKey.stdout, /development remote list is unknown: no API key/);
});

void test('status names keys changed on the platform after this machine last synced them; control: none before the rotation', async (t) => {
  const server = await startServer(t);
  const ws = tempWorkspace({ 'struere.json': '{"name":"demo"}', '.env.development': 'ALPHA=a\nBETA=b\n' });
  t.after(() => ws.dispose());
  const env = { STRUERE_API_URL: server.url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY };
  assert.equal((await runCli(['sync', ws.dir], { env })).code, 0);
  const before = await runCli(['status', ws.dir, '--format', 'json'], { env });
  const [project] = (JSON.parse(before.stdout) as { projects: StatusJsonProject[] }).projects;
  assert.equal(project?.changedOnPlatform, undefined, 'control: nothing rotated yet');

  const rotatedAt = server.store.dashboardWrite('development', 'BETA', 'rotated');
  const text = await runCli(['status', ws.dir], { env });
  assert.equal(text.code, 0, text.stderr);
  const date = `${rotatedAt.slice(0, 10)} ${rotatedAt.slice(11, 16)} UTC`;
  assert.ok(
    text.stdout.includes(`changed on the platform after this machine's last sync (development): BETA (${date})`),
    text.stdout,
  );
  const json = await runCli(['status', ws.dir, '--format', 'json'], { env });
  const [after] = (JSON.parse(json.stdout) as { projects: StatusJsonProject[] }).projects;
  assert.deepEqual(after?.changedOnPlatform, { development: [{ key: 'BETA', updatedAt: rotatedAt }] });
});
