// First: V8 settings that must apply before the other modules load (see heapTuning.ts).
import './heapTuning';
import { format } from 'node:util';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { BatchingMessageWriter } from './batchingWriter';
import { startServer } from './server';
import { errorText } from '../../engine/core';

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
