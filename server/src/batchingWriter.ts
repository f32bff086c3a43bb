import type { Writable } from 'node:stream';
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';
import { isSharedResult } from '../../engine/core';

/** Pending output is written at once beyond this, so a burst never holds more than about this much. */
const FLUSH_BYTES = 1 << 20;
/**
 * The longest string a flush builds by joining pieces: 32 Ki UTF-16 units stay under V8's large-object size (128 KB)
 * even for two-byte text, so a joined run is an ordinary young-generation string.
 */
const JOIN_CHARS = 1 << 15;

/**
 * The protocol's output over a stream (stdout), written once per turn of the event loop. vscode-jsonrpc's own
 * stream writer sends every message behind a semaphore that waits a `setImmediate` and the pipe's callback per
 * message, which makes the burst of diagnostics after indexing a large workspace an order of magnitude slower.
 * Order is kept: every message goes through here.
 */
export class BatchingMessageWriter extends AbstractMessageWriter implements MessageWriter {
  /**
   * Headers and bodies as they come: strings (the stream encodes them once, into its own write, with no Buffer per
   * message) and the cached encodings of shared results (see serialise), which go out as they are.
   */
  private pending: Piece[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;

  constructor(private readonly output: NodeJS.WritableStream) {
    super();
    batchingWriterInstalled = true;
    output.on('error', (error: unknown) => this.fireError(error));
    output.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    try {
      const pieces = serialise(message);
      let bytes = 0;
      for (const piece of pieces) bytes += typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.length;
      this.pending.push(`Content-Length: ${bytes}\r\n\r\n`, ...pieces);
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
    const pieces = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    // Strings are joined in runs of at most JOIN_CHARS, and a cached encoding is written as it is: no write is a
    // new string or buffer of a large answer or of a whole burst. In a process with a small young generation each
    // such copy is a large-object allocation, and on a VM that hands out fresh pages slowly one cost more than the
    // rest of a completion request (a 310 KB list: ~3 ms). The writes are corked, so the stream hands them to the
    // pipe in one writev.
    const stream = this.output as NodeJS.WritableStream & Partial<Pick<Writable, 'cork' | 'uncork'>>;
    stream.cork?.();
    let run: string[] = [];
    let runChars = 0;
    const writeRun = () => {
      if (run.length > 0) stream.write(run.length === 1 ? run[0]! : run.join(''), 'utf8');
      run = [];
      runChars = 0;
    };
    for (const piece of pieces) {
      if (typeof piece !== 'string') {
        writeRun();
        stream.write(piece);
        continue;
      }
      if (runChars + piece.length > JOIN_CHARS) writeRun();
      run.push(piece);
      runChars += piece.length;
    }
    writeRun();
    stream.uncork?.();
  }
}

/** A part of a message's text: a string, or the UTF-8 of a shared result encoded earlier. */
type Piece = string | Buffer;

/** UTF-8 JSON of shared result arrays, by identity: see serialise. */
const sharedArrayJson = new WeakMap<readonly unknown[], Buffer>();

/**
 * Whether a BatchingMessageWriter carries this process's messages (`--stdio`): only it sends `encodeParams`'s
 * text; over another transport the connection serialises the parameters itself, so encoding them first when
 * nothing else needs the text would serialise them twice.
 */
let batchingWriterInstalled = false;

export function writesEncodedParams(): boolean {
  return batchingWriterInstalled;
}

/** JSON of notification parameters encoded by `encodeParams`, by identity. */
const encodedParams = new WeakMap<object, string>();

/**
 * Encodes a notification's parameters once, for a caller that needs the JSON itself (a fingerprint of what it
 * sends): the writer then sends this text when the same object goes out as the parameters, instead of
 * serialising it again. The object must not be changed afterwards; the caller hands it over.
 */
export function encodeParams(params: object): string {
  const json = JSON.stringify(params);
  encodedParams.set(params, json);
  return json;
}

/**
 * A message as JSON pieces. A notification whose parameters were encoded by `encodeParams` uses that text. A
 * response whose result is a shared result array (`isSharedResult`: frozen to the last nested object by the
 * engine), or holds one as `items` (a completion list), reuses that array's encoding from the last time the same
 * array was sent: its JSON cannot change, and a client asks for the same list on every keystroke. Anything else is
 * serialised as it comes.
 */
function serialise(message: Message): Piece[] {
  const notification = message as { jsonrpc?: unknown; method?: unknown; params?: unknown };
  if (isPreEncodedNotification(notification)) {
    const params = encodedParams.get(notification.params as object)!;
    return [
      `{"jsonrpc":${JSON.stringify(notification.jsonrpc)},"method":${JSON.stringify(notification.method)},"params":${params}}`,
    ];
  }
  const response = message as { jsonrpc?: unknown; id?: unknown; result?: unknown; error?: unknown };
  if (!isPlainResponse(response)) return [JSON.stringify(message)];
  const { result } = response;
  const envelope = `{"jsonrpc":${JSON.stringify(response.jsonrpc)},"id":${JSON.stringify(response.id)},"result":`;
  if (isSharedArray(result)) return [envelope, sharedJson(result), '}'];
  if (typeof result !== 'object' || result === null || !isSharedArray((result as { items?: unknown }).items))
    return [JSON.stringify(message)];
  const { items, ...rest } = result as { items: readonly unknown[] };
  const head = JSON.stringify(rest);
  const list = head === '{}' ? '{' : `${head.slice(0, -1)},`;
  return [`${envelope}${list}"items":`, sharedJson(items), '}}'];
}

/** `{ jsonrpc, method, params }` with parameters from `encodeParams`: the one notification shape written by hand. */
function isPreEncodedNotification(message: { jsonrpc?: unknown; method?: unknown; params?: unknown }): boolean {
  return (
    typeof message.jsonrpc === 'string' &&
    typeof message.method === 'string' &&
    typeof message.params === 'object' &&
    message.params !== null &&
    encodedParams.has(message.params) &&
    Object.keys(message).length === 3
  );
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

function sharedJson(array: readonly unknown[]): Buffer {
  let json = sharedArrayJson.get(array);
  if (json === undefined) {
    json = encodeArray(array);
    sharedArrayJson.set(array, json);
  }
  return json;
}

/** Elements per slice when encoding a large array: a slice's JSON stays well under the large-object size. */
const ELEMENTS_PER_SLICE = 256;

/**
 * `Buffer.from(JSON.stringify(array))` without the whole text as one string: a 2,000-item list of a client without
 * item defaults is ~310 KB, a large-object string (see flush) made for each new list (a cursor that moved). Slices
 * are encoded one by one, their brackets replaced by the commas between them. Elements are plain result objects;
 * a toJSON that read its key would see an index within the slice.
 */
function encodeArray(array: readonly unknown[]): Buffer {
  if (array.length <= ELEMENTS_PER_SLICE) return Buffer.from(JSON.stringify(array), 'utf8');
  const parts: Buffer[] = [];
  for (let from = 0; from < array.length; from += ELEMENTS_PER_SLICE) {
    const json = JSON.stringify(array.slice(from, from + ELEMENTS_PER_SLICE));
    const last = from + ELEMENTS_PER_SLICE >= array.length;
    parts.push(Buffer.from(`${from === 0 ? '[' : ','}${json.slice(1, -1)}${last ? ']' : ''}`, 'utf8'));
  }
  return Buffer.concat(parts);
}
