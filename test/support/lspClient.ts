import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DiagnosticRefreshRequest,
  DidChangeWatchedFilesNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type Diagnostic,
  type FileEvent,
  type ProtocolConnection,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { ServerStateNotification, type ServerStateParams } from '../../engine/protocol';
import { waitUntil } from './waitUntil';

// STRUERE_TEST_SERVER runs the same tests against another build (e.g. main's, to see a test fail before a fix).
/** How long a server may take to exit after `exit` before it is killed. */
const EXIT_BOUND_MS = 5_000;

export const SERVER_JS = process.env.STRUERE_TEST_SERVER ?? path.resolve(__dirname, '../../dist/server.js');

export interface LspClientOptions {
  folders: string[];
  /** Pull diagnostics (VS Code) or push (Neovim, Helix and most editors). */
  pull?: boolean;
  /** The `struere` settings section the client answers workspace/configuration with. */
  settings?: Record<string, unknown>;
  /** Whether the client watches files for the server (dynamic didChangeWatchedFiles registration). */
  watchFiles?: boolean;
  /** Extra arguments for the server's Node (e.g. V8 heap flags). */
  nodeArgs?: string[];
  /** Declare completion list item defaults (as VS Code does) even in push mode. */
  itemDefaults?: boolean;
  /** Runs the server as another user through `setpriv` (tests run as root, which reads everything). */
  spawnAs?: { uid: number; gid: number };
  /** Sent as `initializationOptions` (our VS Code client announces its features there). */
  initializationOptions?: unknown;
  /** Limits a wait for a notification; a failing test fails here instead of hanging. */
  waitLimitMs?: number;
  /** The server's whole command line instead of `node dist/server.js --stdio` (an installed package's bin). */
  command?: string[];
  /** The server's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /**
   * Whether to keep a copy of every byte the server sent in `received` (default: yes, for the tests' leak checks).
   * The benchmarks turn it off: no editor keeps one, and by the end of a bench it holds hundreds of megabytes the
   * client's collector walks while the latencies are timed.
   */
  recordReceived?: boolean;
}

/**
 * A real LSP client talking to the built server over stdio: what any editor does, with waits on real
 * notifications (never sleeps) and a deadline so a broken server fails the test instead of hanging it.
 */
export class LspTestClient {
  readonly connection: ProtocolConnection;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly stderr: string[] = [];
  /** Every message the server sent (for leak checks); empty when `recordReceived` is false. */
  readonly received: string[] = [];
  refreshCount = 0;
  registrations: unknown[] = [];
  state: ServerStateParams | undefined;
  /** performance.now() when `initialized` was sent: the start of the indexing clock. */
  initializedAt = 0;
  /** performance.now() of the latest publishDiagnostics. */
  lastPublishAt = 0;
  /** How many publishDiagnostics each file got (tests of what is not re-sent). */
  readonly publishCount = new Map<string, number>();
  readonly process: ChildProcessWithoutNullStreams;
  private readonly listeners = new Set<() => void>();
  private versions = new Map<string, number>();

