import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEV_KEY, PROD_KEY, assertStoredValues, errorOf, newAgent, raw, startServer } from '../support/apiHelpers';

// The local API server against every rule of docs/API.md, spoken to with plain HTTP requests.

const put = (secrets: unknown) => ({ body: { secrets } });

void test('auth: missing, malformed and unknown keys are 401; the prefix decides the environment', async (t) => {
  const server = await startServer(t, { apiKeys: [DEV_KEY, PROD_KEY, 'sk_dev_second', 'no_prefix_key'] });
  const agent = newAgent(t);
  for (const options of [
    { key: null },
    { authorization: 'Basic abc' },
    { authorization: 'Bearer' },
    { authorization: `Bearer ${DEV_KEY} extra` },
    { key: 'sk_dev_unknown' },
    { key: 'no_prefix_key' },
  ]) {
    const response = await raw(agent, server, 'GET', '/v1/secrets', options);
    assert.equal(response.status, 401);
    assert.equal(errorOf(response).code, 'unauthorized');
  }
  const development = await raw(agent, server, 'GET', '/v1/secrets', { key: 'sk_dev_second' });
  assert.equal(development.status, 200);
  assert.deepEqual(development.json, { environment: 'development', secrets: [] });
  const production = await raw(agent, server, 'GET', '/v1/secrets', { key: PROD_KEY });
  assert.deepEqual(production.json, { environment: 'production', secrets: [] });
  assert.equal(
    (await raw(agent, server, 'PUT', '/v1/secrets', { key: 'sk_prod_nope', ...put([{ key: 'A', value: 'v' }]) }))
      .status,
    401,
  );
  assert.equal(server.store.size('production'), 0);
});

void test('upsert: created/updated lists, idempotent repeat counts as updated, names-only listing sorted with updatedAt', async (t) => {
  let clock = Date.parse('2026-11-23T10:00:00.000Z');
  const server = await startServer(t, { now: () => new Date(clock) });
  const agent = newAgent(t);
  const first = await raw(
    agent,
    server,
    'PUT',
    '/v1/secrets',
    put([{ key: 'STRIPE_API_KEY', value: 'sk_test_51abc' }]),
  );
  assert.equal(first.status, 200);
  assert.deepEqual(first.json, {
    environment: 'development',
    created: ['STRIPE_API_KEY'],
    updated: [],
    mirrored: ['eval'],
  });

  clock += 1000;
  const body = put([
    { key: 'WELCOME_TEMPLATE', value: 'welcome_dev' },
    { key: 'STRIPE_API_KEY', value: 'sk_test_51abc' },
  ]);
  const second = await raw(agent, server, 'PUT', '/v1/secrets', body);
  assert.deepEqual(second.json, {
    environment: 'development',
    created: ['WELCOME_TEMPLATE'],
    updated: ['STRIPE_API_KEY'],
    mirrored: ['eval'],
  });
  const again = await raw(agent, server, 'PUT', '/v1/secrets', body);
  assert.deepEqual(again.json, {
    environment: 'development',
    created: [],
    updated: ['STRIPE_API_KEY', 'WELCOME_TEMPLATE'],
    mirrored: ['eval'],
  });

  // The repeat came in the same millisecond: updatedAt still moves (strictly increasing), so no write looks like
  // the one before it.
  const listing = await raw(agent, server, 'GET', '/v1/secrets');
  assert.deepEqual(listing.json, {
    environment: 'development',
    secrets: [
      { key: 'STRIPE_API_KEY', updatedAt: '2026-11-23T10:00:01.001Z' },
      { key: 'WELCOME_TEMPLATE', updatedAt: '2026-11-23T10:00:01.001Z' },
    ],
  });
  assert.ok(!JSON.stringify(listing.json).includes('welcome_dev'), 'a listing never carries values');
  assertStoredValues(
    server,
    'development',
    new Map([
      ['STRIPE_API_KEY', 'sk_test_51abc'],
      ['WELCOME_TEMPLATE', 'welcome_dev'],
    ]),
  );
});

void test('upsert leaves keys outside the body untouched; keys are case-sensitive', async (t) => {
  const server = await startServer(t);
  const agent = newAgent(t);
  await raw(
    agent,
    server,
    'PUT',
    '/v1/secrets',
    put([
      { key: 'KEEP', value: 'k' },
      { key: 'Token', value: 'a' },
    ]),
  );
  const response = await raw(agent, server, 'PUT', '/v1/secrets', put([{ key: 'TOKEN', value: 'b' }]));
  assert.deepEqual((response.json as { created: string[] }).created, ['TOKEN']);
  assertStoredValues(
    server,
    'development',
    new Map([
      ['KEEP', 'k'],
      ['Token', 'a'],
      ['TOKEN', 'b'],
    ]),
  );
});

