import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { validateSecretKeyInput, validateSecretValueInput } from '../../client/src/setSecretCommand';
import { setOneSecret, SetSecretRefusedError, type SetOneSecretOptions } from '../../engine/sync/setOneSecret';
import { ApiConfigError, ApiError } from '../../engine/api/apiError';
import { describeApiError } from '../../engine/sync/describeError';
import { DEV_KEY, PROD_KEY, startServer } from '../support/apiHelpers';

// Struere: Set Secret… against the real local API server: the stored value is exactly the input, the key's
// prefix is checked before anything is sent, and no value reaches a result, an error or its description.

const CANARY = 'CANARY_5e1d0b2a';
/** Unicode (astral, combining, RTL), newlines, quotes, `#`, `=`, `${}` and a trailing blank: nothing may be altered. */
const TRICKY_VALUE = `${CANARY} ünïcödé 🔑 e\u0301 שלום\nline two\r\n"double" 'single' \`tick\` #not-a-comment KEY=x \${VAR} \\n `;

const fast = { baseDelayMs: 1, maxDelayMs: 2, random: () => 0.5 };

function options(url: string, overrides: Partial<SetOneSecretOptions>): SetOneSecretOptions {
  return {
    apiUrl: url,
    apiKey: DEV_KEY,
    environment: 'development',
    key: 'STRIPE_API_KEY',
    value: TRICKY_VALUE,
    retry: fast,
    ...overrides,
  };
}

/** Everything an error exposes when logged, printed, serialised or inspected, plus what the UI would show. */
function surfaces(error: unknown): string {
  if (!(error instanceof Error)) return inspect(error, { depth: 5 });
  return [
    String(error),
    error.message,
    error.stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: 5, showHidden: true }),
    describeApiError(error),
  ].join('\n');
}

function assertNoValue(text: string, where: string): void {
  assert.ok(!text.includes(CANARY), `a value leaked into ${where}`);
}

/** Checks the stored value without ever printing it: the message names the key only. */
function assertStored(actual: string | undefined, expected: string, what: string): void {
  assert.ok(actual === expected, `${what}: the stored value differs from the input (or is absent)`);
}

void test('development: the stored value equals the input exactly, mirrored into eval; the result holds names only', async (t) => {
  const server = await startServer(t);
  const result = await setOneSecret(options(server.url, {}));
  assert.deepEqual(result, {
    key: 'STRIPE_API_KEY',
    environment: 'development',
    target: 'development',
    outcome: 'created',
    mirrored: ['eval'],
  });
  assertStored(server.store.get('development', 'STRIPE_API_KEY'), TRICKY_VALUE, 'development');
  assertStored(server.store.get('eval', 'STRIPE_API_KEY'), TRICKY_VALUE, 'eval');
  assert.equal(server.store.get('production', 'STRIPE_API_KEY'), undefined);
  assertNoValue(JSON.stringify(result), 'the result');
  assert.equal(server.log.size, 1, 'one request');

  const again = await setOneSecret(options(server.url, { value: 'second' }));
  assert.equal(again.outcome, 'updated');
  assertStored(server.store.get('development', 'STRIPE_API_KEY'), 'second', 'development after the update');
});

void test('eval writes development with a development key, and the API mirrors it into eval', async (t) => {
  const server = await startServer(t);
  const result = await setOneSecret(options(server.url, { environment: 'eval', key: 'EVAL_ONLY' }));
  assert.equal(result.environment, 'eval');
  assert.equal(result.target, 'development');
  assert.deepEqual(result.mirrored, ['eval']);
  assertStored(server.store.get('eval', 'EVAL_ONLY'), TRICKY_VALUE, 'eval');
  assertStored(server.store.get('development', 'EVAL_ONLY'), TRICKY_VALUE, 'development');
});

void test('production writes production only, never mirrored', async (t) => {
  const server = await startServer(t);
  const result = await setOneSecret(
    options(server.url, { apiKey: PROD_KEY, environment: 'production', key: 'PAGERDUTY_ROUTING_KEY' }),
  );
  assert.deepEqual(result, {
    key: 'PAGERDUTY_ROUTING_KEY',
    environment: 'production',
    target: 'production',
    outcome: 'created',
    mirrored: [],
  });
  assertStored(server.store.get('production', 'PAGERDUTY_ROUTING_KEY'), TRICKY_VALUE, 'production');
  assert.equal(server.store.get('development', 'PAGERDUTY_ROUTING_KEY'), undefined);
  assert.equal(server.store.get('eval', 'PAGERDUTY_ROUTING_KEY'), undefined);
});