  constructor(private readonly options: LspClientOptions) {
    const command = [...(options.command ?? [process.execPath, ...(options.nodeArgs ?? []), SERVER_JS, '--stdio'])];
    const as = options.spawnAs;
    if (as) command.unshift('setpriv', `--reuid=${as.uid}`, `--regid=${as.gid}`, '--clear-groups');
    this.process = spawn(command[0]!, command.slice(1), { stdio: 'pipe', env: options.env ?? process.env });
    this.process.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    if (options.recordReceived !== false)
      this.process.stdout.on('data', (chunk: Buffer) => this.received.push(chunk.toString()));
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.process.stdout),
      new StreamMessageWriter(this.process.stdin),
    );
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.diagnostics.set(params.uri, params.diagnostics);
      this.publishCount.set(params.uri, (this.publishCount.get(params.uri) ?? 0) + 1);
      this.lastPublishAt = performance.now();
      this.notify();
    });
    this.connection.onNotification(ServerStateNotification.method, (params: ServerStateParams) => {
      this.state = params;
      this.notify();
    });
    this.connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map(() => this.options.settings ?? {}),
    );
    this.connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations);
    });
    this.connection.onRequest(DiagnosticRefreshRequest.type, () => {
      this.refreshCount++;
      this.notify();
    });
    this.connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.stderr.push(params.message);
    });
    this.connection.listen();
  }

  static async start(options: LspClientOptions): Promise<LspTestClient> {
    const client = new LspTestClient(options);
    await client.initialize();
    return client;
  }

  private async initialize(): Promise<void> {
    const capabilities = clientCapabilities(this.options);
    // A command that is not a server (or none at all) ends or fails to start: that fails the start at once, since
    // a request on a closed connection would otherwise wait forever.
    const ended = new Promise<never>((_, reject) => {
      const fail = (why: string) =>
        reject(new Error(`the server ${why} before answering initialize; stderr:\n${this.stderr.join('')}`));
      this.process.once('exit', (code, signal) => fail(`exited (${code ?? signal})`));
      this.process.once('error', (error) => fail(`could not start (${error.message})`));
    });
    ended.catch(() => undefined);
    await Promise.race([ended, this.initializeRequest(capabilities)]);
    this.initializedAt = performance.now();
    await this.connection.sendNotification(InitializedNotification.type, {});
    await this.waitFor(() => this.state !== undefined, 'the server to finish indexing');
  }

  private async initializeRequest(capabilities: ClientCapabilities): Promise<void> {
    await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities,
      initializationOptions: this.options.initializationOptions,
      workspaceFolders: this.options.folders.map((folder) => ({
        uri: URI.file(folder).toString(),
        name: path.basename(folder),
      })),
    });
  }

  /** Resolves when `condition` holds, re-checked on every server notification; rejects at the deadline. */
  waitFor(condition: () => boolean, what: string): Promise<void> {
    return waitUntil(this.listeners, condition, what, this.options.waitLimitMs ?? 15_000, () => this.stderr.join(''));
  }

  waitForDiagnostics(
    uri: string,
    predicate: (diagnostics: Diagnostic[]) => boolean,
    what = `diagnostics of ${uri}`,
  ): Promise<Diagnostic[]> {
    return this.waitFor(() => this.diagnostics.has(uri) && predicate(this.diagnostics.get(uri)!), what).then(() =>
      this.diagnostics.get(uri)!,
    );
  }

  async open(uri: string, text: string, languageId = 'plaintext'): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes,
    });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async filesChanged(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  async stop(): Promise<void> {
    // A server that died already: nothing to shut down (the test reports why it died).
    if (this.process.exitCode !== null || this.process.signalCode !== null) return this.connection.dispose();
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
      // vscode-languageserver exits the process on `exit`: let it, so exit hooks run (a `--cpu-prof` profile is
      // written then); a server that has not exited within the bound is killed below.
      await Promise.race([exited, delay(EXIT_BOUND_MS, undefined, { ref: false })]);
    } finally {
      this.connection.dispose();
      if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill();
    }
    await exited;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/**
 * What the test clients announce: pull diagnostics like VS Code, or push like most editors; completion list item
 * defaults for VS Code-like clients (pull) and for push clients that ask for them.
 */
export function clientCapabilities(
  options: Pick<LspClientOptions, 'pull' | 'itemDefaults' | 'watchFiles'>,
): ClientCapabilities {
  return {
    workspace: {
      configuration: true,
      workspaceFolders: true,
      didChangeWatchedFiles: { dynamicRegistration: options.watchFiles !== false },
      diagnostics: options.pull ? { refreshSupport: true } : undefined,
    },
    textDocument: {
      synchronization: { dynamicRegistration: false },
      completion: {
        completionItem: { snippetSupport: false },
        completionList: options.pull || options.itemDefaults ? { itemDefaults: ['editRange', 'data'] } : undefined,
      },
      hover: { contentFormat: ['markdown', 'plaintext'] },
      publishDiagnostics: { relatedInformation: true },
      diagnostic: options.pull ? { dynamicRegistration: false, relatedDocumentSupport: false } : undefined,
    },
  };
}

export function fileUri(filePath: string): string {
  return URI.file(filePath).toString();
}
