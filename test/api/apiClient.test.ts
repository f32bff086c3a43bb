import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createApiClient, isLoopbackHost, parseRetryAfter, type AttemptReport } from '../../engine/api/apiClient';
import { ApiConfigError, ApiError, NetworkError, RequestCancelledError } from '../../engine/api/apiError';
import { DEV_KEY, PROD_KEY, fastClient, startServer } from '../support/apiHelpers';

// The API client against the real local server: retry policy, security rules, typed errors.

void test('429 is retried after Retry-After seconds (not the short backoff)', async (t) => {
  const server = await startServer(t);
  const attempts: AttemptReport[] = [];
  const client = fastClient(t, server);
  server.faults.failNext(1, 429, { retryAfterSeconds: 1 });
  const started = performance.now();
  const result = await client.upsert([{ key: 'A', value: 'a' }], { onAttempt: (report) => attempts.push(report) });
  const elapsed = performance.now() - started;
  assert.deepEqual(result.created, ['A']);
  assert.ok(elapsed >= 990, `waited ${Math.round(elapsed)} ms`);
  assert.deepEqual(
    attempts.map((a) => [a.status, a.outcome, a.retryInMs]),
    [
      [429, 'failed', 1000],
      [200, 'ok', undefined],
    ],
  );
  assert.equal(server.log.size, 2);
  assert.equal(client.requestCount, 2);
});

void test('Retry-After is capped by retry.maxRetryAfterMs', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server, { retry: { maxRetryAfterMs: 20 } });
  server.faults.failNext(1, 429, { retryAfterSeconds: 30 });
  const started = performance.now();
  await client.listNames();
  assert.ok(performance.now() - started < 2_000);
  assert.equal(server.log.size, 2);
});

void test('500/502/503/504 and dropped connections are retried with backoff until success', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  for (const status of [500, 502, 503, 504] as const) {
    server.log.clear();
    server.faults.failNext(2, status);
    await client.upsert([{ key: 'A', value: 'a' }]);
    assert.deepEqual(
      server.log.entries().map((entry) => entry.status),
      [status, status, 200],
    );
  }
  server.log.clear();
  server.faults.dropNext(2);
  const attempts: AttemptReport[] = [];
  await client.upsert([{ key: 'B', value: 'b' }], { onAttempt: (report) => attempts.push(report) });
  assert.deepEqual(
    server.log.entries().map((entry) => entry.status),
    [0, 0, 200],
  );
  assert.deepEqual(
    attempts.map((a) => a.outcome),
    ['unknown', 'unknown', 'ok'],
  );
  assert.ok(attempts[0]!.error instanceof NetworkError);
});

void test('backoff is exponential with full jitter, bounded by maxDelayMs', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server, {
    retry: { baseDelayMs: 4, maxDelayMs: 20, random: () => 0.999, maxRetries: 5 },
  });
  server.faults.failNext(5, 503);
  const delays: number[] = [];
  await client.listNames(undefined, {
    onAttempt: (report) => report.retryInMs !== undefined && delays.push(report.retryInMs),
  });
  assert.deepEqual(delays, [3, 7, 15, 19, 19]);
});

void test('retries are bounded: after maxRetries the last error is thrown, typed and retryable', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server, { retry: { maxRetries: 3 } });
  server.faults.failNext(10, 503);
  await assert.rejects(client.upsert([{ key: 'A', value: 'a' }]), (error: unknown) => {
    assert.ok(error instanceof ApiError && !(error instanceof NetworkError));
    assert.equal(error.status, 503);
    assert.equal(error.code, 'unavailable');
    assert.equal(error.retryable, true);
    assert.equal(error.outcomeUnknown, false);
    return true;
  });
  assert.equal(server.log.size, 4);
  assert.equal(client.requestCount, 4);
});