void test('a key whose prefix does not name the target is refused before anything is sent', async (t) => {
  const server = await startServer(t);
  const cases: Partial<SetOneSecretOptions>[] = [
    { apiKey: DEV_KEY, environment: 'production' },
    { apiKey: PROD_KEY, environment: 'development' },
    { apiKey: PROD_KEY, environment: 'eval' },
    { apiKey: 'sk_live_unknownprefix', environment: 'development' },
  ];
  for (const overrides of cases) {
    await assert.rejects(setOneSecret(options(server.url, overrides)), (error: unknown) => {
      assert.ok(error instanceof SetSecretRefusedError, `${overrides.environment}: refused`);
      assert.equal(error.reason, 'wrong-key');
      assert.match(error.message, /sk_(dev|prod)_/);
      assert.ok(!error.message.includes(overrides.apiKey!), 'the message does not repeat the API key');
      assertNoValue(surfaces(error), 'the refusal');
      return true;
    });
  }
  assert.equal(server.log.size, 0, 'no request reached the server');
  assert.equal(server.store.names('development').length + server.store.names('production').length, 0);
});

void test('an invalid key name gets the API 422 invalid_key, names the key, writes nothing and holds no value', async (t) => {
  const server = await startServer(t);
  await assert.rejects(setOneSecret(options(server.url, { key: 'BAD-KEY' })), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 422);
    assert.equal(error.code, 'invalid_key');
    assert.deepEqual(error.keys, ['BAD-KEY']);
    assert.match(describeApiError(error), /BAD-KEY/);
    assertNoValue(surfaces(error), 'the 422 error');
    return true;
  });
  assert.equal(server.log.size, 1, 'not retried');
  assert.deepEqual(server.store.names('development'), []);
});

void test('a value over 65,536 bytes gets 422 value_too_large; no value in the error', async (t) => {
  const server = await startServer(t);
  const huge = `${CANARY}${'x'.repeat(70_000)}`;
  await assert.rejects(setOneSecret(options(server.url, { value: huge })), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, 'value_too_large');
    assertNoValue(surfaces(error), 'the value_too_large error');
    return true;
  });
  assert.deepEqual(server.store.names('development'), []);
});

void test('an unknown key (401), a failing API (503 after retries) and an insecure URL: typed errors without the value', async (t) => {
  const server = await startServer(t);
  await assert.rejects(setOneSecret(options(server.url, { apiKey: 'sk_dev_revoked' })), (error: unknown) => {
    assert.ok(error instanceof ApiError && error.code === 'unauthorized');
    assertNoValue(surfaces(error), 'the 401 error');
    return true;
  });
  server.faults.failNext(10, 503);
  await assert.rejects(setOneSecret(options(server.url, { retry: { ...fast, maxRetries: 1 } })), (error: unknown) => {
    assert.ok(error instanceof ApiError && error.status === 503 && error.retryable);
    assertNoValue(surfaces(error), 'the 503 error');
    return true;
  });
  const sent = server.log.size;
  await assert.rejects(setOneSecret(options('http://example.com', {})), (error: unknown) => {
    assert.ok(error instanceof ApiConfigError && error.code === 'insecure_url');
    assertNoValue(surfaces(error), 'the config error');
    return true;
  });
  assert.equal(server.log.size, sent);
});

void test('the input boxes: key pattern as you type; the value check never echoes the value', () => {
  assert.equal(validateSecretKeyInput('STRIPE_API_KEY'), undefined);
  assert.equal(validateSecretKeyInput('_private1'), undefined);
  for (const bad of ['', '1ST', 'has-dash', 'has space', 'dotted.name', 'ümlaut'])
    assert.ok(validateSecretKeyInput(bad) !== undefined, `"${bad}" is refused`);

  assert.equal(validateSecretValueInput(TRICKY_VALUE), undefined);
  assert.ok(validateSecretValueInput('') !== undefined, 'empty is refused');
  const atLimit = 'é'.repeat(65_536 / 2);
  assert.equal(validateSecretValueInput(atLimit), undefined, 'exactly 65,536 bytes is accepted');
  const over = `${CANARY}${'é'.repeat(65_536 / 2)}`;
  const message = validateSecretValueInput(over);
  assert.ok(message !== undefined && /65,536/.test(message));
  assertNoValue(message, 'the value box message');
});