void test('mirror: a development write lands in eval too; production is never mirrored', async (t) => {
  const server = await startServer(t);
  const agent = newAgent(t);
  await raw(agent, server, 'PUT', '/v1/secrets', put([{ key: 'DEV_ONLY', value: 'd' }]));
  const production = await raw(agent, server, 'PUT', '/v1/secrets', {
    key: PROD_KEY,
    ...put([{ key: 'PROD_ONLY', value: 'p' }]),
  });
  assert.deepEqual(production.json, { environment: 'production', created: ['PROD_ONLY'], updated: [], mirrored: [] });
  assertStoredValues(server, 'development', new Map([['DEV_ONLY', 'd']]));
  assertStoredValues(server, 'eval', new Map([['DEV_ONLY', 'd']]));
  assertStoredValues(server, 'production', new Map([['PROD_ONLY', 'p']]));
});

void test('eval listing: allowed with a development key, 403 with a production key', async (t) => {
  const server = await startServer(t);
  const agent = newAgent(t);
  await raw(agent, server, 'PUT', '/v1/secrets', put([{ key: 'MIRRORED', value: 'm' }]));
  const evalListing = await raw(agent, server, 'GET', '/v1/secrets?environment=eval');
  assert.equal(evalListing.status, 200);
  const listed = evalListing.json as { environment: string; secrets: { key: string }[] };
  assert.equal(listed.environment, 'eval');
  assert.deepEqual(
    listed.secrets.map((secret) => secret.key),
    ['MIRRORED'],
  );

  const forbidden = await raw(agent, server, 'GET', '/v1/secrets?environment=eval', { key: PROD_KEY });
  assert.equal(forbidden.status, 403);
  assert.equal(errorOf(forbidden).code, 'forbidden');
  assert.equal((await raw(agent, server, 'GET', '/v1/secrets?environment=production')).status, 403);
  assert.equal(
    (await raw(agent, server, 'PUT', '/v1/secrets?environment=eval', put([{ key: 'X', value: 'x' }]))).status,
    403,
  );
  assert.equal(server.store.has('eval', 'X'), false);
  const unknown = await raw(agent, server, 'GET', '/v1/secrets?environment=staging');
  assert.equal(unknown.status, 400);
  assert.equal(errorOf(unknown).code, 'bad_request');
});

void test('400 bad_request: malformed JSON, wrong shapes, empty list, duplicate key (with keys); nothing written', async (t) => {
  const server = await startServer(t);
  const agent = newAgent(t);
  const bodies: unknown[] = [
    '{"secrets":[{"key":"A","value":"v"}',
    Buffer.from([0x7b, 0xff, 0x7d]),
    '[]',
    { secret: [] },
    { secrets: {} },
    { secrets: [] },
    { secrets: [{ key: 'A' }] },
    { secrets: [{ key: 'A', value: 1 }] },
    { secrets: [{ key: 'A', value: 'v', extra: true }] },
    { secrets: [{ key: 'A', value: 'v' }], more: 1 },
    { secrets: ['A=v'] },
  ];
  for (const body of bodies) {
    const response = await raw(agent, server, 'PUT', '/v1/secrets', { body });
    assert.equal(response.status, 400);
    assert.equal(errorOf(response).code, 'bad_request');
  }
  const duplicate = await raw(
    agent,
    server,
    'PUT',
    '/v1/secrets',
    put([
      { key: 'A', value: '1' },
      { key: 'B', value: '2' },
      { key: 'A', value: '3' },
    ]),
  );
  assert.equal(duplicate.status, 400);
  assert.deepEqual(errorOf(duplicate).keys, ['A']);
  assert.equal(server.store.size('development'), 0);
});

