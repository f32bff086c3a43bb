import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApiClient } from '../../engine/api/apiClient';
import { RemoteNameCache, type RemoteNameCacheOptions, type RemoteNameTarget } from '../../engine/api/remoteNameCache';
import { executeSync } from '../../engine/sync/syncRun';
import { DEV_KEY, PROD_KEY, generatedSecrets, startServer } from '../support/apiHelpers';

// Remote name lists: fresh / stale / unknown with reasons, per (API URL, project, environment).

const TTL = 600_000;

function newCache(
  t: { after: (fn: () => Promise<void>) => void },
  clock: { now: number },
  createClient?: RemoteNameCacheOptions['createClient'],
) {
  const cache = new RemoteNameCache({
    now: () => clock.now,
    createClient:
      createClient ??
      ((apiUrl, apiKey) => createApiClient({ baseUrl: apiUrl, apiKey, retry: { maxRetries: 1, baseDelayMs: 1 } })),
  });
  t.after(() => cache.dispose());
  return cache;
}

const names = (list: { names: ReadonlySet<string> }) => [...list.names].sort();

void test('a development key lists development and eval; production stays unknown without its key', async (t) => {
  const server = await startServer(t);
  const clock = { now: 1_000_000 };
  const cache = newCache(t, clock);
  const target: RemoteNameTarget = { apiUrl: server.url, project: '/projects/a' };
  assert.deepEqual(cache.get(target, 'development'), { state: 'unknown', names: new Set(), reason: 'not fetched yet' });

  const seed = createApiClient({ baseUrl: server.url, apiKey: DEV_KEY });
  t.after(() => seed.close());
  await seed.upsert([
    { key: 'B', value: 'b' },
    { key: 'A', value: 'a' },
  ]);
  server.log.clear();

  const lists = await cache.refresh(target, { development: DEV_KEY });
  assert.deepEqual(
    [lists.development.state, names(lists.development), lists.development.fetchedAt],
    ['fresh', ['A', 'B'], clock.now],
  );
  assert.deepEqual([lists.eval.state, names(lists.eval)], ['fresh', ['A', 'B']]);
  assert.deepEqual(lists.production, { state: 'unknown', names: new Set(), reason: 'no API key' });
  assert.deepEqual(
    server.log.entries().map((entry) => entry.path),
    ['/v1/secrets', '/v1/secrets?environment=eval'],
  );

  const both = await cache.refresh(target, { development: DEV_KEY, production: PROD_KEY });
  assert.deepEqual([both.production.state, names(both.production)], ['fresh', []]);
});

void test('fresh within the TTL, stale after it with names kept; ensureFresh refetches only when needed', async (t) => {
  const server = await startServer(t);
  const clock = { now: 5_000_000 };
  const cache = newCache(t, clock);
  const target = { apiUrl: server.url, project: '/p' };
  await cache.refresh(target, { development: DEV_KEY });
  clock.now += TTL - 1;
  assert.equal(cache.get(target, 'development').state, 'fresh');
  server.log.clear();
  await cache.ensureFresh(target, { development: DEV_KEY });
  assert.equal(server.log.size, 0, 'nothing fetched while fresh');

  clock.now += 1;
  assert.equal(cache.get(target, 'development').state, 'stale');
  assert.equal(cache.get(target, 'eval').state, 'stale');
  const refreshed = await cache.ensureFresh(target, { development: DEV_KEY });
  assert.equal(refreshed.development.state, 'fresh');
  assert.equal(server.log.size, 2);
});

void test('offline keeps the last names (fresh or stale by age); offline before any listing is unknown', async (t) => {
  const server = await startServer(t);
  const clock = { now: 0 };
  const cache = newCache(t, clock);
  const target = { apiUrl: server.url, project: '/p' };
  const seed = createApiClient({ baseUrl: server.url, apiKey: DEV_KEY });
  await seed.upsert([{ key: 'KNOWN', value: 'k' }]);
  await seed.close();
  await cache.refresh(target, { development: DEV_KEY });
  await server.close();

  clock.now += 1_000;
  const offlineFresh = await cache.refresh(target, { development: DEV_KEY });
  assert.deepEqual([offlineFresh.development.state, names(offlineFresh.development)], ['fresh', ['KNOWN']]);
  clock.now += TTL;
  const offlineStale = await cache.refresh(target, { development: DEV_KEY });
  assert.deepEqual(
    [offlineStale.development.state, names(offlineStale.development), offlineStale.development.fetchedAt],
    ['stale', ['KNOWN'], 0],
  );

  const never = await cache.refresh({ apiUrl: server.url, project: '/other' }, { development: DEV_KEY });
  assert.deepEqual(never.development, { state: 'unknown', names: new Set(), reason: 'offline' });
});

