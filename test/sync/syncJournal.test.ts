import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { ApiClient } from '../../engine/api/apiClient';
import { setOneSecret } from '../../engine/sync/setOneSecret';
import { prepareSync } from '../../engine/sync/syncFlow';
import { stateDirectory } from '../../engine/sync/syncJournal';
import type { SyncPlan } from '../../engine/sync/syncPlan';
import { everyKey, syncProject, withOverwrites, type SyncOutcome } from '../../engine/sync/syncProject';
import type { LocalApiServer } from '../../local-api/server';
import { assertStoredValues, DEV_KEY, fastClient, startServer } from '../support/apiHelpers';
import { freshStateDir } from '../support/stateDir';
import { tempWorkspace } from '../support/tempWorkspace';

// The sync journal end to end (engine/sync/syncJournal.ts): the real sync flow against the local API on
// 127.0.0.1, a state folder of each test's own, and the local API's test-only dashboard write to rotate a value
// behind the sync's back. Each state has its control: the same step without the rotation or the edit.

type TestContext = { after: (fn: () => void | Promise<void>) => void };

interface Fixture {
  readonly server: LocalApiServer;
  readonly client: ApiClient;
  readonly stateDir: string;
  /** The project folder. */
  readonly root: string;
  /** Rewrites .env.development with `values`. */
  write(values: ReadonlyMap<string, string>): void;
  /** One sync of the file as it is now; `choose` answers confirm (default: a plain yes, everyKey). */
  sync(choose?: (plan: SyncPlan) => ReadonlySet<string>, client?: SyncClient): Promise<Ran>;
  puts(): number;
}

type SyncClient = Pick<ApiClient, 'listNames' | 'upsert' | 'baseUrl'>;
type Ran = Extract<SyncOutcome, { kind: 'ran' }> & { lines: string[] };

async function fixture(t: TestContext, values: ReadonlyMap<string, string>): Promise<Fixture> {
  const server = await startServer(t);
  const client = fastClient(t, server);
  const stateDir = freshStateDir(t);
  const ws = tempWorkspace({ 'struere.json': '{}' });
  t.after(() => ws.dispose());
  const write = (next: ReadonlyMap<string, string>): void => {
    ws.write('.env.development', [...next].map(([key, value]) => `${key}=${JSON.stringify(value)}`).join('\n'));
  };
  write(values);
  return {
    server,
    client,
    stateDir,
    root: ws.dir,
    write,
    async sync(choose = everyKey, through = client) {
      const prepared = await prepareSync({ projectRoot: ws.dir, environment: 'development', apiKey: DEV_KEY });
      const lines: string[] = [];
      const outcome = await syncProject(prepared, through, {
        confirm: async (plan) => choose(plan),
        log: (line) => lines.push(line),
        stateDir,
      });
      assert.equal(outcome.kind, 'ran');
      return { ...outcome, lines };
    },
    puts: () => server.log.entries().filter((entry) => entry.method === 'PUT').length,
  };
}

const VALUES = new Map([
  ['ALPHA', 'alpha-1'],
  ['BETA', 'beta-1'],
  ['GAMMA', 'gamma-1'],
]);

void test('new → created; a second sync with nothing changed sends nothing; one local edit sends one key', async (t) => {
  const f = await fixture(t, VALUES);
  const first = await f.sync();
  assert.deepEqual(first.plan.create, ['ALPHA', 'BETA', 'GAMMA']);
  assert.deepEqual(first.report.written, ['ALPHA', 'BETA', 'GAMMA']);

  const again = await f.sync();
  assert.deepEqual(again.plan.unchanged, ['ALPHA', 'BETA', 'GAMMA']);
  assert.equal(again.report.requests, 0);
  assert.equal(f.puts(), 1, 'no upsert for a sync with nothing changed');
  assert.match(again.described.summary, /: 0 created, 0 updated; 3 unchanged \(skipped\)$/);

  f.write(new Map([...VALUES, ['BETA', 'beta-2']]));
  const edited = await f.sync();
  assert.deepEqual([edited.plan.update, edited.plan.unchanged], [['BETA'], ['ALPHA', 'GAMMA']]);
  assert.deepEqual([edited.report.written, edited.report.requests], [['BETA'], 1]);
  assertStoredValues(f.server, 'development', new Map([...VALUES, ['BETA', 'beta-2']]));
});

