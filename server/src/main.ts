import { setFlagsFromString } from 'node:v8';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
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

// The connection's transport (stdio, IPC, socket) is chosen from the command line by vscode-languageserver:
// `--stdio` for most editors and the tests, `--node-ipc` when VS Code forks the server.
startServer(createConnection(ProposedFeatures.all));
