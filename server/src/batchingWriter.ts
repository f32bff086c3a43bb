import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';
import { isSharedResult } from '../../engine/core';

/** Pending output is written at once beyond this, so a burst never holds more than about this much. */
const FLUSH_BYTES = 1 << 20;

/**
 * The protocol's output over a stream (stdout), written once per turn of the event loop. vscode-jsonrpc's own
 * stream writer sends every message behind a semaphore that waits a `setImmediate` and the pipe's callback per
 * message, which makes the burst of diagnostics after indexing a large workspace an order of magnitude slower.
 * Order is kept: every message goes through here.
 */
export class BatchingMessageWriter extends AbstractMessageWriter implements MessageWriter {
  /** Headers and bodies as strings: the stream encodes them once, into its own write, with no Buffer per message. */
  private pending: string[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;

  constructor(private readonly output: NodeJS.WritableStream) {
    super();
    output.on('error', (error: unknown) => this.fireError(error));
    output.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    try {
      const body = serialise(message);
      const bytes = Buffer.byteLength(body, 'utf8');
      this.pending.push(`Content-Length: ${bytes}\r\n\r\n`, body);
      this.pendingBytes += bytes;
    } catch (error) {
      // A message that cannot be serialized (a cycle, a BigInt) is this message's failure, not the connection's.
      this.fireError(error, message);
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return Promise.resolve();
  }

  end(): void {
    this.flush();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const chunks = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.output.write(chunks.join(''), 'utf8');
  }
}

/** JSON of shared result arrays, by identity: see serialise. */
const sharedArrayJson = new WeakMap<readonly unknown[], string>();

/**
 * A message as JSON. A response whose result is a shared result array (`isSharedResult`: frozen to the last nested
 * object by the engine), or holds one as `items` (a completion list), reuses that array's JSON from the last time
 * the same array was sent: its JSON cannot change, and a client asks for the same list on every keystroke.
 * Anything else is serialised as it comes.
 */
function serialise(message: Message): string {
  const response = message as { jsonrpc?: unknown; id?: unknown; result?: unknown; error?: unknown };
  if (!isPlainResponse(response)) return JSON.stringify(message);
  const { result } = response;
  const envelope = `{"jsonrpc":${JSON.stringify(response.jsonrpc)},"id":${JSON.stringify(response.id)},"result":`;
  if (isSharedArray(result)) return `${envelope}${sharedJson(result)}}`;
  if (typeof result !== 'object' || result === null || !isSharedArray((result as { items?: unknown }).items))
    return JSON.stringify(message);
  const { items, ...rest } = result as { items: readonly unknown[] };
  const head = JSON.stringify(rest);
  const list = head === '{}' ? '{' : `${head.slice(0, -1)},`;
  return `${envelope}${list}"items":${sharedJson(items)}}}`;
}

/** `{ jsonrpc, id, result }` and nothing else: the only shape serialise writes by hand. */
function isPlainResponse(message: { jsonrpc?: unknown; id?: unknown; result?: unknown }): boolean {
  const { id } = message;
  return (
    typeof message.jsonrpc === 'string' &&
    (typeof id === 'number' || typeof id === 'string' || id === null) &&
    'result' in message &&
    Object.keys(message).length === 3
  );
}

function isSharedArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value) && isSharedResult(value);
}

function sharedJson(array: readonly unknown[]): string {
  let json = sharedArrayJson.get(array);
  if (json === undefined) {
    json = JSON.stringify(array);
    sharedArrayJson.set(array, json);
  }
  return json;
}
