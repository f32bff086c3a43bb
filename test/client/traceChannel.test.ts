import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { ENV_TEXT_LEFT_OUT, redactingChannel, redactTraceMessage, valueRedactor } from '../../client/src/traceChannel';

// Issue 18, hole 7: a verbose LSP trace prints didOpen / didChange parameters, an .env file's whole text among
// them. The client's server channel passes every message through the trace redactor.

const CANARY = 'canary_trace_value_Vb7nR2kq';
const ENV_URI = 'file:///work/app/.env.development';
const ENV_TEXT = `API_TOKEN=${CANARY}\n`;

/** A message as vscode-languageclient traces it at verbosity "verbose". */
function traced(method: string, params: unknown): string {
  return `[Trace - 10:00:00 AM] Sending notification '${method}'.\nParams: ${JSON.stringify(params, null, 4)}`;
}

const redactValues = valueRedactor(() => [{ uri: ENV_URI, version: 1, text: () => ENV_TEXT }]);

test('a didOpen of an env file is traced without its text', () => {
  const message = traced('textDocument/didOpen', {
    textDocument: { uri: ENV_URI, languageId: 'dotenv', version: 1, text: ENV_TEXT },
  });
  const result = redactTraceMessage(message, redactValues);
  assert.ok(!result.includes(CANARY), result);
  assert.equal(result, `[Trace - 10:00:00 AM] Sending notification 'textDocument/didOpen'.\n${ENV_TEXT_LEFT_OUT}`);
});

test('a didChange of an env file, by another name and percent-encoded, is traced without the edit', () => {
  for (const uri of ['file:///work/app/.env.local', 'file:///work/app/%2Eenv.x', 'file:///w/prod.env']) {
    const message = traced('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: {}, text: 'NEW_SECRET_PASTED_abcdefgh' }],
    });
    assert.ok(!redactTraceMessage(message, (text) => text).includes('NEW_SECRET_PASTED'), uri);
  }
});

test('a value of an open env file pasted into a prompt is replaced in the trace', () => {
  const message = traced('textDocument/didOpen', {
    textDocument: { uri: 'file:///work/app/prompt.md', languageId: 'markdown', version: 1, text: `key ${CANARY}` },
  });
  const result = redactTraceMessage(message, redactValues);
  assert.ok(!result.includes(CANARY));
  assert.match(result, /key \[SECRET:API_TOKEN\]/);
});

test('control: a prompt file without values is traced as it is', () => {
  const message = traced('textDocument/didOpen', {
    textDocument: { uri: 'file:///work/app/prompt.md', languageId: 'markdown', version: 1, text: '{{secrets.X}}' },
  });
  assert.equal(redactTraceMessage(message, redactValues), message);
});

test('the redacting channel passes every text method through the redactor and keeps the log level live', () => {
  const written: string[] = [];
  let level = 0;
  const channel = {
    name: 'Struere Secrets Language Server',
    get logLevel() {
      return level;
    },
    onDidChangeLogLevel: () => ({ dispose: () => undefined }),
    trace: (message: string) => written.push(`trace ${message}`),
    info: (message: string) => written.push(`info ${message}`),
    appendLine: (message: string) => written.push(`line ${message}`),
    dispose: () => written.push('disposed'),
  } as unknown as vscode.LogOutputChannel;
  const wrapped = redactingChannel(channel, (message) => redactTraceMessage(message, redactValues));
  const message = traced('textDocument/didOpen', { textDocument: { uri: ENV_URI, text: ENV_TEXT } });
  wrapped.trace(message);
  wrapped.appendLine(message);
  wrapped.info(`server says ${CANARY}`);
  level = 1;
  assert.equal(wrapped.logLevel, 1);
  assert.equal(wrapped.name, 'Struere Secrets Language Server');
  wrapped.dispose();
  assert.ok(!written.join('\n').includes(CANARY), written.join('\n'));
  assert.deepEqual(
    written.map((line) => line.split(' ')[0]),
    ['trace', 'line', 'info', 'disposed'],
  );
});

test('the value redactor follows the env documents as they change (its dictionary is rebuilt only then)', () => {
  const next = 'canary_trace_rotated_Qm4Lp9Xs';
  let text = ENV_TEXT;
  let version = 1;
  const redact = valueRedactor(() => [{ uri: ENV_URI, version, text: () => text }]);
  assert.equal(redact(`a ${CANARY} b`), 'a [SECRET:API_TOKEN] b');
  // Control: before the edit, the next value is nobody's and passes through.
  assert.equal(redact(`a ${next} b`), `a ${next} b`);
  text = `API_TOKEN=${next}\n`;
  version++;
  assert.equal(redact(`a ${next} b`), 'a [SECRET:API_TOKEN] b');
  assert.equal(redact(`a ${CANARY} b`), `a ${CANARY} b`);
});