void test('rotated on the platform, local unchanged: kept, named with the platform date; control: no rotation, unchanged', async (t) => {
  const f = await fixture(t, VALUES);
  await f.sync();
  const rotatedAt = f.server.store.dashboardWrite('development', 'ALPHA', 'alpha-rotated');
  const second = await f.sync();
  assert.deepEqual(second.plan.rotated, [{ key: 'ALPHA', updatedAt: rotatedAt }]);
  assert.deepEqual(second.plan.unchanged, ['BETA', 'GAMMA'], 'control: the keys nobody rotated');
  const date = `${rotatedAt.slice(0, 10)} ${rotatedAt.slice(11, 16)} UTC`;
  assert.ok(
    second.lines.includes(`  ALPHA: rotated on the platform on ${date}; your local value is older: kept`),
    second.lines.join('\n'),
  );
  assert.match(second.described.summary, /1 kept \(rotated on the platform\)/);
  assert.equal(second.report.requests, 0);
  assertStoredValues(f.server, 'development', new Map([['ALPHA', 'alpha-rotated']]), { subset: true });

  // Named on purpose, it is sent; then the journal knows the new write and the key is unchanged again.
  const overwritten = await f.sync((plan) => withOverwrites(plan, new Set(['ALPHA'])));
  assert.deepEqual(overwritten.report.written, ['ALPHA']);
  assert.deepEqual((await f.sync()).plan.unchanged, ['ALPHA', 'BETA', 'GAMMA']);
});

void test('conflict (both changed) is not sent without a choice; unverified (never written here) is not sent', async (t) => {
  const f = await fixture(t, VALUES);
  await f.sync();
  f.server.store.dashboardWrite('development', 'BETA', 'beta-dashboard');
  f.server.store.apply(['development', 'eval'], [{ key: 'DELTA', value: 'delta-elsewhere' }]);
  f.write(new Map([...VALUES, ['BETA', 'beta-local'], ['DELTA', 'delta-local'], ['GAMMA', 'gamma-2']]));
  const run = await f.sync();
  assert.deepEqual(
    run.plan.conflict.map((c) => c.key),
    ['BETA'],
  );
  assert.deepEqual(run.plan.unverified, ['DELTA']);
  assert.deepEqual(run.plan.update, ['GAMMA'], 'control: a local edit alone is sent');
  assert.deepEqual(run.report.written, ['GAMMA']);
  assert.ok(
    run.lines.some((line) => /^ {2}BETA: changed on the platform on .* and locally: conflict, not sent$/.test(line)),
  );
  assert.ok(run.lines.includes('  unverified (this machine never wrote them), not sent: DELTA'));
  assertStoredValues(
    f.server,
    'development',
    new Map([
      ['BETA', 'beta-dashboard'],
      ['DELTA', 'delta-elsewhere'],
    ]),
    { subset: true },
  );
  const all = await f.sync((plan) => withOverwrites(plan, 'all'));
  assert.deepEqual(all.report.written, ['BETA', 'DELTA']);
});

