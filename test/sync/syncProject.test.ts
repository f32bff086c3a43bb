import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { prepareSync, type PreparedSync } from '../../engine/sync/syncFlow';
import { DEFAULT_LOCK_DIR } from '../../engine/sync/syncLock';
import { planSync, type SyncPlan } from '../../engine/sync/syncPlan';
import { planLines } from '../../engine/sync/syncReportText';
import {
  everyKey,
  everyKeyReadAsWritten,
  syncProject,
  withOverwrites,
  type KeyChoice,
} from '../../engine/sync/syncProject';
import { tempWorkspace } from '../support/tempWorkspace';
import { assertStoredValues, DEV_KEY, fastClient, generatedSecrets, startServer } from '../support/apiHelpers';

// The one sync flow both front ends call (engine/sync/syncProject.ts) against the local API:
// plan → log → confirm (which keys) → upsert under the lock → describe, every ending an outcome.

type TestContext = { after: (fn: () => void) => void };

async function prepared(t: TestContext, values: ReadonlyMap<string, string>): Promise<PreparedSync> {
  const text = [...values].map(([key, value]) => `${key}=${JSON.stringify(value)}`).join('\n');
  const ws = tempWorkspace({ 'struere.json': '{}', '.env.development': text });
  t.after(() => ws.dispose());
  return prepareSync({ projectRoot: ws.dir, environment: 'development', apiKey: DEV_KEY });
}

function puts(server: { log: { entries(): { method: string }[] } }): number {
  return server.log.entries().filter((entry) => entry.method === 'PUT').length;
}

void test('plan → log → confirm → upload with progress → describe: the plan is logged before confirm is asked', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  await client.upsert([
    { key: 'KEY_0000', value: 'old' },
    { key: 'REMOTE_ONLY', value: 'dashboard' },
  ]);
  const values = generatedSecrets(25);
  const events: string[] = [];
  const outcome = await syncProject(await prepared(t, values), client, {
    log: (line) => events.push(`log ${line}`),
    confirm: async (plan) => {
      events.push('confirm');
      return withOverwrites(plan, new Set(['KEY_0000']));
    },
    progress: async (keyCount, upload) => {
      events.push(`progress ${keyCount} keys`);
      const report = await upload((p) => events.push(`batch ${p.batchesDone}/${p.batchesTotal}`));
      events.push('progress done');
      return report;
    },
    limits: { maxItems: 10 },
  });

  assert.equal(outcome.kind, 'ran');
  assert.deepEqual(events, [
    'log plan: 24 to create, 0 to update, 1 remote-only kept (sync never deletes)',
    'log   create: KEY_0001, KEY_0002, KEY_0003, KEY_0004, KEY_0005, KEY_0006, KEY_0007, KEY_0008, KEY_0009, KEY_0010, ' +
      'KEY_0011, KEY_0012, KEY_0013, KEY_0014, KEY_0015, KEY_0016, KEY_0017, KEY_0018, KEY_0019, KEY_0020, … and 4 more',
    'log   remote-only, kept: REMOTE_ONLY',
    'log   unverified (this machine never wrote them), not sent: KEY_0000',
    'confirm',
    'progress 25 keys',
    'batch 1/3',
    'batch 2/3',
    'batch 3/3',
    'progress done',
  ]);
  assert.equal(
    outcome.described.summary,
    'synced 25 keys to development (+ eval): 24 created, 1 updated; 1 remote-only kept',
  );
  assertStoredValues(server, 'development', new Map([...values, ['REMOTE_ONLY', 'dashboard']]));
});

void test('confirm may choose some keys: only those are sent, and the report counts only them', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  let seen: SyncPlan | undefined;
  const outcome = await syncProject(await prepared(t, generatedSecrets(5)), client, {
    confirm: async (plan) => {
      seen = plan;
      return new Set(['KEY_0001', 'KEY_0003', 'NOT_IN_THE_FILE']);
    },
  });
  assert.deepEqual(seen?.create, ['KEY_0000', 'KEY_0001', 'KEY_0002', 'KEY_0003', 'KEY_0004']);
  assert.equal(outcome.kind, 'ran');
  assert.deepEqual(outcome.report.written, ['KEY_0001', 'KEY_0003']);
  assert.deepEqual(server.store.names('development').sort(), ['KEY_0001', 'KEY_0003']);
  assert.equal(outcome.described.summary, 'synced 2 keys to development (+ eval): 2 created, 0 updated');
});

