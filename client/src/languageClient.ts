import * as path from 'node:path';
import type * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type Middleware,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type { Environment } from '../../engine/core';
import { VSCODE_CLIENT_FEATURES, VSCODE_SERVER_EXEC_ARGV } from '../../engine/protocol';

/** Files the server answers for: .env files, prompts and tool code. */
const DOCUMENT_SELECTOR = [
  'dotenv',
  'typescript',
  'typescriptreact',
  'javascript',
  'javascriptreact',
  'markdown',
  'mdx',
  'plaintext',
].map((language) => ({ scheme: 'file', language }));

/** The language client for `dist/server.js`, over IPC; not started yet. */
export function createLanguageClient(
  context: vscode.ExtensionContext,
  environment: Environment,
  middleware: Middleware,
  outputChannel: vscode.LogOutputChannel,
): LanguageClient {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    // The server tunes its own heap (server/src/heapTuning.ts); VS Code's pulls need a larger young generation.
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...VSCODE_SERVER_EXEC_ARGV] } },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: [...VSCODE_SERVER_EXEC_ARGV, '--nolazy', '--inspect=6019'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: 'struere' },
    // Tells the server this client renders codicons and runs our commands (code lenses, quick fixes).
    initializationOptions: { environment, clientFeatures: VSCODE_CLIENT_FEATURES },
    // Env-file locations of definitions and references go to the masked view while a file is cloaked.
    middleware,
    // Server logs and the LSP trace (traceChannel.ts redacts both): without a separate trace channel the client
    // traces into this one.
    outputChannel,
  };
  return new LanguageClient('struere', 'Struere Secrets Language Server', serverOptions, clientOptions);
}
