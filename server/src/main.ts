import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

// The connection's transport (stdio, IPC, socket) is chosen from the command line by vscode-languageserver:
// `--stdio` for most editors and the tests, `--node-ipc` when VS Code forks the server.
startServer(createConnection(ProposedFeatures.all));