void test('no retry on 400/401/403/404/413/422: the server sees exactly one request each', async (t) => {
  const server = await startServer(t);
  const cases: { name: string; status: number; code: string; run: () => Promise<unknown>; keys?: string[] }[] = [
    {
      name: 'duplicate key',
      status: 400,
      code: 'bad_request',
      keys: ['A'],
      run: () =>
        fastClient(t, server).upsert([
          { key: 'A', value: '1' },
          { key: 'A', value: '2' },
        ]),
    },
    {
      name: 'unknown key',
      status: 401,
      code: 'unauthorized',
      run: () => fastClient(t, server, { apiKey: 'sk_dev_wrong' }).listNames(),
    },
    {
      name: 'eval with production key',
      status: 403,
      code: 'forbidden',
      run: () => fastClient(t, server, { apiKey: PROD_KEY }).listNames('eval'),
    },
    {
      name: 'wrong base path',
      status: 404,
      code: 'not_found',
      run: () => fastClient(t, { url: `${server.url}/api` }).listNames(),
    },
    {
      name: '101 items',
      status: 413,
      code: 'too_large',
      run: () => fastClient(t, server).upsert(Array.from({ length: 101 }, (_, i) => ({ key: `K${i}`, value: 'v' }))),
    },
    {
      name: 'invalid key',
      status: 422,
      code: 'invalid_key',
      keys: ['1X'],
      run: () =>
        fastClient(t, server).upsert([
          { key: 'OK', value: 'v' },
          { key: '1X', value: 'v' },
        ]),
    },
    {
      name: 'value too large',
      status: 422,
      code: 'value_too_large',
      keys: ['BIG'],
      run: () => fastClient(t, server).upsert([{ key: 'BIG', value: 'x'.repeat(65_537) }]),
    },
  ];
  for (const testCase of cases) {
    server.log.clear();
    await assert.rejects(testCase.run(), (error: unknown) => {
      assert.ok(error instanceof ApiError, testCase.name);
      assert.equal(error.status, testCase.status, testCase.name);
      assert.equal(error.code, testCase.code, testCase.name);
      assert.equal(error.retryable, false, testCase.name);
      if (testCase.keys) assert.deepEqual(error.keys, testCase.keys, testCase.name);
      return true;
    });
    assert.equal(server.log.size, 1, `${testCase.name}: exactly one request`);
  }
  assert.equal(server.store.size('development'), 0);
});

void test('plain http is refused for non-loopback hosts before any request; loopback and https are accepted', async (t) => {
  for (const baseUrl of [
    'http://api.struere.dev',
    'http://10.0.0.1:8080',
    'http://localhost.evil.example',
    'http://127.0.0.1.nip.io',
    'http://[::2]',
    'http://0.0.0.0:80',
  ]) {
    assert.throws(
      () => createApiClient({ baseUrl, apiKey: DEV_KEY }),
      (error: unknown) => error instanceof ApiConfigError && error.code === 'insecure_url',
      baseUrl,
    );
  }
  for (const baseUrl of [
    'ftp://127.0.0.1',
    'not a url',
    'https://user:pass@api.struere.dev',
    'https://api.struere.dev/?x=1',
  ]) {
    assert.throws(
      () => createApiClient({ baseUrl, apiKey: DEV_KEY }),
      (error: unknown) => error instanceof ApiConfigError && error.code === 'invalid_url',
      baseUrl,
    );
  }
  assert.throws(
    () => createApiClient({ baseUrl: 'https://api.struere.dev', apiKey: 'sk_dev_ with space' }),
    ApiConfigError,
  );
  for (const baseUrl of [
    'http://127.0.0.1:1',
    'http://127.9.8.7',
    'http://localhost:1/',
    'http://LOCALHOST',
    'http://[::1]:1',
    'https://api.struere.dev',
    'https://example.com/prefix/',
  ]) {
    const client = createApiClient({ baseUrl, apiKey: DEV_KEY });
    await client.close();
  }
  assert.equal(isLoopbackHost('127.1.2.3'), true);
  assert.equal(isLoopbackHost('128.0.0.1'), false);

  // The refusal happens at construction: a server behind a non-loopback name never sees a request.
  const server = await startServer(t);
  assert.throws(
    () => createApiClient({ baseUrl: server.url.replace('127.0.0.1', 'localtest.me'), apiKey: DEV_KEY }),
    ApiConfigError,
  );
  assert.equal(server.log.size, 0);
});

