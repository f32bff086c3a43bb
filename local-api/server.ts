import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import {
  environmentOfApiKey,
  isEnvironment,
  isValidKey,
  type Environment,
  type WritableEnvironment,
} from '../engine/core/model/environments';
import { FaultInjector, type Fault } from './faults';
import { RequestLog, type RequestLogInput } from './requestLog';
import { SecretStore, type SecretWrite } from './store';

/**
 * A local implementation of the secrets API (docs/API.md) on 127.0.0.1, for the tests, the benchmark and
 * `npm start`. It stores values in memory (optionally persisted to a JSON file) and never puts one in a
 * response, a log entry or an error message.
 */

export const DEFAULT_LOCAL_API_KEYS: readonly string[] = ['sk_dev_local', 'sk_prod_local'];

/** Limits of API.md. */
export const MAX_ITEMS_PER_REQUEST = 100;
export const MAX_VALUE_BYTES = 65_536;
export const MAX_BODY_BYTES = 1024 * 1024;
/** A body larger than this is not even drained: the connection is closed after the 413. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

export interface LocalApiServerOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Accepted API keys; each one's prefix decides its environment. Default: sk_dev_local, sk_prod_local. */
  readonly apiKeys?: readonly string[];
  /** Load from and persist to this JSON file (written atomically after every write). */
  readonly persistFile?: string;
  /** Added latency before every `/v1` answer. */
  readonly latencyMs?: number;
  /** Clock for `updatedAt`. */
  readonly now?: () => Date;
}

export interface LocalApiServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly store: SecretStore;
  readonly faults: FaultInjector;
  readonly log: RequestLog;
  /** Replaces the accepted API keys. */
  setApiKeys(keys: readonly string[]): void;
  close(): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** What the request log records besides method, path and status. */
  readonly log?: Omit<RequestLogInput, 'method' | 'path' | 'status'>;
}

