import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { URI } from 'vscode-uri';
import { clientCapabilities, SERVER_JS } from '../test/support/lspClient';
import { waitUntil } from '../test/support/waitUntil';

/** How long a wait may take before the bench fails instead of hanging. */
const WAIT_LIMIT_MS = 300_000;
const EXIT_BOUND_MS = 5_000;
const HEADER_END = Buffer.from('\r\n\r\n');

export interface LeanClientOptions {
  readonly folders: readonly string[];
  /** Declare completion list item defaults (as VS Code does). */
  readonly itemDefaults?: boolean;
  /** Pull diagnostics (VS Code's way) instead of having them pushed. */
  readonly pull?: boolean;
  readonly nodeArgs?: readonly string[];
  /** Called for every publishDiagnostics, in order, from the first (during indexing). */
  readonly onPublish?: (publish: Publish) => void;
  /** Called for every `$/progress` (partial results of a request that gave a `partialResultToken`). */
  readonly onProgress?: (token: string | number, value: unknown) => void;
}

/** A diagnostics notification as the bench reads it: the file and the keys its diagnostics name. */
export interface Publish {
  readonly uri: string;
  readonly keys: readonly (string | undefined)[];
}

/**
 * The benchmark's timing client: an LSP client over stdio that does per message only what the measurement needs,
 * as an editor's native client does. The test client (test/support/lspClient.ts) keeps every diagnostic and turns
 * every answer into objects; in the bench that bookkeeping was the slowest part of a round trip: parsing a
 * 310 KB completion answer took longer than the server took to send it, and the survivors of those parses made
 * the client's own scavenges take 10–55 ms, which landed in the timed requests. Here an answer the bench only
 * checks (`requestRaw`) stays the bytes that arrived, diagnostics reach a callback and are not kept, and every
 * other message is parsed as usual. Requests the server sends are answered (configuration with empty sections,
 * the rest with null).
 */
export class LeanLspClient {
  /** performance.now() when `initialized` was sent: the start of the indexing clock. */
  initializedAt = 0;
  readonly process: ChildProcessWithoutNullStreams;
  private readonly stderr: string[] = [];
  private readonly pending = new Map<
    number,
    { raw: boolean; settle: (body: Buffer | unknown, error?: Error) => void }
  >();
  private readonly listeners = new Set<() => void>();
  private nextId = 1;
  /** Bytes received and not yet dispatched, and how many a complete next message needs at least. */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private needed = 0;
  private readonly versions = new Map<string, number>();
  private indexed = false;

