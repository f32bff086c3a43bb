import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { DEV_KEY, startServer } from '../support/apiHelpers';
import { runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// --retries and --timeout against the real local API (its fault knobs) and a refused loopback port.

function project(t: { after: (fn: () => void) => void }) {
  const ws = tempWorkspace({ 'struere.json': '{}', '.gitignore': '.env*\n', '.env.development': 'A=1\n' });
  t.after(() => ws.dispose());
  return ws;
}

void test('--retries N: exactly N retries after the first attempt, for sync and for the listings of check', async (t) => {
  const server = await startServer(t);
  const ws = project(t);
  const env = { STRUERE_API_URL: server.url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY };
  server.faults.failNext(10, 503);
  const none = await runCli(['sync', ws.dir, '--dry-run', '--retries', '0'], { env });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /503/);
  assert.equal(server.log.entries().length, 1);

  server.log.clear();
  server.faults.failNext(10, 503);
  const three = await runCli(['sync', ws.dir, '--dry-run', '--retries', '3'], { env });
  assert.equal(three.code, 1);
  assert.equal(server.log.entries().length, 4);

  // Control: with enough retries the same faults are ridden out.
  server.log.clear();
  server.faults.failNext(2, 503);
  const enough = await runCli(['sync', ws.dir, '--dry-run', '--retries', '2'], { env });
  assert.equal(enough.code, 0, enough.stderr);
  assert.equal(server.log.entries().length, 3);

  // check lists development and eval: each listing gets 1 + N attempts, and a failure leaves the lists unknown.
  server.log.clear();
  server.faults.failNext(10, 503);
  const check = await runCli(['check', ws.dir, '--retries', '1'], { env });
  assert.equal(check.code, 0, check.stderr);
  assert.equal(server.log.entries().length, 4);

  // Unreachable (connections dropped): eval, behind the same host and key, is not asked after development.
  server.log.clear();
  server.faults.failNext(0, 503); // the 503s left over from above would answer first
  server.faults.dropNext(10);
  const offline = await runCli(['status', ws.dir, '--format', 'json', '--retries', '1'], { env });
  assert.equal(offline.code, 0, offline.stderr);
  assert.equal(server.log.entries().length, 2);
  const remote = (JSON.parse(offline.stdout) as { projects: { remote: Record<string, { reason?: string }> }[] })
    .projects[0]!.remote;
  assert.deepEqual([remote.development!.reason, remote.eval!.reason], ['offline', 'offline']);
});

void test('--timeout S bounds each attempt: a server that answers too slowly fails the command long before it answers', async (t) => {
  // undici checks its timeouts on a coarse (~0.5–1 s) timer: the latency leaves room for that.
  const server = await startServer(t, { latencyMs: 6_000 });
  const ws = project(t);
  const started = performance.now();
  const result = await runCli(['sync', ws.dir, '--dry-run', '--retries', '0', '--timeout', '1'], {
    env: { STRUERE_API_URL: server.url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY },
  });
  const elapsed = performance.now() - started;
  assert.equal(result.code, 1);
  assert.match(result.stderr, /listing development names: .*(time|timed)/i);
  assert.ok(elapsed < 4_500, `took ${Math.round(elapsed)} ms: the 1 s timeout was not applied`);
});

/**
 * A server on 127.0.0.1 that answers the listing at once with headers, then drips its body one byte every
 * `intervalMs` (JSON whitespace, then the end of a valid list): each chunk arrives well inside any per-chunk timeout.
 * The loop is bounded (`drips` bytes) and ends by itself; `written` counts the bytes sent before the client left.
 */
async function drippingServer(
  t: { after: (fn: () => Promise<void>) => void },
  drips: number,
  intervalMs: number,
): Promise<{ url: string; written: () => number; finished: () => number }> {
  let written = 0;
  let finished = 0;
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"environment":"development","secrets":[');
    let left = drips;
    const timer = setInterval(() => {
      if (response.destroyed || left-- <= 0) {
        clearInterval(timer);
        if (!response.destroyed) {
          finished++;
          response.end(']}');
        }
        return;
      }
      written++;
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
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, written: () => written, finished: () => finished };
}

void test('--timeout S bounds the whole attempt: a body dripping a byte every 0.5 s is cut off at S', async (t) => {
  // 40 drips of 0.5 s: 20 s if nothing cuts it. Every chunk is inside the 1 s per-chunk timeout.
  const drip = await drippingServer(t, 40, 500);
  const ws = project(t);
  const started = performance.now();
  const result = await runCli(['sync', ws.dir, '--dry-run', '--retries', '0', '--timeout', '1'], {
    env: { STRUERE_API_URL: drip.url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY },
    limitMs: 30_000,
  });
  const elapsed = performance.now() - started;
  assert.ok(!result.hung, 'the CLI waited past 30 s');
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /listing development names: the API did not answer in time \(ATTEMPT_DEADLINE\)/);
  // The client left after about 2 drips, far from the 40 the server would have sent.
  const written = drip.written();
  assert.ok(written >= 1 && written <= 6, `${written} bytes dripped before the client gave up`);
  assert.equal(drip.finished(), 0);
  assert.ok(elapsed < 10_000, `took ${Math.round(elapsed)} ms`);
});

void test('control: a body that drips but completes within --timeout succeeds', async (t) => {
  const drip = await drippingServer(t, 3, 100);
  const ws = project(t);
  const result = await runCli(['sync', ws.dir, '--dry-run', '--retries', '0', '--timeout', '2'], {
    env: { STRUERE_API_URL: drip.url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY },
    limitMs: 30_000,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.ok(drip.finished() >= 1);
});

void test('a refused loopback port: status reports the remote lists unknown (offline); sync fails before writing', async (t) => {
  const server = await startServer(t);
  const url = server.url;
  await server.close(); // now nothing listens on that port
  const ws = project(t);
  const result = await runCli(['status', ws.dir, '--format', 'json', '--retries', '0', '--timeout', '1'], {
    env: { STRUERE_API_URL: url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY },
  });
  assert.equal(result.code, 0, result.stderr);
  const status = JSON.parse(result.stdout) as {
    projects: { remote: Record<string, { state: string; reason: string }> }[];
  };
  assert.deepEqual(status.projects[0]!.remote.development, { state: 'unknown', reason: 'offline' });
  const sync = await runCli(['sync', ws.dir, '--retries', '0', '--timeout', '1'], {
    env: { STRUERE_API_URL: url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY },
  });
  assert.equal(sync.code, 1);
  assert.match(sync.stderr, /failed before writing anything/);
});

void test('--retries and --timeout are checked: whole numbers, positive seconds, only where the API is used', async () => {
  for (const args of [
    ['check', '.', '--retries', '-1'],
    ['check', '.', '--retries', '1.5'],
    ['check', '.', '--retries', '21'],
    ['sync', '.', '--timeout', '0'],
    ['status', '.', '--timeout', 'soon'],
    ['example', '.', '--retries', '1'],
  ]) {
    const result = await runCli(args);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.stderr, /--retries|--timeout/);
  }
});