export async function createLocalApiServer(options: LocalApiServerOptions = {}): Promise<LocalApiServer> {
  const store = new SecretStore(options.persistFile, options.now);
  const faults = new FaultInjector();
  if (options.latencyMs !== undefined) faults.setLatency(options.latencyMs);
  const log = new RequestLog();
  let apiKeys = new Set(options.apiKeys ?? DEFAULT_LOCAL_API_KEYS);

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // Only reached on a bug or a failed persistence write; the text names the failure, never a value.
      const message = error instanceof Error ? error.name : 'error';
      if (!response.headersSent && !response.destroyed)
        send(response, errorAnswer(500, 'internal', `local API failure (${message})`));
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const body = await readBody(request);

    if (url.pathname.startsWith('/_local/')) {
      send(response, control(method, url.pathname, body));
      return;
    }

    const fault: Fault = faults.next();
    const path = url.pathname + url.search;
    if (fault.kind === 'status') {
      const answer = transientAnswer(fault.status, fault.retryAfterSeconds);
      await delay(faults.latencyMs);
      log.add({ method, path, status: answer.status, code: errorCode(answer), fault: 'status' });
      send(response, answer);
      return;
    }
    if (fault.kind === 'drop' && !fault.afterApply) {
      await delay(faults.latencyMs);
      log.add({ method, path, status: 0, fault: 'drop' });
      response.socket?.destroy();
      return;
    }

    const answer = api(method, url, request.headers.authorization, body);
    await delay(faults.latencyMs);
    if (fault.kind === 'drop') {
      log.add({ method, path, status: 0, ...answer.log, fault: 'drop-after-apply' });
      response.socket?.destroy();
      return;
    }
    log.add({
      method,
      path,
      status: answer.status,
      ...(answer.status >= 400 ? { code: errorCode(answer) } : {}),
      ...answer.log,
    });
    send(response, answer);
  }

  function api(method: string, url: URL, authorization: string | undefined, body: Body): Answer {
    if (url.pathname !== '/v1/secrets') return errorAnswer(404, 'not_found', `no route ${url.pathname}`);
    if (method !== 'GET' && method !== 'PUT') {
      return {
        ...errorAnswer(405, 'method_not_allowed', `${method} is not allowed on /v1/secrets`),
        headers: { allow: 'GET, PUT' },
      };
    }
    const keyEnvironment = authenticate(authorization);
    if (keyEnvironment === undefined) return errorAnswer(401, 'unauthorized', 'missing, malformed or unknown API key');

    const requested = url.searchParams.getAll('environment');
    if (requested.length > 1)
      return errorAnswer(400, 'bad_request', 'environment may be given once', undefined, {
        environment: keyEnvironment,
      });
    let environment: Environment = keyEnvironment;
    if (requested.length === 1) {
      const value = requested[0]!;
      if (!isEnvironment(value))
        return errorAnswer(400, 'bad_request', 'environment must be development, production or eval', undefined, {
          environment: keyEnvironment,
        });
      const readable = method === 'GET' && keyEnvironment === 'development' && value === 'eval';
      if (value !== keyEnvironment && !readable) {
        return errorAnswer(
          403,
          'forbidden',
          `a ${keyEnvironment} key cannot ${method === 'GET' ? 'list' : 'write'} ${value}`,
          undefined,
          { environment: keyEnvironment },
        );
      }
      environment = value;
    }

    if (method === 'GET') {
      const secrets = store.list(environment);
      return { status: 200, body: { environment, secrets }, log: { environment, count: secrets.length } };
    }
    return upsert(keyEnvironment, body);
  }

  function upsert(environment: WritableEnvironment, body: Body): Answer {
    const context = { environment };
    if (body.tooLarge) return errorAnswer(413, 'too_large', `body is over ${MAX_BODY_BYTES} bytes`, undefined, context);
    const parsed = parseJson(body.bytes);
    if (!parsed.ok) return errorAnswer(400, 'bad_request', 'body is not valid UTF-8 JSON', undefined, context);
    const document = parsed.value;
    if (!isPlainObject(document) || !onlyProperties(document, ['secrets']) || !Array.isArray(document.secrets)) {
      return errorAnswer(400, 'bad_request', 'body must be {"secrets":[{"key":…,"value":…},…]}', undefined, context);
    }
    const raw: unknown[] = document.secrets;
    if (raw.length === 0)
      return errorAnswer(400, 'bad_request', 'secrets must hold at least one item', undefined, context);
    if (raw.length > MAX_ITEMS_PER_REQUEST) {
      return errorAnswer(
        413,
        'too_large',
        `${raw.length} items; at most ${MAX_ITEMS_PER_REQUEST} per request`,
        undefined,
        { ...context, count: raw.length },
      );
    }
    const items: SecretWrite[] = [];
    for (const [index, item] of raw.entries()) {
      if (
        !isPlainObject(item) ||
        !onlyProperties(item, ['key', 'value']) ||
        typeof item.key !== 'string' ||
        typeof item.value !== 'string'
      ) {
        return errorAnswer(400, 'bad_request', `item ${index} must be {"key":string,"value":string}`, undefined, {
          ...context,
          count: raw.length,
        });
      }
      items.push({ key: item.key, value: item.value });
    }
    const keys = items.map((item) => item.key);
    const withKeys = { ...context, keys, count: items.length };

    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const key of keys) (seen.has(key) ? duplicates : seen).add(key);
    if (duplicates.size > 0)
      return errorAnswer(400, 'bad_request', 'a key appears more than once in the request', [...duplicates], withKeys);

    const invalid = keys.filter((key) => !isValidKey(key));
    if (invalid.length > 0)
      return errorAnswer(
        422,
        'invalid_key',
        'keys must match ^[A-Za-z_][A-Za-z0-9_]*$; nothing was written',
        invalid,
        withKeys,
      );
    const oversized = items
      .filter((item) => Buffer.byteLength(item.value, 'utf8') > MAX_VALUE_BYTES)
      .map((item) => item.key);
    if (oversized.length > 0) {
      return errorAnswer(
        422,
        'value_too_large',
        `values are limited to ${MAX_VALUE_BYTES} bytes; nothing was written`,
        oversized,
        withKeys,
      );
    }

    const targets: Environment[] = environment === 'development' ? ['development', 'eval'] : ['production'];
    const outcome = store.apply(targets, items);
    const mirrored = targets.slice(1);
    return {
      status: 200,
      body: { environment, created: outcome.created, updated: outcome.updated, mirrored },
      log: { ...withKeys, applied: true },
    };
  }

  function authenticate(authorization: string | undefined): WritableEnvironment | undefined {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    if (!match || !apiKeys.has(match[1]!)) return undefined;
    return environmentOfApiKey(match[1]!);
  }

  function control(method: string, pathname: string, body: Body): Answer {
    const route = `${method} ${pathname}`;
    switch (route) {
      case 'GET /_local/state':
        return {
          status: 200,
          body: {
            environments: {
              development: store.names('development'),
              production: store.names('production'),
              eval: store.names('eval'),
            },
          },
        };
      case 'GET /_local/log':
        return { status: 200, body: { requests: log.entries() } };
      case 'DELETE /_local/log':
        log.clear();
        return { status: 204 };
      case 'GET /_local/faults':
        return { status: 200, body: faults.settings() };
      case 'POST /_local/faults': {
        const parsed = body.tooLarge ? { ok: false as const } : parseJson(body.bytes);
        if (!parsed.ok) return errorAnswer(400, 'bad_request', 'faults must be a JSON object');
        try {
          faults.configure(parsed.value);
        } catch (error) {
          if (error instanceof RangeError) return errorAnswer(400, 'bad_request', error.message);
          throw error;
        }
        return { status: 200, body: faults.settings() };
      }
      case 'POST /_local/reset':
        store.clear();
        log.clear();
        faults.reset();
        return { status: 204 };
      default:
        return errorAnswer(404, 'not_found', `no control route ${route}`);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    faults,
    log,
    setApiKeys(keys) {
      apiKeys = new Set(keys);
    },
    close() {
      // Idempotent: a test may close early (to get a refused port) and again in its cleanup.
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

interface Body {
  readonly bytes: Buffer;
  /** The body was over MAX_BODY_BYTES; `bytes` is then empty. */
  readonly tooLarge: boolean;
}

/** Reads the whole body, keeping at most MAX_BODY_BYTES; a larger one is drained so the 413 reaches the client. */
function readBody(request: http.IncomingMessage): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else chunks.length = 0;
      if (size > MAX_DRAIN_BYTES) request.destroy();
    });
    request.on('end', () =>
      resolve(
        size > MAX_BODY_BYTES
          ? { bytes: Buffer.alloc(0), tooLarge: true }
          : { bytes: Buffer.concat(chunks), tooLarge: false },
      ),
    );
    request.on('error', reject);
    // A client that goes away mid-body (or a body past MAX_DRAIN_BYTES) never gets an answer.
    request.on('close', () => {
      if (!request.complete) reject(new Error('request body incomplete'));
    });
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Never report JSON.parse's message: V8 quotes the input, and the input holds values. */
function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(utf8.decode(bytes)) };
  } catch {
    return { ok: false };
  }
}

