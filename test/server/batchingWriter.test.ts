import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { StreamMessageReader, type Message } from 'vscode-languageserver/node';
import { BatchingMessageWriter } from '../../server/src/batchingWriter';

/**
 * The batching writer against vscode-jsonrpc's own reader: every message arrives whole and in order, whatever
 * its characters (Content-Length counts UTF-8 bytes, not UTF-16 units) and however large the batch.
 */
test('messages written in one burst are read back whole, in order, multi-byte text included', async () => {
  const pipe = new PassThrough();
  const writer = new BatchingMessageWriter(pipe);
  const reader = new StreamMessageReader(pipe);
  const received: Message[] = [];
  const sent: Message[] = [
    { jsonrpc: '2.0', method: 'a', params: { text: 'é and ü' } } as Message,
    { jsonrpc: '2.0', method: 'b', params: { text: '😀 \u2028 line separator' } } as Message,
    // Over the flush threshold: written at once, before the messages after it.
    { jsonrpc: '2.0', method: 'big', params: { text: 'ñ'.repeat(1_500_000) } } as Message,
    { jsonrpc: '2.0', method: 'c', params: { text: 'plain' } } as Message,
  ];
  const all = new Promise<void>((resolve) =>
    reader.listen((message) => {
      received.push(message);
      if (received.length === sent.length) resolve();
    }),
  );
  for (const message of sent) await writer.write(message);
  await all;
  assert.deepEqual(received, sent);
  // Control: a byte count in UTF-16 units would have cut the first message short and failed above.
  assert.notEqual(Buffer.byteLength('é and ü'), 'é and ü'.length);
  reader.dispose();
  writer.dispose();
});