void test('413 too_large: more than 100 items, or a body over 1 MiB; exactly 100 items is fine', async (t) => {
  const server = await startServer(t);
  const agent = newAgent(t);
  const items = (count: number) => Array.from({ length: count }, (_, index) => ({ key: `K${index}`, value: 'v' }));
  const tooMany = await raw(agent, server, 'PUT', '/v1/secrets', put(items(101)));
  assert.equal(tooMany.status, 413);
  assert.equal(errorOf(tooMany).code, 'too_large');
  assert.equal((await raw(agent, server, 'PUT', '/v1/secrets', put(items(100)))).status, 200);

  // 17 values of 62 KiB: each under the value limit, the body over 1 MiB.
  const big = Array.from({ length: 17 }, (_, index) => ({ key: `BIG_${index}`, value: 'b'.repeat(62 * 1024) }));
  const body = JSON.stringify({ secrets: big });
  assert.ok(Buffer.byteLength(body) > 1024 * 1024);
  const tooLarge = await raw(agent, server, 'PUT', '/v1/secrets', { body });
  assert.equal(tooLarge.status, 413);
  assert.equal(errorOf(tooLarge).code, 'too_large');
  assert.equal(server.store.has('development', 'BIG_0'), false);

  // Just under 1 MiB is accepted.
  const fits = JSON.stringify({ secrets: big.slice(0, 16) });
  assert.ok(Buffer.byteLength(fits) <= 1024 * 1024);
  assert.equal((await raw(agent, server, 'PUT', '/v1/secrets', { body: fits })).status, 200);
});

void test('422: invalid keys and values over 65,536 bytes are named, and the request is atomic', async (t) => {
  const server = await startServer(t);
  const agent = newAgent(t);
  const invalid = await raw(
    agent,
    server,
    'PUT',
    '/v1/secrets',
    put([
      { key: 'GOOD', value: 'g' },
      { key: '1BAD', value: 'x' },
      { key: 'my-key', value: 'x' },
      { key: 'with.dot', value: 'x' },
      { key: '', value: 'x' },
    ]),
  );
  assert.equal(invalid.status, 422);
  assert.equal(errorOf(invalid).code, 'invalid_key');
  assert.deepEqual(errorOf(invalid).keys, ['1BAD', 'my-key', 'with.dot', '']);

  const limit = 'é'.repeat(32_768); // exactly 65,536 UTF-8 bytes
  const over = `${limit}a`;
  const tooLarge = await raw(
    agent,
    server,
    'PUT',
    '/v1/secrets',
    put([
      { key: 'AT_LIMIT', value: limit },
      { key: 'OVER', value: over },
    ]),
  );
  assert.equal(tooLarge.status, 422);
  assert.equal(errorOf(tooLarge).code, 'value_too_large');
  assert.deepEqual(errorOf(tooLarge).keys, ['OVER']);
  assert.equal(server.store.size('development'), 0, 'nothing written');
  assert.equal(server.store.size('eval'), 0, 'nothing mirrored');

  assert.equal((await raw(agent, server, 'PUT', '/v1/secrets', put([{ key: 'AT_LIMIT', value: limit }]))).status, 200);
  assert.equal(server.store.get('development', 'AT_LIMIT') === limit, true);
});

void test('error bodies never echo values, even for malformed JSON', async (t) => {
  const server = await startServer(t);
  const agent = newAgent(t);
  const canary = 'CANARY_local_api_7c1e';
  const responses = [
    await raw(agent, server, 'PUT', '/v1/secrets', { body: `{"secrets":[{"key":"A","value":"${canary}"` }),
    await raw(agent, server, 'PUT', '/v1/secrets', {
      body: `{"secrets":[{"key":"A","value":"${canary}"},{"key":"A","value":"${canary}"}]}`,
    }),
    await raw(agent, server, 'PUT', '/v1/secrets', put([{ key: 'BAD-KEY', value: canary }])),
    await raw(agent, server, 'PUT', '/v1/secrets', put([{ key: 'OK', value: canary.repeat(5000) }])),
  ];
  for (const response of responses)
    assert.ok(!JSON.stringify(response.json).includes(canary), `status ${response.status} body leaks`);
  assert.ok(!JSON.stringify(server.log.entries()).includes(canary), 'request log leaks');
});

void test('unknown route is 404, wrong method is 405 with Allow', async (t) => {
  const server = await startServer(t);
  const agent = newAgent(t);
  for (const path of ['/', '/v1', '/v1/secrets/', '/v1/secrets/KEY', '/v2/secrets']) {
    const response = await raw(agent, server, 'GET', path);
    assert.equal(response.status, 404, path);
    assert.equal(errorOf(response).code, 'not_found');
  }
  for (const method of ['POST', 'DELETE', 'PATCH']) {
    const response = await raw(agent, server, method, '/v1/secrets', { body: { secrets: [] } });
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.allow, 'GET, PUT');
  }
});

