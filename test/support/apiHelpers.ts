import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import type { Environment } from '../../engine/core/model/environments';
import { createLocalApiServer, type LocalApiServer, type LocalApiServerOptions } from '../../local-api/server';
import { createApiClient, type ApiClient, type ApiClientOptions } from '../../engine/api/apiClient';
import './stateDir';

/**
 * Shared fixtures of the remote tests. Assertions about values go through `assertStoredValues`, which names
 * mismatching keys only: a failing test never prints a value.
 */

export const DEV_KEY = 'sk_dev_local';
export const PROD_KEY = 'sk_prod_local';

/** Starts a local API server and closes it when the test ends. */
export async function startServer(
  t: { after: (fn: () => Promise<void>) => void },
  options: LocalApiServerOptions = {},
): Promise<LocalApiServer> {
  const server = await createLocalApiServer(options);
  t.after(() => server.close());
  return server;
}

/** A client with fast, deterministic retry timing; closed when the test ends. */
export function fastClient(
  t: { after: (fn: () => Promise<void>) => void },
  server: { url: string },
  overrides: Partial<ApiClientOptions> = {},
): ApiClient {
  const client = createApiClient({
    baseUrl: server.url,
    apiKey: DEV_KEY,
    ...overrides,
    retry: { baseDelayMs: 1, maxDelayMs: 5, random: () => 0.5, ...overrides.retry },
  });
  t.after(() => client.close());
  return client;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly json: unknown;
}

/** A plain HTTP call, outside our client: for the server contract tests. */
export async function raw(
  agent: Agent,
  server: { url: string },
  method: string,
  path: string,
  options: { key?: string | null; authorization?: string; body?: string | Buffer | unknown } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? DEV_KEY : options.key;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  else if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | Buffer | undefined;
  if (options.body !== undefined) {
    body =
      typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await request(server.url + path, { method: method as 'GET', headers, body, dispatcher: agent });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    json: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

export function errorOf(response: RawResponse): { code: string; message: string; keys?: string[] } {
  const body = response.json as { error?: { code: string; message: string; keys?: string[] } };
  assert.ok(body && typeof body.error === 'object', `status ${response.status} without an error body`);
  assert.equal(typeof body.error.code, 'string');
  assert.equal(typeof body.error.message, 'string');
  return body.error;
}

/**
 * The store of `environment` holds exactly `expected` (or, with `subset`, at least it). Failures list key
 * names and counts only.
 */
export function assertStoredValues(
  server: LocalApiServer,
  environment: Environment,
  expected: ReadonlyMap<string, string>,
  options: { subset?: boolean } = {},
): void {
  const actual = server.store.values(environment);
  const missing = [...expected.keys()].filter((key) => !actual.has(key));
  const different = [...expected]
    .filter(([key, value]) => actual.has(key) && actual.get(key) !== value)
    .map(([key]) => key);
  const extra = options.subset ? [] : [...actual.keys()].filter((key) => !expected.has(key));
  assert.deepEqual(
    { missing, different, extra },
    { missing: [], different: [], extra: [] },
    `${environment}: stored values differ (key names only)`,
  );
}

/** Keys whose value in the store differs from `values` (names only, for exactness checks). */
export function keysMatching(
  server: LocalApiServer,
  environment: Environment,
  values: ReadonlyMap<string, string>,
): { matching: string[]; absent: string[]; other: string[] } {
  const matching: string[] = [];
  const absent: string[] = [];
  const other: string[] = [];
  for (const [key, value] of values) {
    const stored = server.store.get(environment, key);
    if (stored === undefined) absent.push(key);
    else if (stored === value) matching.push(key);
    else other.push(key);
  }
  return { matching: matching.sort(), absent: absent.sort(), other: other.sort() };
}

/** `count` keys with distinct, recognisable values. */
export function generatedSecrets(
  count: number,
  prefix = 'KEY',
  valueOf: (index: number) => string = (index) => `value-${index}-${'x'.repeat(index % 7)}`,
): Map<string, string> {
  const values = new Map<string, string>();
  for (let index = 0; index < count; index++) values.set(`${prefix}_${String(index).padStart(4, '0')}`, valueOf(index));
  return values;
}

export function newAgent(t: { after: (fn: () => Promise<void>) => void }): Agent {
  const agent = new Agent({ keepAliveTimeout: 1_000 });
  t.after(() => agent.close());
  return agent;
}

/**
 * Every awkward thing a .env value can hold (quotes of all kinds, multiline, `#`, `=`, unicode, escapes, a
 * duplicate): the corpus both sync test files check stored values against `dotenv.parse` with.
 */
export const NASTY_ENV_LINES: readonly string[] = [
  '# a comment line',
  'PLAIN=hello world',
  'DOUBLE_QUOTED="double \\"quoted\\" text"',
  "SINGLE_QUOTED='single # not a comment'",
  'MIXED_QUOTES=\'say "hi"\'',
  'APOSTROPHE="it\'s"',
  'TRAILING_COMMENT=value # comment',
  'HASH_IN_QUOTES="a#b # c"',
  'EQUALS=a=b==c',
  'UNICODE=héllo wörld 日本語 Ω',
  'EMOJI="🔑🚀 key 👩‍👩‍👧"',
  'EMPTY=',
  'EMPTY_QUOTED=""',
  'MULTILINE="line one',
  'line two',
  '  indented three"',
  "SINGLE_MULTILINE='a",
  "b'",
  'BACKTICK_MULTILINE=`x',
  'y "z"`',
  'ESCAPED_NEWLINES="first\\nsecond\\r\\nthird"',
  'TAB="col1\tcol2"',
  'BACKTICK=`back ${NOT_EXPANDED} tick`',
  'SPACES_AROUND =   padded   ',
  'LEADING_SPACES="  spaced  "',
  'BACKSLASH=C:\\path\\to\\file',
  'JSON_VALUE={"a":1,"b":[true,null],"c":"\\u0041"}',
  'HTML=</script><script>alert(1)</script>',
  'export EXPORTED=yes',
  'PEM="-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----"',
  'DUPLICATE=first',
  'DUPLICATE=second',
];

/**
 * Makes a sync running in another process (the CLI) fail midway: after the first applied PUT, the next six
 * requests — one batch with its five retries — are rate limited, so the sync stops after exactly one batch.
 * The server's own `failNext` counts from now, which cannot target a later batch of another process's sync.
 */
export function rateLimitAfterFirstWrite(server: LocalApiServer): void {
  const add = server.log.add.bind(server.log);
  let armed = true;
  server.log.add = (entry) => {
    const logged = add(entry);
    if (armed && entry.method === 'PUT' && entry.applied === true) {
      armed = false;
      server.faults.failNext(6, 429, { retryAfterSeconds: 0 });
    }
    return logged;
  };
}