function errorAnswer(
  status: number,
  code: string,
  message: string,
  keys?: readonly string[],
  log: Answer['log'] = {},
): Answer {
  return { status, body: { error: { code, message, ...(keys ? { keys: [...keys] } : {}) } }, log };
}

function transientAnswer(status: number, retryAfterSeconds: number | undefined): Answer {
  if (status === 429) {
    return {
      ...errorAnswer(429, 'rate_limited', 'too many requests'),
      headers: { 'retry-after': String(retryAfterSeconds ?? 0) },
    };
  }
  return errorAnswer(status, status === 500 ? 'internal' : 'unavailable', 'transient failure; nothing was written');
}

function errorCode(answer: Answer): string | undefined {
  const body = answer.body as { error?: { code?: string } } | undefined;
  return body?.error?.code;
}

function send(response: http.ServerResponse, answer: Answer): void {
  if (response.destroyed) return;
  const headers: Record<string, string | number> = { ...answer.headers };
  if (answer.body === undefined) {
    response.writeHead(answer.status, headers).end();
    return;
  }
  const payload = Buffer.from(JSON.stringify(answer.body), 'utf8');
  headers['content-type'] = 'application/json; charset=utf-8';
  headers['content-length'] = payload.length;
  response.writeHead(answer.status, headers).end(payload);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyProperties(value: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(value).every((key) => allowed.includes(key));
}
