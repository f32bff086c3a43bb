import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { StreamMessageReader, type Message } from 'vscode-languageserver/node';
import { shareResult } from '../../engine/core';
import { BatchingMessageWriter, encodeParams } from '../../server/src/batchingWriter';

/**
 * A writer and vscode-jsonrpc's own reader on one pipe; `all` settles once `count` messages arrived (a body that
 * is not JSON is the reader's error: it fails the test instead of leaving it waiting).
 */
function loopback(count: number) {
  const pipe = new PassThrough();
  const writer = new BatchingMessageWriter(pipe);
  const reader = new StreamMessageReader(pipe);
  const received: Message[] = [];
  const all = new Promise<void>((resolve, reject) => {
    reader.onError((error) => reject(error));
    reader.listen((message) => {
      if (received.push(message) === count) resolve();
    });
  });
  const dispose = () => {
    reader.dispose();
    writer.dispose();
  };
  return { writer, received, all, dispose };
}

/**
 * The batching writer against vscode-jsonrpc's own reader: every message arrives whole and in order, whatever
 * its characters (Content-Length counts UTF-8 bytes, not UTF-16 units) and however large the batch.
 */
test('messages written in one burst are read back whole, in order, multi-byte text included', async () => {
  const sent: Message[] = [
    { jsonrpc: '2.0', method: 'a', params: { text: 'é and ü' } } as Message,
    { jsonrpc: '2.0', method: 'b', params: { text: '😀 \u2028 line separator' } } as Message,
    // Over the flush threshold: written at once, before the messages after it.
    { jsonrpc: '2.0', method: 'big', params: { text: 'ñ'.repeat(1_500_000) } } as Message,
    { jsonrpc: '2.0', method: 'c', params: { text: 'plain' } } as Message,
  ];
  const { writer, received, all, dispose } = loopback(sent.length);
  for (const message of sent) await writer.write(message);
  await all;
  assert.deepEqual(received, sent);
  // Control: a byte count in UTF-16 units would have cut the first message short and failed above.
  assert.notEqual(Buffer.byteLength('é and ü'), 'é and ü'.length);
  dispose();
});

/**
 * A shared result array (shareResult: the engine's completion lists) is serialised once and its JSON reused while the
 * same array is sent again; anything else is serialised every time. Counted by the items' toJSON.
 */
test('a shared item list is serialised once and read back whole each time; an unshared one every time', async () => {
  const { writer, received, all, dispose } = loopback(8);
  let serialised = 0;
  const item = (label: string) => ({
    label,
    toJSON: () => {
      serialised++;
      return { label, kind: 21, sortText: '0' };
    },
  });
  const frozen = shareResult([item('A_é'), item('B')]);
  const unfrozen = [item('C')];
  // Frozen but not declared shared: the writer must not rely on freezing alone.
  const frozenOnly = Object.freeze([item('E')]);
  // The shapes the writer reuses a list's JSON in: a completion list with or without defaults, a bare array.
  const responses = (items: unknown) => [
    { jsonrpc: '2.0', id: 1, result: { isIncomplete: false, itemDefaults: { data: { uri: 'file:///a' } }, items } },
    { jsonrpc: '2.0', id: 'two', result: { isIncomplete: false, items } },
    { jsonrpc: '2.0', id: 3, result: items },
    { jsonrpc: '2.0', id: 4, result: { items } },
  ];
  for (const message of responses(frozen)) await writer.write(message as unknown as Message);
  assert.equal(serialised, 2, 'the frozen list was serialised once, for the first message');
  const expected = responses([
    { label: 'A_é', kind: 21, sortText: '0' },
    { label: 'B', kind: 21, sortText: '0' },
  ]);
  // Control: an array that is not frozen is serialised for every message, so a change between two is sent.
  await writer.write({ jsonrpc: '2.0', id: 5, result: { items: unfrozen } } as Message);
  unfrozen.push(item('D'));
  await writer.write({ jsonrpc: '2.0', id: 6, result: { items: unfrozen } } as Message);
  assert.equal(serialised, 2 + 1 + 2);
  await writer.write({ jsonrpc: '2.0', id: 7, result: frozenOnly } as unknown as Message);
  await writer.write({ jsonrpc: '2.0', id: 8, result: frozenOnly } as unknown as Message);
  assert.equal(serialised, 2 + 1 + 2 + 2, 'a frozen array not made by shareResult is serialised every time');
  await all;
  assert.deepEqual(received.slice(0, 4), expected);
  assert.deepEqual(
    received
      .slice(4, 6)
      .map((m) => (m as unknown as { result: { items: { label: string }[] } }).result.items.map((i) => i.label)),
    [['C'], ['C', 'D']],
  );
  dispose();
});

/**
 * Notification parameters encoded by `encodeParams` (the scheduler's diagnostics pushes, fingerprinted from that
 * text) go out as that text: serialised once in all, not again when written. Counted by the parameters' toJSON.
 */
test('encoded notification parameters are sent as encoded, without a second serialisation', async () => {
  const { writer, received, all, dispose } = loopback(3);
  let serialised = 0;
  const params = (uri: string) => ({
    toJSON: () => {
      serialised++;
      return { uri, diagnostics: [{ message: 'ü missing' }] };
    },
  });
  const encoded = params('file:///a.md');
  const json = encodeParams(encoded);
  assert.equal(serialised, 1);
  await writer.write({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: encoded } as Message);
  assert.equal(serialised, 1, 'the encoded parameters were not serialised again');
  // Control: parameters that were not encoded are serialised when written.
  await writer.write({
    jsonrpc: '2.0',
    method: 'textDocument/publishDiagnostics',
    params: params('file:///b.md'),
  } as Message);
  assert.equal(serialised, 2);
  // A request holding encoded parameters is not the notification shape: serialised as it comes.
  await writer.write({ jsonrpc: '2.0', id: 9, method: 'x', params: encoded } as Message);
  assert.equal(serialised, 3);
  await all;
  assert.deepEqual(JSON.parse(json), { uri: 'file:///a.md', diagnostics: [{ message: 'ü missing' }] });
  assert.deepEqual(
    received.map((m) => (m as unknown as { params: { uri: string } }).params.uri),
    ['file:///a.md', 'file:///b.md', 'file:///a.md'],
  );
  assert.deepEqual((received[0] as unknown as { params: unknown }).params, JSON.parse(json));
  dispose();
});

/**
 * A large shared list is encoded slice by slice (no string of the whole list); the text read back must be the
 * list's own JSON at every length around a slice boundary, with elements that encode as null and multi-byte text.
 */
test('a large shared list reads back as its own JSON at every length around a slice boundary', async () => {
  const lengths = [0, 1, 255, 256, 257, 511, 512, 513, 2000];
  const { writer, received, all, dispose } = loopback(lengths.length);
  const lists = lengths.map((length) =>
    Array.from({ length }, (_, i) => (i % 97 === 5 ? undefined : { label: `KEY_${i}_é`, kind: 21, n: i })),
  );
  for (const [id, list] of lists.entries())
    await writer.write({ jsonrpc: '2.0', id, result: shareResult(list) } as unknown as Message);
  await all;
  for (const [id, list] of lists.entries())
    assert.deepEqual((received[id] as unknown as { result: unknown }).result, JSON.parse(JSON.stringify(list)));
  // Control: the longest list spans several slices and holds elements that encode as null.
  assert.ok(lists.at(-1)!.length > 3 * 256 && lists.at(-1)!.includes(undefined));
  dispose();
});