void test('a damaged, a newer-version and an unreadable journal: no crash, every platform key unverified, said once', async (t) => {
  const f = await fixture(t, VALUES);
  await f.sync();
  const file = path.join(
    f.stateDir,
    readdirSync(f.stateDir).find((name) => name.startsWith('journal-'))!,
  );
  const valid = readFileSync(file, 'utf8');

  for (const [label, damage, problem] of [
    ['damaged', () => writeFileSync(file, '{"version":1,"keys":'), /is damaged \(not JSON\)/],
    ['wrong shape', () => writeFileSync(file, '{"version":1,"keys":{"A":{"updatedAt":3}}}'), /is damaged/],
    ['newer', () => writeFileSync(file, '{"version":99}'), /written by a newer version \(99\)/],
  ] as const) {
    damage();
    const run = await f.sync();
    assert.match(run.plan.journalProblem ?? '', problem, label);
    assert.deepEqual(run.plan.unverified, ['ALPHA', 'BETA', 'GAMMA'], label);
    assert.equal(run.report.requests, 0, `${label}: nothing sent`);
    assert.ok(
      run.lines.some((line) => line.startsWith('  journal: ')),
      label,
    );
  }
  assert.equal(readFileSync(file, 'utf8'), '{"version":99}', "a newer version's journal is never replaced");

  // A damaged journal is replaced by the next write; then the journal is in use again.
  writeFileSync(file, 'garbage');
  await f.sync((plan) => withOverwrites(plan, 'all'));
  const healed = await f.sync();
  assert.equal(healed.plan.journalProblem, undefined);
  assert.deepEqual(healed.plan.unchanged, ['ALPHA', 'BETA', 'GAMMA']);

  // Unreadable: a folder where the file should be; control: the same valid text at the path reads fine.
  writeFileSync(file, valid);
  assert.equal((await f.sync()).plan.journalProblem, undefined);
  rmSync(file);
  mkdirSync(file);
  const unreadable = await f.sync();
  assert.match(unreadable.plan.journalProblem ?? '', /cannot be read \(EISDIR\)/);
  assert.deepEqual(unreadable.plan.unverified, ['ALPHA', 'BETA', 'GAMMA']);
  rmSync(file, { recursive: true });
  writeFileSync(file, valid);

  const key = path.join(f.stateDir, 'journal.key');
  writeFileSync(key, 'not a key');
  const broken = await f.sync();
  assert.match(broken.plan.journalProblem ?? '', /journal key .* is damaged/);
  assert.deepEqual(broken.plan.unverified, ['ALPHA', 'BETA', 'GAMMA']);
});

void test('a lost PUT answer (applied, then retried): the journal holds the final updatedAt; the next sync sends nothing', async (t) => {
  const f = await fixture(t, VALUES);
  const loseNextAnswer = injecting(f.client, 'upsert', () => f.server.faults.dropNext(1, { afterApply: true }));
  const run = await f.sync(everyKey, loseNextAnswer);
  assert.deepEqual(run.report.written, ['ALPHA', 'BETA', 'GAMMA']);
  const dropped = f.server.log.entries().filter((entry) => entry.fault === 'drop-after-apply');
  assert.deepEqual(
    dropped.map((entry) => entry.method),
    ['PUT'],
    'control: a PUT answer was really lost',
  );
  const next = await f.sync();
  assert.deepEqual(next.plan.unchanged, ['ALPHA', 'BETA', 'GAMMA']);
  assert.equal(next.report.requests, 0);
});

void test('a PUT whose outcome stays unknown: journalled as pending, sent again next time (not a conflict), then unchanged', async (t) => {
  const f = await fixture(t, VALUES);
  await f.sync();
  f.write(new Map([...VALUES, ['ALPHA', 'alpha-2']]));
  // The first attempt and every retry (5) lose their answer after applying: the outcome is unknown.
  const loseEveryAnswer = injecting(f.client, 'upsert', () => f.server.faults.dropNext(6, { afterApply: true }));
  const lost = await f.sync(everyKey, loseEveryAnswer);
  assert.deepEqual(lost.report.unknown, ['ALPHA']);
  const retried = await f.sync();
  assert.deepEqual(retried.plan.update, ['ALPHA'], 'our own write is not taken for a rotation');
  assert.deepEqual(retried.plan.conflict, []);
  assert.deepEqual(retried.report.written, ['ALPHA']);
  assert.deepEqual((await f.sync()).plan.unchanged, ['ALPHA', 'BETA', 'GAMMA']);
});

