import {
  DocumentDiagnosticReportKind,
  MessageType,
  ShowMessageNotification,
  TextDocumentContentChangeEvent,
  TextDocuments,
  type Connection,
  type CompletionItem,
  type DocumentDiagnosticReport,
  type TextDocumentsConfiguration,
  type WorkspaceDiagnosticReport,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  IndexStatsRequest,
  SecretStatusRequest,
  SetEnvironmentNotification,
  SetRemoteNamesNotification,
} from '../../engine/protocol';
import { type LineEdit, lineEditOf } from '../../engine/core';
import { readClientSetup, serverCapabilities } from './clientSetup';
import { Guard } from './guard';
import * as is from './params';
import { ServerSession } from './session';

/** A cancelled diagnostic pull is asked again by the client once the server has caught up. */
const RETRIGGER = { retriggerRequest: true };
const NO_STATS = { projects: 0, envFiles: 0, agentFiles: 0, references: 0 };

/**
 * The LSP adapter: a function of the connection it is given (stdio, IPC or a test's pipe). It declares the
 * capabilities and routes each message to the session or the service through the one guard; every answer comes
 * from the engine, so any LSP client (VS Code, Neovim, Helix, the tests) gets the same ones.
 */
export function startServer(connection: Connection): void {
  const lineEdits = new Map<string, LineEdit>();
  const documents = new TextDocuments(recordingLineEdits(lineEdits));
  const guard = new Guard(connection);
  let session: ServerSession | undefined;
  let folderEvents = false;

  connection.onInitialize((params) => {
    const setup = readClientSetup(params);
    session = new ServerSession(connection, documents, guard, setup);
    folderEvents = setup.folderEvents;
    guard.attach(session);
    return serverCapabilities(setup);
  });
  connection.onInitialized(() => {
    session?.start();
    if (folderEvents)
      connection.workspace.onDidChangeWorkspaceFolders(
        guard.notification('workspace folders', is.isFoldersChange, (event, s) => s.foldersChanged(event)),
      );
  });
  connection.onShutdown(() => session?.stop());

  wireNotifications(connection, documents, guard, lineEdits);
  wireDiagnostics(connection, guard);
  wireFeatures(connection, guard);
  wireCustomRequests(connection, guard);

  documents.listen(connection);
  connection.listen();
}

function wireNotifications(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  guard: Guard,
  lineEdits: Map<string, LineEdit>,
): void {
  connection.onDidChangeConfiguration(
    guard.notification('configuration', is.anything, (change, s) =>
      s.configurationChanged((change as { settings?: unknown } | null)?.settings),
    ),
  );
  connection.onDidChangeWatchedFiles(
    guard.notification('watched files', is.isWatchedFilesParams, (params, s) => s.watchedFilesChanged(params)),
  );
  connection.onNotification(
    SetEnvironmentNotification.method,
    guard.notification('set environment', is.isSetEnvironmentParams, (p, s) => s.setEnvironment(p.environment)),
  );
  connection.onNotification(
    SetRemoteNamesNotification.method,
    guard.notification('set remote names', is.isSetRemoteNamesParams, (params, s) => s.setRemoteNames(params)),
  );
  const documentChanged = guard.notification('document change', is.hasDocument, (params, s) => {
    const document = documents.get(params.textDocument.uri);
    // Handled after earlier work (indexing, a previous edit): the edit describes the text now only if no later
    // one was applied since; the index checks that its model is of the text before the edit (LineEdit).
    const edit = lineEdits.get(params.textDocument.uri);
    lineEdits.delete(params.textDocument.uri);
    if (document)
      s.documentChanged(document.uri, document.getText(), edit?.toVersion === document.version ? edit : undefined);
  });
  documents.onDidChangeContent(({ document }) => documentChanged({ textDocument: { uri: document.uri } }));
  const documentClosed = guard.notification('document close', is.hasDocument, (p, s) =>
    s.documentClosed(p.textDocument.uri),
  );
  documents.onDidClose(({ document }) => documentClosed({ textDocument: { uri: document.uri } }));
}

function wireDiagnostics(connection: Connection, guard: Guard): void {
  const emptyReport: DocumentDiagnosticReport = { kind: DocumentDiagnosticReportKind.Full, items: [] };
  connection.languages.diagnostics.on(
    guard.request(
      'diagnostics',
      emptyReport,
      is.hasDocument,
      (p, s) => s.diagnostics.report(p.textDocument.uri),
      RETRIGGER,
    ),
  );
  connection.languages.diagnostics.onWorkspace(
    guard.request(
      'workspace diagnostics',
      { items: [] } as WorkspaceDiagnosticReport,
      is.isWorkspaceDiagnosticParams,
      (p, s, token, partialResults) => s.diagnostics.workspaceReport(p, token, partialResults),
      RETRIGGER,
    ),
  );
}