void test('401 makes development and eval unknown with one request; names from before are dropped', async (t) => {
  const server = await startServer(t, { apiKeys: [DEV_KEY, 'sk_dev_revoked'] });
  const clock = { now: 0 };
  const cache = newCache(t, clock);
  const target = { apiUrl: server.url, project: '/p' };
  const seed = createApiClient({ baseUrl: server.url, apiKey: DEV_KEY });
  await seed.upsert([{ key: 'KNOWN', value: 'k' }]);
  await seed.close();
  assert.deepEqual(names((await cache.refresh(target, { development: 'sk_dev_revoked' })).development), ['KNOWN']);
  server.setApiKeys([DEV_KEY]);
  server.log.clear();
  const lists = await cache.refresh(target, { development: 'sk_dev_revoked' });
  assert.deepEqual(lists.development, { state: 'unknown', names: new Set(), reason: 'unauthorized (401)' });
  assert.deepEqual(lists.eval, { state: 'unknown', names: new Set(), reason: 'unauthorized (401)' });
  assert.equal(server.log.size, 1);
});

void test('403 is unknown (forbidden); a key whose prefix names another environment is never sent', async (t) => {
  const server = await startServer(t);
  const clock = { now: 0 };
  // A deployment whose "development" credentials are really a production key: listing eval is forbidden.
  const cache = newCache(t, clock, (apiUrl) =>
    createApiClient({ baseUrl: apiUrl, apiKey: PROD_KEY, retry: { maxRetries: 0 } }),
  );
  const target = { apiUrl: server.url, project: '/p' };
  const lists = await cache.refresh(target, { development: DEV_KEY });
  assert.deepEqual(lists.eval, { state: 'unknown', names: new Set(), reason: 'forbidden (403)' });
  assert.deepEqual(
    lists.development,
    { state: 'unknown', names: new Set(), reason: 'error' },
    'answered for production: not trusted',
  );

  const plain = newCache(t, clock);
  server.log.clear();
  const mismatched = await plain.refresh(target, { development: PROD_KEY });
  assert.equal(mismatched.development.reason, 'error');
  assert.equal(server.log.size, 0);
  const insecure = await plain.refresh({ apiUrl: 'http://api.struere.dev', project: '/p' }, { development: DEV_KEY });
  assert.equal(insecure.development.reason, 'error');
});

void test('refresh after a sync shows the new names; concurrent refreshes share their requests; targets are separate', async (t) => {
  const server = await startServer(t);
  const clock = { now: 0 };
  const cache = newCache(t, clock);
  const target = { apiUrl: server.url, project: '/p' };
  await cache.refresh(target, { development: DEV_KEY });
  assert.equal(cache.get(target, 'eval').names.size, 0);

  const client = createApiClient({ baseUrl: server.url, apiKey: DEV_KEY });
  t.after(() => client.close());
  const { result, remote } = await cache.syncAndRefresh(target, { development: DEV_KEY }, () =>
    executeSync({ client, values: generatedSecrets(3) }),
  );
  assert.equal(result.written.length, 3);
  assert.deepEqual(names(remote.development), ['KEY_0000', 'KEY_0001', 'KEY_0002'], 'refreshed after the sync');
  server.log.clear();
  const [first, second] = await Promise.all([
    cache.refresh(target, { development: DEV_KEY }),
    cache.refresh(target, { development: DEV_KEY }),
  ]);
  assert.equal(server.log.size, 2, 'development + eval once');
  assert.deepEqual(names(first.eval), ['KEY_0000', 'KEY_0001', 'KEY_0002']);
  assert.deepEqual(first, second);

  // A failed sync refreshes too: its first batch changed the lists.
  const failed = await cache.syncAndRefresh(target, { development: DEV_KEY }, () =>
    executeSync({ client, values: new Map([...generatedSecrets(100, 'FIRST'), ['ZZ-INVALID', 'v']]) }),
  );
  assert.equal(failed.result.error?.code, 'invalid_key');
  assert.equal(failed.remote.development.names.size, 103);

  const other = { apiUrl: server.url, project: '/q' };
  assert.equal(cache.get(other, 'development').state, 'unknown');
  cache.invalidate(target);
  assert.equal(cache.get(target, 'development').reason, 'not fetched yet');
});