/** The real client, with a dashboard write injected at one moment of the flow. */
function injecting(client: ApiClient, before: 'upsert' | 'second listing', rotate: () => void): SyncClient {
  let listings = 0;
  return {
    baseUrl: client.baseUrl,
    listNames: (environment, options) => {
      if (before === 'second listing' && ++listings === 2) rotate();
      return client.listNames(environment, options);
    },
    upsert: (items, options) => {
      if (before === 'upsert') rotate();
      return client.upsert(items, options);
    },
  };
}

void test('README window 1: a dashboard write between our listing and our upsert is overwritten (no precondition)', async (t) => {
  const f = await fixture(t, VALUES);
  await f.sync();
  f.write(new Map([...VALUES, ['ALPHA', 'alpha-2']]));
  const run = await f.sync(
    everyKey,
    injecting(f.client, 'upsert', () => {
      f.server.store.dashboardWrite('development', 'ALPHA', 'alpha-dashboard');
    }),
  );
  assert.deepEqual(run.report.written, ['ALPHA']);
  assertStoredValues(f.server, 'development', new Map([['ALPHA', 'alpha-2']]), { subset: true });
  // Our write is the last: the journal records it, so the next sync sees nothing to do.
  assert.deepEqual((await f.sync()).plan.unchanged, ['ALPHA', 'BETA', 'GAMMA']);
});

void test('README window 2: a dashboard write between our upsert and the recording listing stays, unreported', async (t) => {
  const f = await fixture(t, VALUES);
  await f.sync();
  f.write(new Map([...VALUES, ['ALPHA', 'alpha-2']]));
  await f.sync(
    everyKey,
    injecting(f.client, 'second listing', () => {
      f.server.store.dashboardWrite('development', 'ALPHA', 'alpha-dashboard');
    }),
  );
  assertStoredValues(f.server, 'development', new Map([['ALPHA', 'alpha-dashboard']]), { subset: true });
  // The journal took the dashboard's updatedAt for ours: the platform keeps the dashboard value, unreported.
  const next = await f.sync();
  assert.deepEqual(next.plan.unchanged, ['ALPHA', 'BETA', 'GAMMA']);
  assert.deepEqual(next.plan.rotated, []);
  // Control: the same rotation after the recording listing is seen.
  f.server.store.dashboardWrite('development', 'BETA', 'beta-dashboard');
  assert.deepEqual(
    (await f.sync()).plan.rotated.map((c) => c.key),
    ['BETA'],
  );
});

void test('Set Secret with its project is journalled: a later sync of the same value sends nothing; control: without it, unverified', async (t) => {
  const f = await fixture(t, new Map([['TOKEN', 'token-1']]));
  const set = (projectRoot?: string) =>
    setOneSecret({
      apiUrl: f.server.url,
      apiKey: DEV_KEY,
      environment: 'development',
      key: 'TOKEN',
      value: 'token-1',
      stateDir: f.stateDir,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      ...(projectRoot ? { projectRoot } : {}),
    });
  await set();
  assert.deepEqual((await f.sync()).plan.unverified, ['TOKEN'], 'control: a write the journal never saw');
  const result = await set(f.root);
  assert.equal(result.journalProblem, undefined);
  const after = await f.sync();
  assert.deepEqual(after.plan.unchanged, ['TOKEN']);
  assert.equal(after.report.requests, 0);
});