function wireFeatures(connection: Connection, guard: Guard): void {
  const position = is.isPositionParams;
  connection.onCompletion(
    guard.request('completion', [], position, (p, s) => s.service.complete(p.textDocument.uri, p.position)),
  );
  connection.onCompletionResolve(
    guard.request(
      'completion resolve',
      (item: CompletionItem) => item,
      is.isCompletionItem,
      (item, s) => s.service.resolveCompletion(item),
    ),
  );
  connection.onHover(guard.request('hover', null, position, (p, s) => s.service.hover(p.textDocument.uri, p.position)));
  connection.onDefinition(
    guard.request('definition', [], position, (p, s) => s.service.definition(p.textDocument.uri, p.position)),
  );
  connection.onReferences(
    guard.request('references', [], is.isReferenceParams, (p, s) =>
      s.service.references(p.textDocument.uri, p.position, p.context.includeDeclaration === true),
    ),
  );
  connection.onDocumentHighlight(
    guard.request('highlights', [], position, (p, s) => s.service.highlights(p.textDocument.uri, p.position)),
  );
  connection.onDocumentSymbol(
    guard.request('document symbols', [], is.hasDocument, (p, s) => s.service.documentSymbols(p.textDocument.uri)),
  );
  connection.onWorkspaceSymbol(
    guard.request('workspace symbols', [], is.isWorkspaceSymbolParams, (p, s) => s.service.workspaceSymbols(p.query)),
  );
  connection.onPrepareRename(
    guard.request('prepare rename', null, position, (p, s) => s.service.prepareRename(p.textDocument.uri, p.position)),
  );
  connection.onRenameRequest(
    guard.request('rename', null, is.isRenameParams, (p, s) => {
      const result = s.service.rename(p.textDocument.uri, p.position, p.newName);
      // A notification, not a request: every client shows it, and none has to answer.
      if (result)
        void connection.sendNotification(ShowMessageNotification.type, {
          type: MessageType.Info,
          message: result.notice,
        });
      return result?.edit ?? null;
    }),
  );
  connection.onCodeAction(
    guard.request('code actions', [], is.isCodeActionParams, (p, s) =>
      s.service.codeActions(p.textDocument.uri, p.context.diagnostics),
    ),
  );
  connection.onCodeLens(
    guard.request('code lenses', [], is.hasDocument, (p, s) => s.service.codeLenses(p.textDocument.uri)),
  );
}

function wireCustomRequests(connection: Connection, guard: Guard): void {
  connection.onRequest(
    SecretStatusRequest.method,
    guard.request(
      'secret status',
      { markdown: 'The Struere language server could not build the status.' },
      is.isSecretStatusParams,
      (p, s) => ({ markdown: s.service.status(p.projectUri) ?? `No Struere project at ${p.projectUri}.` }),
    ),
  );
  const stats = guard.request('index stats', { ...NO_STATS, memory: memory() }, is.anything, (_p, s) => ({
    ...s.service.stats(),
    memory: memory(),
  }));
  connection.onRequest(IndexStatsRequest.type, (token) => stats(undefined, token));
}

/** The server process's memory (benchmarks report it). */
function memory(): { rss: number; heapUsed: number; external: number } {
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

const LINE_END = Number.MAX_SAFE_INTEGER;

/**
 * TextDocument's own create and update, noting for a single ranged change which lines it touched (see LineEdit),
 * so the service rescans those lines instead of the whole buffer. Several changes at once (multi-cursor), a
 * whole-text replacement or an opened document note nothing: the whole text is scanned.
 */
function recordingLineEdits(lineEdits: Map<string, LineEdit>): TextDocumentsConfiguration<TextDocument> {
  return {
    create: (uri, languageId, version, content) => {
      lineEdits.delete(uri);
      return TextDocument.create(uri, languageId, version, content);
    },
    update: (document, changes, version) => {
      const linesBefore = document.lineCount;
      const fromVersion = document.version;
      const updated = TextDocument.update(document, changes, version);
      const change = changes.length === 1 ? changes[0] : undefined;
      if (change && TextDocumentContentChangeEvent.isIncremental(change)) {
        const lineText = (line: number) =>
          // TextDocument ends a line's range before its line break.
          updated.getText({ start: { line, character: 0 }, end: { line, character: LINE_END } });
        lineEdits.set(
          document.uri,
          lineEditOf({ fromVersion, toVersion: version }, change.range, linesBefore, updated.lineCount, lineText),
        );
      } else lineEdits.delete(document.uri);
      return updated;
    },
  };
}