void test('fault knobs: failNext with Retry-After, dropNext before and after the write, latency, seeded random rate', async (t) => {
  const server = await startServer(t);
  const agent = newAgent(t);
  server.faults.failNext(2, 429, { retryAfterSeconds: 3 });
  for (let index = 0; index < 2; index++) {
    const limited = await raw(agent, server, 'GET', '/v1/secrets');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '3');
    assert.equal(errorOf(limited).code, 'rate_limited');
  }
  for (const status of [500, 502, 503, 504] as const) {
    server.faults.failNext(1, status);
    const response = await raw(agent, server, 'PUT', '/v1/secrets', put([{ key: 'NOT_WRITTEN', value: 'v' }]));
    assert.equal(response.status, status);
    assert.equal(errorOf(response).code, status === 500 ? 'internal' : 'unavailable');
  }
  assert.equal(server.store.has('development', 'NOT_WRITTEN'), false);

  server.faults.dropNext(1);
  await assert.rejects(raw(agent, server, 'PUT', '/v1/secrets', put([{ key: 'DROPPED', value: 'v' }])));
  assert.equal(server.store.has('development', 'DROPPED'), false);
  server.faults.dropNext(1, { afterApply: true });
  await assert.rejects(raw(agent, server, 'PUT', '/v1/secrets', put([{ key: 'APPLIED', value: 'v' }])));
  assert.equal(server.store.has('development', 'APPLIED'), true);
  assert.equal(server.store.has('eval', 'APPLIED'), true);
  const drops = server.log.entries().filter((entry) => entry.status === 0);
  assert.deepEqual(
    drops.map((entry) => [entry.fault, entry.applied ?? false]),
    [
      ['drop', false],
      ['drop-after-apply', true],
    ],
  );

  server.faults.setLatency(60);
  const started = performance.now();
  assert.equal((await raw(agent, server, 'GET', '/v1/secrets')).status, 200);
  assert.ok(performance.now() - started >= 55);
  server.faults.setLatency(0);

  const schedule = async (seed: number) => {
    server.faults.setRandom({ rate: 0.5, seed, kinds: [503] });
    const statuses: number[] = [];
    for (let index = 0; index < 20; index++) statuses.push((await raw(agent, server, 'GET', '/v1/secrets')).status);
    server.faults.setRandom(null);
    return statuses;
  };
  const first = await schedule(7);
  assert.deepEqual(await schedule(7), first, 'same seed, same faults');
  assert.ok(first.includes(503) && first.includes(200));
});

void test('control endpoints over HTTP: faults, state (names only), log, reset', async (t) => {
  const server = await startServer(t);
  const agent = newAgent(t);
  const configured = await raw(agent, server, 'POST', '/_local/faults', {
    key: null,
    body: { latencyMs: 0, failNext: { count: 1, status: 503 } },
  });
  assert.equal(configured.status, 200);
  assert.deepEqual((configured.json as { failNext: unknown }).failNext, { count: 1, status: 503 });
  assert.equal((await raw(agent, server, 'PUT', '/v1/secrets', put([{ key: 'A', value: 'secret-a' }]))).status, 503);
  assert.equal((await raw(agent, server, 'PUT', '/v1/secrets', put([{ key: 'A', value: 'secret-a' }]))).status, 200);

  const state = await raw(agent, server, 'GET', '/_local/state', { key: null });
  assert.deepEqual(state.json, { environments: { development: ['A'], production: [], eval: ['A'] } });
  const log = await raw(agent, server, 'GET', '/_local/log', { key: null });
  const requests = (log.json as { requests: { status: number; keys?: string[] }[] }).requests;
  assert.deepEqual(
    requests.map((entry) => entry.status),
    [503, 200],
  );
  assert.deepEqual(requests[1]!.keys, ['A']);
  assert.ok(!JSON.stringify(log.json).includes('secret-a'));

  const rejected = await raw(agent, server, 'POST', '/_local/faults', {
    key: null,
    body: { random: { rate: 2, seed: 1 } },
  });
  assert.equal(rejected.status, 400);
  assert.equal(
    (
      await raw(agent, server, 'POST', '/_local/faults', {
        key: null,
        body: { random: { rate: 0.3, seed: 1, kinds: [503, 'drop'] } },
      })
    ).status,
    200,
  );
  assert.equal((await raw(agent, server, 'POST', '/_local/reset', { key: null })).status, 204);
  assert.deepEqual((await raw(agent, server, 'GET', '/_local/state', { key: null })).json, {
    environments: { development: [], production: [], eval: [] },
  });
  assert.deepEqual((await raw(agent, server, 'GET', '/_local/faults', { key: null })).json, {
    latencyMs: 0,
    failNext: null,
    dropNext: null,
    random: null,
  });
  assert.equal((await raw(agent, server, 'GET', '/_local/nothing', { key: null })).status, 404);
});