  private constructor(private readonly options: LeanClientOptions) {
    this.process = spawn(process.execPath, [...(options.nodeArgs ?? []), SERVER_JS, '--stdio'], { stdio: 'pipe' });
    this.process.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.process.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  /** Starts the server, initializes it and waits until it has indexed its folders (its state notification). */
  static async start(options: LeanClientOptions): Promise<LeanLspClient> {
    const client = new LeanLspClient(options);
    const exited = new Promise<never>((_, reject) =>
      client.process.once('exit', (code) =>
        reject(new Error(`the server exited (${code}): ${client.stderr.join('')}`)),
      ),
    );
    exited.catch(() => undefined);
    await Promise.race([
      exited,
      client.request('initialize', {
        processId: process.pid,
        rootUri: null,
        capabilities: clientCapabilities({ pull: options.pull, itemDefaults: options.itemDefaults }),
        workspaceFolders: options.folders.map((folder) => ({
          uri: URI.file(folder).toString(),
          name: path.basename(folder),
        })),
      }),
    ]);
    client.initializedAt = performance.now();
    client.notify('initialized', {});
    await client.waitFor(() => client.indexed, 'the server to finish indexing');
    return client;
  }

  /** A request whose answer is parsed. */
  request(method: string, params: unknown): Promise<unknown> {
    return this.send(method, params, false).then((body) => (body as { result?: unknown }).result);
  }

  /** A request whose answer is returned as the bytes of its message, unparsed (the bench checks them itself). */
  requestRaw(method: string, params: unknown): Promise<Buffer> {
    return this.send(method, params, true) as Promise<Buffer>;
  }

  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  open(uri: string, text: string, languageId: string): void {
    this.versions.set(uri, 1);
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  change(uri: string, contentChanges: unknown[]): void {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  /** Resolves when `condition` holds, re-checked after every message from the server; rejects at the deadline. */
  waitFor(condition: () => boolean, what: string): Promise<void> {
    return waitUntil(this.listeners, condition, what, WAIT_LIMIT_MS, () => this.stderr.join(''));
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    try {
      await this.request('shutdown', null);
      this.notify('exit', null);
      await Promise.race([exited, delay(EXIT_BOUND_MS, undefined, { ref: false })]);
    } finally {
      if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill();
    }
    await exited;
  }

  private send(method: string, params: unknown, raw: boolean): Promise<Buffer | unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { raw, settle: (body, error) => (error ? reject(error) : resolve(body)) });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  private write(message: object): void {
    const body = JSON.stringify(message);
    this.process.stdin.write(`Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`, 'utf8');
  }

  /**
   * Splits the stream into messages by their Content-Length headers (the only header the server sends). Chunks of
   * a large message are kept apart until it is complete, then joined once.
   */
  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.chunkBytes += chunk.length;
    if (this.chunkBytes < this.needed) return;
    let buffered = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    for (;;) {
      const headerEnd = buffered.indexOf(HEADER_END);
      const length =
        headerEnd < 0 ? NaN : Number(/Content-Length: (\d+)/i.exec(buffered.toString('latin1', 0, headerEnd))?.[1]);
      const start = headerEnd + HEADER_END.length;
      if (headerEnd < 0 || buffered.length < start + length) {
        if (headerEnd >= 0 && !Number.isInteger(length)) throw new Error('a message from the server has no length');
        this.needed = headerEnd < 0 ? buffered.length + 1 : start + length;
        break;
      }
      const body = buffered.subarray(start, start + length);
      buffered = buffered.subarray(start + length);
      this.dispatch(body);
      for (const listener of [...this.listeners]) listener();
    }
    this.chunks = buffered.length > 0 ? [buffered] : [];
    this.chunkBytes = buffered.length;
  }

  private dispatch(body: Buffer): void {
    const id = responseId(body);
    const waiting = id === undefined ? undefined : this.pending.get(id);
    if (waiting?.raw) {
      this.pending.delete(id!);
      return waiting.settle(body);
    }
    const message = JSON.parse(body.toString('utf8')) as {
      id?: number | string;
      method?: string;
      params?: { uri?: string; diagnostics?: { data?: { key?: string } }[] };
      result?: unknown;
      error?: { message: string };
    };
    if (message.method === undefined) {
      const answered = this.pending.get(message.id as number);
      this.pending.delete(message.id as number);
      if (message.error) return answered?.settle(undefined, new Error(message.error.message));
      return answered?.settle(message);
    }
    if (message.id !== undefined) return this.answer(message.id, message.method, message.params);
    if (message.method === 'textDocument/publishDiagnostics')
      return this.options.onPublish?.({
        uri: message.params!.uri!,
        keys: message.params!.diagnostics!.map((d) => d.data?.key),
      });
    if (message.method === 'struere/serverState') this.indexed = true;
    if (message.method === '$/progress') {
      const { token, value } = message.params as { token: string | number; value: unknown };
      this.options.onProgress?.(token, value);
    }
  }

  private answer(id: number | string, method: string, params: unknown): void {
    const result = method === 'workspace/configuration' ? (params as { items: unknown[] }).items.map(() => ({})) : null;
    this.write({ jsonrpc: '2.0', id, result });
  }
}

const RESPONSE_PREFIX = /^\{"jsonrpc":"2\.0","id":(\d+),"(?:result|error)"/;

/** The id of a response, read from its first bytes (vscode-jsonrpc writes `jsonrpc`, `id`, then the result). */
function responseId(body: Buffer): number | undefined {
  const match = RESPONSE_PREFIX.exec(body.toString('latin1', 0, Math.min(body.length, 48)));
  return match ? Number(match[1]) : undefined;
}

/** How many times `needle` occurs in `haystack`, without decoding it. */
export function occurrences(haystack: Buffer, needle: string): number {
  const bytes = Buffer.from(needle, 'utf8');
  let count = 0;
  for (let at = haystack.indexOf(bytes); at >= 0; at = haystack.indexOf(bytes, at + bytes.length)) count++;
  return count;
}