void test('redirects are never followed: 3xx is an error and the Authorization header never reaches the other origin', async (t) => {
  const elsewhere = await startServer(t);
  let redirectorRequests = 0;
  const redirector = http.createServer((request, response) => {
    redirectorRequests++;
    request.resume();
    request.on('end', () =>
      response.writeHead(request.method === 'GET' ? 307 : 308, { location: `${elsewhere.url}/v1/secrets` }).end(),
    );
  });
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        redirector.close(() => resolve());
        redirector.closeAllConnections();
      }),
  );
  const client = fastClient(t, { url: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}` });

  await assert.rejects(
    client.listNames(),
    (error: unknown) =>
      error instanceof ApiError && error.code === 'redirect' && error.status === 307 && !error.retryable,
  );
  await assert.rejects(
    client.upsert([{ key: 'A', value: 'a' }]),
    (error: unknown) => error instanceof ApiError && error.code === 'redirect' && error.status === 308,
  );
  assert.equal(redirectorRequests, 2, 'one request each, no retry');
  assert.equal(elsewhere.log.size, 0, 'the other origin saw nothing');
});

void test('a refused connection is a NetworkError that certainly reached nothing; retries stay bounded', async (t) => {
  const server = await startServer(t);
  const url = server.url;
  await server.close();
  const client = fastClient(t, { url }, { retry: { maxRetries: 2 } });
  await assert.rejects(client.listNames(), (error: unknown) => {
    assert.ok(error instanceof NetworkError);
    assert.equal(error.kind, 'network');
    assert.equal(error.status, 0);
    assert.equal(error.outcomeUnknown, false);
    assert.equal(error.causeCode, 'ECONNREFUSED');
    return true;
  });
  assert.equal(client.requestCount, 3);
});

void test('a headers timeout is a retryable NetworkError with an unknown outcome', async (t) => {
  // undici checks headers timeouts on a coarse (~0.5-1 s) timer, hence the long latency.
  const server = await startServer(t, { latencyMs: 2_500 });
  const client = fastClient(t, server, { timeouts: { headersMs: 100 }, retry: { maxRetries: 1 } });
  await assert.rejects(client.upsert([{ key: 'SLOW', value: 'v' }]), (error: unknown) => {
    assert.ok(error instanceof NetworkError);
    assert.equal(error.code, 'timeout');
    assert.equal(error.outcomeUnknown, true);
    assert.equal(error.retryable, true);
    return true;
  });
  assert.equal(client.requestCount, 2);
  assert.equal(server.store.has('development', 'SLOW'), true, 'the server applied it anyway: outcome unknown indeed');
});

/**
 * A server on 127.0.0.1 whose answers (to GET and PUT) drip a byte every `intervalMs`, `drips` bytes at most, then
 * end as a valid body; it stops by itself. `written` counts the bytes sent.
 */
async function drippingServer(t: { after: (fn: () => Promise<void>) => void }, drips: number, intervalMs: number) {
  const stats = { written: 0, finished: 0 };
  const server = http.createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' });
    const [head, tail] =
      request.method === 'PUT'
        ? ['{"environment":"development","created":[],"updated":["A"],"mirrored":["eval"]', '}']
        : ['{"environment":"development","secrets":[', ']}'];
    response.write(head);
    let left = drips;
    const timer = setInterval(() => {
      if (response.destroyed || left-- <= 0) {
        clearInterval(timer);
        if (!response.destroyed) {
          stats.finished++;
          response.end(tail);
        }
        return;
      }
      stats.written++;
      response.write(' ');
    }, intervalMs);
    response.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stats };
}

void test('timeouts.attemptMs bounds the whole attempt: a body dripping inside the per-chunk timeout is cut off', async (t) => {
  const drip = await drippingServer(t, 40, 200);
  const client = fastClient(t, drip, { timeouts: { bodyMs: 5_000, attemptMs: 700 }, retry: { maxRetries: 1 } });
  const started = performance.now();
  await assert.rejects(client.listNames(), (error: unknown) => {
    assert.ok(error instanceof NetworkError);
    assert.equal(error.code, 'timeout');
    assert.equal(error.causeCode, 'ATTEMPT_DEADLINE');
    assert.equal(error.retryable, true);
    return true;
  });
  // An upsert cut off after its body was sent may have been applied: outcome unknown, retried.
  await assert.rejects(client.upsert([{ key: 'A', value: 'a' }]), (error: unknown) => {
    assert.ok(error instanceof NetworkError && error.causeCode === 'ATTEMPT_DEADLINE');
    assert.equal(error.outcomeUnknown, true);
    return true;
  });
  assert.equal(client.requestCount, 4);
  assert.equal(drip.stats.finished, 0);
  // Four attempts of 0.7 s each: about 3 s, not the 4 × 8 s the drips would take.
  assert.ok(drip.stats.written >= 4 && drip.stats.written <= 4 * 6, `${drip.stats.written} bytes dripped`);
  assert.ok(performance.now() - started < 8_000);
});

void test('control: an answer that drips but ends within attemptMs is taken', async (t) => {
  const drip = await drippingServer(t, 3, 50);
  const client = fastClient(t, drip, { timeouts: { attemptMs: 2_000 }, retry: { maxRetries: 0 } });
  assert.equal((await client.listNames()).environment, 'development');
  assert.deepEqual((await client.upsert([{ key: 'A', value: 'a' }])).updated, ['A']);
  assert.equal(drip.stats.finished, 2);
});

void test('cancellation interrupts a retry wait when nothing was applied, but not while an upsert outcome is unknown', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, server);
  server.faults.failNext(1, 429, { retryAfterSeconds: 30 });
  const controller = new AbortController();
  const started = performance.now();
  await assert.rejects(
    client.upsert([{ key: 'A', value: 'a' }], { signal: controller.signal, onAttempt: () => controller.abort() }),
    (error: unknown) => error instanceof RequestCancelledError && error.lastError?.status === 429,
  );
  assert.ok(performance.now() - started < 5_000);
  assert.equal(server.store.has('development', 'A'), false);

  // A dropped (maybe applied) attempt is settled by retrying even though the caller cancelled.
  server.log.clear();
  server.faults.dropNext(1, { afterApply: true });
  const second = new AbortController();
  const result = await client.upsert([{ key: 'B', value: 'b' }], {
    signal: second.signal,
    onAttempt: () => second.abort(),
  });
  assert.deepEqual(result.updated, ['B']);
  assert.equal(server.log.size, 2);

  const aborted = AbortSignal.abort();
  await assert.rejects(client.listNames(undefined, { signal: aborted }), RequestCancelledError);
});

void test('a base URL with a path prefix and a trailing slash is honoured', async (t) => {
  const server = await startServer(t);
  const client = fastClient(t, { url: `${server.url}/` });
  assert.equal(client.baseUrl, server.url);
  assert.equal(client.keyEnvironment, 'development');
  assert.deepEqual(await client.listNames(), { environment: 'development', secrets: [], dropped: 0 });
});

void test('parseRetryAfter reads seconds and HTTP dates', () => {
  assert.equal(parseRetryAfter('0'), 0);
  assert.equal(parseRetryAfter('2'), 2000);
  assert.equal(parseRetryAfter('1.5'), 1500);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(new Date(0).toUTCString()), 0);
});