void test('confirm saying no (undefined or false) sends nothing; an empty choice sends nothing and reports it', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  const project = await prepared(t, generatedSecrets(3));
  for (const answer of [undefined, false] as KeyChoice[]) {
    const outcome = await syncProject(project, client, { confirm: async () => answer });
    assert.equal(outcome.kind, 'declined', String(answer));
    assert.deepEqual(outcome.plan.create, ['KEY_0000', 'KEY_0001', 'KEY_0002']);
  }
  const none = await syncProject(project, client, { confirm: async () => new Set() });
  assert.equal(none.kind, 'ran');
  assert.deepEqual([none.report.written, none.report.notWritten, none.report.requests], [[], [], 0]);
  assert.equal(puts(server), 0);
});

void test('a failed listing is an outcome: its reason in words, confirm never asked, nothing written', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server, { apiKey: 'sk_dev_revoked' });
  const logged: string[] = [];
  const outcome = await syncProject(await prepared(t, generatedSecrets(2)), client, {
    log: (line) => logged.push(line),
    confirm: () => assert.fail('confirm is not asked without a plan'),
  });
  assert.equal(outcome.kind, 'list-failed');
  assert.match(outcome.reason, /^the API key was rejected \(401\)/);
  assert.deepEqual(logged, []);
  assert.equal(puts(server), 0);
});

void test('a project locked by another process is refused as an outcome, after confirm, and nothing is sent', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  const project = await prepared(t, generatedSecrets(3));
  const holder = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'fixtures/lockHolder.ts'), project.projectRoot, DEFAULT_LOCK_DIR],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  t.after(() => {
    if (holder.exitCode === null) holder.kill();
  });
  const lines = createInterface({ input: holder.stdout })[Symbol.asyncIterator]();
  assert.equal((await lines.next()).value, 'locked');

  const outcome = await syncProject(project, client, { confirm: async (plan) => everyKey(plan) });
  assert.equal(outcome.kind, 'refused');
  assert.equal(outcome.error.reason, 'locked');
  assert.match(outcome.error.message, /another sync of .* is running .*; nothing was sent$/);
  assert.equal(puts(server), 0);

  holder.stdin.end();
  await once(holder, 'close');
});

void test('planLines: counts first, then each kind that has keys, bounded', () => {
  const none = { create: [], update: [], unchanged: [], rotated: [], conflict: [], unverified: [], misread: [] };
  assert.deepEqual(planLines({ ...none, remoteOnly: [] }), [
    'plan: 0 to create, 0 to update, 0 remote-only kept (sync never deletes)',
  ]);
  const many = [...generatedSecrets(21).keys()];
  assert.deepEqual(planLines({ ...none, create: ['A'], remoteOnly: many }), [
    'plan: 1 to create, 0 to update, 21 remote-only kept (sync never deletes)',
    '  create: A',
    `  remote-only, kept: ${many.slice(0, 20).join(', ')}, … and 1 more`,
  ]);
});

void test('dotenv-misread keys: prepareSync finds them, the plan names them, a save leaves them out', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'struere-misread-'));
  writeFileSync(path.join(root, 'struere.json'), '{}');
  // `#` cuts the unquoted value; `${HOST}` stays literal; the others read as written.
  writeFileSync(
    path.join(root, '.env.development'),
    'DB_PASSWORD=abc#def\nAPI_URL=${HOST}/v1\nPLAIN=value\nQUOTED="a#b"\n',
  );
  const prepared = await prepareSync({ projectRoot: root, environment: 'development', apiKey: 'sk_dev_x' });
  assert.deepEqual([...prepared.misread].sort(), ['API_URL', 'DB_PASSWORD']);
  const plan = planSync(prepared.values, new Map(), prepared.misread);
  assert.deepEqual(plan.misread, ['API_URL', 'DB_PASSWORD']);
  assert.ok(planLines(plan).some((line) => /dotenv-misread\): API_URL, DB_PASSWORD$/.test(line)));
  assert.deepEqual([...everyKeyReadAsWritten(plan)].sort(), ['PLAIN', 'QUOTED']);
  // Control: a command's answer (everyKey) still sends them, after the plan named them.
  assert.deepEqual([...everyKey(plan)].sort(), ['API_URL', 'DB_PASSWORD', 'PLAIN', 'QUOTED']);
  // No value in the plan's lines.
  for (const line of planLines(plan)) assert.ok(!/abc|def|HOST/.test(line), line);
});