void test('a value set on the platform over an older one in the env file is kept by the next sync, not overwritten', async (t) => {
  const f = await fixture(t, new Map([['TOKEN', 'token-old']]));
  await f.sync();
  // The person sets a new value straight to the platform; the env file still holds the old one.
  await setOneSecret({
    apiUrl: f.server.url,
    apiKey: DEV_KEY,
    environment: 'development',
    key: 'TOKEN',
    value: 'token-new',
    stateDir: f.stateDir,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    projectRoot: f.root,
  });
  const after = await f.sync();
  assert.deepEqual(after.plan.unchanged, ['TOKEN'], 'the older file value is not sent back');
  assert.equal(after.report.requests, 0);
  assertStoredValues(f.server, 'development', new Map([['TOKEN', 'token-new']]));
  // Control: an edit of the file after the set is the person's new word, and is sent.
  f.write(new Map([['TOKEN', 'token-newest']]));
  const edited = await f.sync();
  assert.deepEqual(edited.plan.update, ['TOKEN']);
  assertStoredValues(f.server, 'development', new Map([['TOKEN', 'token-newest']]));
});

const CANARY = 'CANARY_journal_value_7f3a9c';

void test('the journal holds no value and no unkeyed hash of one (canary, sha256/sha1/md5 hex and base64); 0700 and 0600', async (t) => {
  const f = await fixture(t, new Map([['SECRET_KEY', CANARY]]));
  await f.sync();
  const files = readdirSync(f.stateDir);
  assert.ok(files.some((name) => name.startsWith('journal-')) && files.includes('journal.key'), files.join(', '));
  const text = files.map((name) => readFileSync(path.join(f.stateDir, name), 'utf8')).join('\n');
  assert.ok(text.includes('SECRET_KEY'), 'control: the journal names the key it holds');

  const forms = [CANARY, `SECRET_KEY\0${CANARY}`].flatMap((input) =>
    ['sha256', 'sha1', 'md5'].flatMap((algorithm) => {
      const digest = createHash(algorithm).update(input).digest();
      return [digest.toString('hex'), digest.toString('base64'), digest.toString('base64url')];
    }),
  );
  const found = (haystack: string): string[] => [CANARY, ...forms].filter((needle) => haystack.includes(needle));
  assert.deepEqual(found(text), []);
  // Control: the search finds each form when it is there.
  assert.equal(found(`x${forms.join(' ')}${CANARY}`).length, forms.length + 1);

  if (process.platform !== 'win32') {
    assert.equal(statSync(f.stateDir).mode & 0o777, 0o700);
    for (const name of files) assert.equal(statSync(path.join(f.stateDir, name)).mode & 0o777, 0o600, name);
  }
});

void test('a state folder writable by others is not trusted: no journal, said; control: the same folder at 0700', async (t) => {
  const f = await fixture(t, VALUES);
  await f.sync();
  if (process.platform === 'win32') return;
  chmodSync(f.stateDir, 0o777);
  const loose = await f.sync();
  assert.match(loose.plan.journalProblem ?? '', /writable by group or others/);
  assert.deepEqual(loose.plan.unverified, ['ALPHA', 'BETA', 'GAMMA']);
  chmodSync(f.stateDir, 0o700);
  assert.deepEqual((await f.sync()).plan.unchanged, ['ALPHA', 'BETA', 'GAMMA']);
});

void test('stateDirectory: the override, XDG (absolute only), macOS and Windows folders', () => {
  const home = '/home/u';
  assert.equal(stateDirectory({ STRUERE_SECRETS_STATE_DIR: '/tmp/s' }, 'linux', home), '/tmp/s');
  assert.equal(stateDirectory({ XDG_STATE_HOME: '/x/state' }, 'linux', home), '/x/state/struere-secrets');
  assert.equal(stateDirectory({ XDG_STATE_HOME: 'relative' }, 'linux', home), '/home/u/.local/state/struere-secrets');
  assert.equal(stateDirectory({}, 'linux', home), '/home/u/.local/state/struere-secrets');
  assert.equal(stateDirectory({}, 'darwin', home), '/home/u/Library/Application Support/struere-secrets');
  assert.equal(
    stateDirectory({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', home),
    path.join('C:\\Users\\u\\AppData\\Local', 'struere-secrets'),
  );
});
