import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

// The client and the server depend on one protocol version, so `.type` carries each custom message's parameter
// types to both sides (engine/protocol.ts). This type-checks small snippets with the project's compiler options:
// the correct one must compile, and each wrong parameter must be a type error. If the LSP packages drift apart
// again, the correct snippet fails ("separate declarations of a private property"), as it did before.

const root = path.join(__dirname, '..', '..');
// Virtual files beside the client and the server, so their imports resolve as the real code's do.
const clientFile = (name: string) => path.join(root, 'client', 'src', `__typecheck_${name}.ts`);
const serverFile = (name: string) => path.join(root, 'server', 'src', `__typecheck_${name}.ts`);

const clientHeader = `
import type { LanguageClient } from 'vscode-languageclient/node';
import { SecretStatusRequest, ServerStateNotification, SetEnvironmentNotification, SetRemoteNamesNotification } from '../../engine/protocol';
declare const client: LanguageClient;
export async function use(): Promise<unknown> {`;
const serverHeader = `
import type { Connection } from 'vscode-languageserver/node';
import { SecretStatusRequest, SetEnvironmentNotification } from '../../engine/protocol';
declare const connection: Connection;
export function use(): void {`;

const snippets: Record<string, string> = {
  [clientFile('good')]: `${clientHeader}
  await client.sendNotification(SetEnvironmentNotification.type, { environment: 'production' });
  client.onNotification(ServerStateNotification.type, (state) => {
    void state.projects.map((uri) => uri.length);
  });
  const status = await client.sendRequest(SecretStatusRequest.type, { projectUri: 'file:///p' });
  return status.markdown.length; }`,
  [serverFile('good')]: `${serverHeader}
  connection.onNotification(SetEnvironmentNotification.type, (params) => {
    void params.environment.length;
  });
  connection.onRequest(SecretStatusRequest.type, (params) => ({ markdown: params.projectUri })); }`,
  [clientFile('unknownEnvironment')]: `${clientHeader}
  return client.sendNotification(SetEnvironmentNotification.type, { environment: 'staging' }); }`,
  [clientFile('misspelledParameter')]: `${clientHeader}
  return client.sendRequest(SecretStatusRequest.type, { project: 'file:///p' }); }`,
  [clientFile('wrongResultField')]: `${clientHeader}
  return (await client.sendRequest(SecretStatusRequest.type, { projectUri: 'file:///p' })).html; }`,
  [clientFile('wrongNotificationShape')]: `${clientHeader}
  return client.sendNotification(SetRemoteNamesNotification.type, { projectUri: 'file:///p', lists: {} }); }`,
  [serverFile('wrongHandlerResult')]: `${serverHeader}
  connection.onRequest(SecretStatusRequest.type, () => ({ text: 'no markdown' })); }`,
};

function typeErrors(): Map<string, string[]> {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), (file) => ts.sys.readFile(file));
  // Each snippet imports every message; unused imports are not what this test is about.
  const options = { ...ts.parseJsonConfigFileContent(config.config, ts.sys, root).options, noUnusedLocals: false };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => file in snippets || fileExists(file);
  host.readFile = (file) => snippets[file] ?? readFile(file);
  host.getSourceFile = (file, language, ...rest) =>
    file in snippets ? ts.createSourceFile(file, snippets[file]!, language) : getSourceFile(file, language, ...rest);
  const program = ts.createProgram(Object.keys(snippets), options, host);
  const errors = new Map<string, string[]>(Object.keys(snippets).map((file) => [file, []]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file?.fileName ?? '(global)';
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    errors.set(file, [...(errors.get(file) ?? []), text]);
  }
  return errors;
}

test('custom LSP messages are typed on both sides: correct uses compile, wrong parameters do not', () => {
  const errors = typeErrors();
  const outside = [...errors].filter(([file]) => !(file in snippets)).flatMap(([file, texts]) => [file, ...texts]);
  assert.deepEqual(outside, [], 'no errors outside the snippets');
  assert.deepEqual(errors.get(clientFile('good')), [], 'the client snippet compiles');
  assert.deepEqual(errors.get(serverFile('good')), [], 'the server snippet compiles');
  // Each wrong snippet differs from a line of the correct one in one parameter or field, so its error is that one.
  // Where several overloads fail, TypeScript names only the last one's reason: the match is then on the call.
  const expected: Record<string, RegExp> = {
    [clientFile('unknownEnvironment')]:
      /Type '"staging"' is not assignable to type '"development" \| "production" \| "eval"'/,
    [clientFile('misspelledParameter')]: /No overload matches this call/,
    [clientFile('wrongResultField')]: /Property 'html' does not exist on type 'SecretStatusResult'/,
    [clientFile('wrongNotificationShape')]: /SetRemoteNamesParams/,
    [serverFile('wrongHandlerResult')]: /No overload matches this call/,
  };
  for (const [file, pattern] of Object.entries(expected)) {
    const texts = errors.get(file) ?? [];
    assert.ok(
      texts.some((text) => pattern.test(text)),
      `${path.basename(file)}: expected a type error matching ${pattern}, got: ${texts.join(' | ') || 'none'}`,
    );
  }
});
