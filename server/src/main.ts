import { format } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { BatchingMessageWriter } from './batchingWriter';
import { startServer } from './server';
import { errorText } from '../../engine/core/errorText';

// The server's garbage is short-lived (file texts, scan results, JSON messages); a small young generation keeps
// its resident memory near what it holds. On the command line (`node --max-semi-space-size=2`, as our VS Code
// client launches it) the 10,000-file benchmark ends at ≈108–121 MB. Set here, after V8 started, it helps less
// and unreliably (≈140–226 MB across runs; the live heap after a full GC is ≈21 MB either way), so editors that
// launch the server themselves should pass the flag (README, "Other editors").
setFlagsFromString('--max-semi-space-size=2');

// One failed promise (a client that rejects a request we sent, say) must not take every editor feature down.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`struere language server: unhandled rejection: ${errorText(reason, { stack: true })}\n`);
});

startServer(process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all));

/**
 * `--stdio` (most editors, the tests): stdin as vscode-languageserver takes it (the editor closing it ends the
 * server), stdout through our batching writer (see BatchingMessageWriter). Other transports (`--node-ipc` when VS
 * Code forks the server, sockets) are chosen from the command line by vscode-languageserver itself.
 */
function stdioConnection() {
  // stdout carries the protocol: anything a dependency prints goes to stderr, the editor's log for the server.
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
    console[method] = (...args: unknown[]) => process.stderr.write(`${format(...args)}\n`);
  // At run time the library takes a writer object where its typings say stream (it checks for `addListener`).
  const output = new BatchingMessageWriter(process.stdout) as unknown as NodeJS.WritableStream;
  return createConnection(ProposedFeatures.all, process.stdin, output);
}
