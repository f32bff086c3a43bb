import {
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceDocumentDiagnosticReport,
  CodeActionKind,
  CodeLensRefreshRequest,
  MessageType,
  ShowMessageNotification,
  ErrorCodes,
  ResponseError,
} from 'vscode-languageserver';
import { codeActions } from '../../engine/core/codeActions';
import { DIAGNOSTIC_SOURCE } from '../../engine/core/diagnosticRules';
import { completeEnvKey, documentSymbols, envCodeLenses, workspaceSymbols } from '../../engine/core/envFileFeatures';
import { siblingOf, validateParity } from '../../engine/core/parity';
import { documentHighlights, findReferences, planRename, prepareRename } from '../../engine/core/rename';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { doComplete, resolveCompletion, withTextEdits } from '../../engine/core/completion';
import { findDefinition } from '../../engine/core/definition';
import { ENVIRONMENTS, isEnvironment, type Environment } from '../../engine/core/environments';
import { hoverEnvKey, hoverReference } from '../../engine/core/hover';
import { DEFAULT_SETTINGS, sanitizeSettings, type ServerSettings } from '../../engine/core/settings';
import { validateEnvFile, validateSourceFile, type ValidationSettings } from '../../engine/core/validation';
import { baseName } from '../../engine/core/uris';
import { envFileState, isEnvFileName } from '../../engine/core/workspaceIndex';
import { watchFoldersOnDisk } from '../../engine/host/diskWatcher';
import { pathToUri, uriToPath, WorkspaceHost } from '../../engine/host/workspaceHost';
import { formatStatusMarkdown, secretStatus } from '../../engine/core/status';
import {
  fromRemoteNameListDto,
  IndexStatsRequest,
  SecretStatusRequest,
  ServerStateNotification,
  SetEnvironmentNotification,
  SetRemoteNamesNotification,
} from '../../engine/protocol';
import { runSafe } from './runSafe';
import { errorText } from '../../engine/core/errorText';
import { hasLeakFindings, validateLeaks } from '../../engine/core/leakDiagnostics';

/**
 * The LSP adapter: wires a connection to the pure core. It owns no logic of its own beyond deciding what to
 * re-diagnose after a change, so any LSP client (VS Code, Neovim, Helix, the tests) gets the same answers.
 */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let settings: ServerSettings = DEFAULT_SETTINGS;
  let environmentOverride: Environment | undefined;
  const host = new WorkspaceHost(settings);
  let folders: string[] = [];
  let pullDiagnostics = false;
  let configurationPull = false;
  let dynamicWatchers = false;
  /** The client takes a shared edit range and data once per list instead of once per item. */
  let completionDefaults = false;
  let codeLensRefresh = false;
  let stopDiskWatcher: (() => void) | undefined;
  /** Resolves once every project is indexed; handlers wait on it so early requests get real answers. */
  let indexed: Promise<void> = Promise.resolve();
  const published = new Set<string>();
  // ---- leaks (h-leaks): open buffers win over the disk for rescans; new findings re-diagnose their file ----
  host.openText = (uri) => documents.get(uri)?.getText();
  host.onSecretFindings = (uri) => schedule([uri], true);
  host.scanSourcesOnRead = false; // secretlint on open buffers only: see WorkspaceHost.scanSourcesOnRead
  // ---- end leaks ----

  const environment = (): Environment => environmentOverride ?? settings.environment;
  const validationSettings = (): ValidationSettings => ({
    environment: environment(),
    severity: settings.severity,
    maxFileBytes: settings.maxFileBytes,
  });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const capabilities = params.capabilities;
    pullDiagnostics = capabilities.textDocument?.diagnostic !== undefined;
    configurationPull = capabilities.workspace?.configuration === true;
    dynamicWatchers = capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    codeLensRefresh = capabilities.workspace?.codeLens?.refreshSupport === true;
    const itemDefaults = capabilities.textDocument?.completion?.completionList?.itemDefaults ?? [];
    completionDefaults = itemDefaults.includes('editRange') && itemDefaults.includes('data');
    folders = (params.workspaceFolders ?? []).map((folder) => uriToPath(folder.uri));
    if (folders.length === 0 && params.rootUri) folders = [uriToPath(params.rootUri)];
    const options = params.initializationOptions as { settings?: unknown; environment?: unknown } | undefined;
    if (options?.settings !== undefined) settings = sanitizeSettings(options.settings);
    // The status bar's choice, remembered per workspace, wins over the setting from the first diagnostic on.
    if (isEnvironment(options?.environment)) environmentOverride = options.environment;
    host.updateSettings(settings);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: ['.', '"', "'", '`'], resolveProvider: true },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        renameProvider: { prepareProvider: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
        diagnosticProvider: pullDiagnostics
          ? { identifier: 'struere', interFileDependencies: true, workspaceDiagnostics: true }
          : undefined,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'struere-secrets' },
    };
  });

  connection.onInitialized(() => {
    indexed = (async () => {
      await loadSettings();
      if (dynamicWatchers) {
        await connection.client
          .register(DidChangeWatchedFilesNotification.type, {
            watchers: [
              { globPattern: '**/struere.json' },
              { globPattern: '**/{.env,.env.*,*.env}' },
              { globPattern: '**/.gitignore' },
              ...settings.include.map((globPattern) => ({ globPattern })),
            ],
          })
          .catch((error: unknown) => {
            // A client that announced watching but refuses it: follow the disk ourselves.
            logFailure('file watcher registration', error);
            stopDiskWatcher = watchFoldersOnDisk(folders, (paths) => void onDiskChanges(paths));
          });
      } else {
        // Clients without file watching (some editors, scripts) still see changes made on disk.
        stopDiskWatcher = watchFoldersOnDisk(folders, (paths) => void onDiskChanges(paths));
      }
      for (const folder of folders) await host.loadFolder(folder);
      rediagnoseAll();
      sendState();
    })().catch((error: unknown) => {
      connection.console.error(`Indexing failed: ${errorText(error, { stack: true })}`);
    });
  });

  connection.onShutdown(() => stopDiskWatcher?.());

  async function loadSettings(): Promise<void> {
    if (!configurationPull) return;
    const section: unknown = await connection.workspace.getConfiguration('struere');
    applySettings(sanitizeSettings(section));
  }

  function applySettings(next: ServerSettings): boolean {
    const rescan =
      JSON.stringify([next.include, next.exclude, next.maxFileBytes]) !==
      JSON.stringify([settings.include, settings.exclude, settings.maxFileBytes]);
    settings = next;
    host.updateSettings(next);
    return rescan;
  }

  connection.onDidChangeConfiguration(async (change) => {
    await indexed;
    const pushed = (change.settings as { struere?: unknown } | undefined)?.struere;
    let rescan: boolean;
    if (configurationPull) {
      const section: unknown = await connection.workspace.getConfiguration('struere');
      rescan = applySettings(sanitizeSettings(section));
    } else rescan = applySettings(sanitizeSettings(pushed));
    if (rescan) await host.reloadAll();
    rediagnoseAll();
    sendState();
  });

  connection.onNotification(SetEnvironmentNotification.type, (params) => {
    environmentOverride = sanitizeSettings({ environment: params.environment }).environment;
    void indexed.then(() => {
      rediagnoseAll();
      sendState();
    });
  });

  connection.onNotification(SetRemoteNamesNotification.type, (params) => {
    void indexed.then(() => {
      const project = host.index.getProject(params.projectUri);
      if (!project) return;
      for (const environment of ENVIRONMENTS) {
        const dto = params.lists[environment];
        if (dto) host.index.setRemote(project.rootUri, environment, fromRemoteNameListDto(dto));
      }
      // Remote lists change rarely (a refresh, a sync): re-diagnosing the project's references is cheap enough.
      schedule(project.sourceFiles.keys());
      if (codeLensRefresh)
        connection
          .sendRequest(CodeLensRefreshRequest.type)
          .catch((error: unknown) => logFailure('code lens refresh', error));
    });
  });

  function logFailure(what: string, error: unknown): void {
    connection.console.error(`${what} failed: ${errorText(error)}`);
  }

  function sendState(): void {
    void connection.sendNotification(ServerStateNotification.type, {
      environment: environment(),
      projects: host.index.allProjects().map((project) => project.rootUri),
    });
  }

  // ---- documents: the editor's buffer is the truth while a file is open ----

  documents.onDidChangeContent(({ document }) => {
    void indexed.then(() => updateFromText(document.uri, document.getText()));
  });

  documents.onDidClose(({ document }) => {
    // The buffer may have held unsaved edits: the disk is the truth again.
    void indexed.then(async () => {
      const update = await host.refreshFile(uriToPath(document.uri));
      schedule([document.uri, ...affectedBy(document.uri, update.changedKeys)]);
    });
  });

  function updateFromText(uri: string, text: string): void {
    const project = host.index.projectOf(uri);
    if (isEnvFileName(baseName(uri))) {
      const changed = project ? host.setEnvText(uri, text) : new Set<string>();
      schedule([uri, ...affectedBy(uri, changed)]);
    } else if (project && host.classify(uriToPath(uri)) === 'source') {
      host.setSource(uri, text, true);
      schedule([uri], false);
    }
  }

  function affectedBy(uri: string, changedKeys: ReadonlySet<string>): Set<string> {
    const project = host.index.projectOf(uri);
    if (!project || changedKeys.size === 0) return new Set();
    const affected = host.index.filesReferencing(project, changedKeys);
    // The other environment's file: its env-parity diagnostics compare against this one.
    const file = project.envFiles.get(uri);
    const sibling = file ? siblingOf(file, project) : undefined;
    if (sibling) affected.add(sibling.uri);
    return affected;
  }

  // ---- changes on disk ----

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    await indexed;
    const paths = changes
      .filter((change) => change.type !== FileChangeType.Changed || !documents.get(change.uri))
      .map((change) => uriToPath(change.uri));
    await onDiskChanges(paths);
  });

  async function onDiskChanges(paths: readonly string[]): Promise<void> {
    if (paths.some((path) => host.classify(path) === 'manifest')) {
      await host.reloadAll();
      rediagnoseAll();
      sendState();
      return;
    }
    for (const path of paths) {
      const uri = pathToUri(path);
      if (documents.get(uri)) continue;
      const update = await host.refreshFile(path);
      if (update.kind === 'gitignore') rediagnoseAll();
      else if (update.kind !== 'other') schedule([uri, ...affectedBy(uri, update.changedKeys)]);
    }
  }

  // ---- diagnostics: pushed to clients without pull support, pulled by the others ----

  const dirty = new Set<string>();
  let flushPending = false;
  let refreshNeeded = false;

  /** Marks files for re-diagnosis; `crossFile` says other files than the edited one changed (pull clients must re-pull). */
  function schedule(uris: Iterable<string>, crossFile = true): void {
    for (const uri of uris) dirty.add(uri);
    refreshNeeded ||= crossFile;
    if (flushPending) return;
    flushPending = true;
    // One turn later, so a burst of edits and watcher events costs one pass.
    setImmediate(flush);
  }

  function flush(): void {
    flushPending = false;
    if (pullDiagnostics) {
      dirty.clear();
      if (refreshNeeded)
        connection.languages.diagnostics.refresh().catch((error: unknown) => logFailure('diagnostic refresh', error));
      refreshNeeded = false;
      return;
    }
    for (const uri of dirty) publish(uri);
    dirty.clear();
  }

  function publish(uri: string): void {
    const diagnostics = diagnose(uri);
    if (diagnostics.length === 0 && !published.has(uri)) return;
    if (diagnostics.length === 0) published.delete(uri);
    else published.add(uri);
    void connection.sendDiagnostics({ uri, diagnostics });
  }

  function rediagnoseAll(): void {
    const uris = new Set(published);
    for (const project of host.index.allProjects()) {
      for (const uri of project.envFiles.keys()) uris.add(uri);
      for (const uri of project.sourceFiles.keys()) uris.add(uri);
    }
    for (const document of documents.all()) uris.add(document.uri);
    schedule(uris);
  }

  function diagnose(uri: string): Diagnostic[] {
    const project = host.index.projectOf(uri);
    const envFile = project?.envFiles.get(uri);
    if (envFile && project)
      return [
        ...validateEnvFile(envFile, host.gitIgnored.get(uri), validationSettings()),
        ...validateParity(envFile, project, settings.severity),
        ...leakDiagnostics(uri), // h-leaks
      ];
    const source = project?.sourceFiles.get(uri);
    if (source && project)
      return [...validateSourceFile(source, project, validationSettings()), ...leakDiagnostics(uri)];
    const document = documents.get(uri);
    if (document && isEnvFileName(baseName(uri))) {
      // An .env file outside any project still gets its syntax checked.
      return validateEnvFile(envFileState(uri, document.getText(), undefined), undefined, validationSettings());
    }
    return [];
  }

  // ---- leaks (h-leaks): only files with findings ask git whether they would be committed ----
  function leakDiagnostics(uri: string): Diagnostic[] {
    const project = host.index.projectOf(uri);
    if (!project || !hasLeakFindings(uri, project) || !host.isCommitted(uri)) return [];
    return validateLeaks(uri, project, settings.severity);
  }
  // ---- end leaks ----

  connection.languages.diagnostics.on((params, token) =>
    runSafe(
      connection,
      'diagnostics',
      token,
      { kind: DocumentDiagnosticReportKind.Full, items: [] as Diagnostic[] },
      async () => {
        await indexed;
        return { kind: DocumentDiagnosticReportKind.Full, items: diagnose(params.textDocument.uri) };
      },
      RETRIGGER,
    ),
  );

  connection.languages.diagnostics.onWorkspace((params, token) =>
    runSafe(
      connection,
      'workspace diagnostics',
      token,
      { items: [] as WorkspaceDocumentDiagnosticReport[] },
      async () => {
        await indexed;
        const previous = new Map(params.previousResultIds.map(({ uri, value }) => [uri, value]));
        const items: WorkspaceDocumentDiagnosticReport[] = [];
        for (const project of host.index.allProjects()) {
          for (const uri of [...project.envFiles.keys(), ...project.sourceFiles.keys()]) {
            if (documents.get(uri)) continue; // open documents are pulled one by one
            const diagnostics = diagnose(uri);
            const resultId = fingerprint(diagnostics);
            if (previous.get(uri) === resultId)
              items.push({ kind: DocumentDiagnosticReportKind.Unchanged, uri, version: null, resultId });
            else
              items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId, items: diagnostics });
          }
        }
        return { items };
      },
      RETRIGGER,
    ),
  );

  // ---- language features ----

  connection.onCompletion((params, token) =>
    runSafe(connection, 'completion', token, [], async () => {
      await indexed;
      const document = documents.get(params.textDocument.uri);
      const project = host.index.projectOf(params.textDocument.uri);
      if (!document || !project) return [];
      const line = document.getText({
        start: { line: params.position.line, character: 0 },
        end: { line: params.position.line + 1, character: 0 },
      });
      const lineText = line.replace(/\r?\n$/, '');
      const envFile = project.envFiles.get(params.textDocument.uri);
      if (envFile) return completeEnvKey(envFile, project, lineText, params.position);
      const completions = doComplete(lineText, params.position, project, environment());
      if (!completions) return [];
      // The resolve request carries only the item: its data says which document (so which project) it came from.
      const data: CompletionItemData = { uri: params.textDocument.uri };
      if (completionDefaults)
        return { isIncomplete: false, itemDefaults: { editRange: completions.range, data }, items: completions.items };
      return withTextEdits(completions).map((item) => ({ ...item, data }));
    }),
  );

  connection.onCompletionResolve((item, token) =>
    runSafe(connection, 'completion resolve', token, item, async () => {
      await indexed;
      const data = item.data as CompletionItemData | undefined;
      const project = data?.uri ? host.index.projectOf(data.uri) : undefined;
      return project ? resolveCompletion(item, project) : item;
    }),
  );

  connection.onHover((params, token) =>
    runSafe(connection, 'hover', token, null, async () => {
      await indexed;
      const uri = params.textDocument.uri;
      const project = host.index.projectOf(uri);
      if (!project) return null;
      const envFile = project.envFiles.get(uri);
      if (envFile) return hoverEnvKey(envFile, params.position, project);
      const source = project.sourceFiles.get(uri);
      return source ? hoverReference(source, params.position, project) : null;
    }),
  );

  connection.onDefinition((params, token) =>
    runSafe(connection, 'definition', token, [], async () => {
      await indexed;
      const uri = params.textDocument.uri;
      const project = host.index.projectOf(uri);
      const source = project?.sourceFiles.get(uri);
      return project && source ? findDefinition(source, params.position, project, environment()) : [];
    }),
  );

  connection.onReferences((params, token) =>
    runSafe(connection, 'references', token, [], async () => {
      await indexed;
      const project = host.index.projectOf(params.textDocument.uri);
      return project
        ? findReferences(project, params.textDocument.uri, params.position, params.context.includeDeclaration)
        : [];
    }),
  );

  connection.onDocumentHighlight((params, token) =>
    runSafe(connection, 'document highlight', token, [], async () => {
      await indexed;
      const project = host.index.projectOf(params.textDocument.uri);
      return project ? documentHighlights(project, params.textDocument.uri, params.position) : [];
    }),
  );

  connection.onDocumentSymbol((params, token) =>
    runSafe(connection, 'document symbols', token, [], async () => {
      await indexed;
      const file = host.index.projectOf(params.textDocument.uri)?.envFiles.get(params.textDocument.uri);
      return file ? documentSymbols(file) : [];
    }),
  );

  connection.onWorkspaceSymbol((params, token) =>
    runSafe(connection, 'workspace symbols', token, [], async () => {
      await indexed;
      return workspaceSymbols(host.index, params.query);
    }),
  );

  connection.onPrepareRename((params, token) =>
    runSafe(connection, 'prepare rename', token, null, async () => {
      await indexed;
      const project = host.index.projectOf(params.textDocument.uri);
      const result = project ? prepareRename(project, params.textDocument.uri, params.position) : undefined;
      if (!result) return null;
      if ('error' in result) throw new ResponseError(ErrorCodes.InvalidRequest, result.error);
      return result;
    }),
  );

  connection.onRenameRequest((params, token) =>
    runSafe(connection, 'rename', token, null, async () => {
      await indexed;
      const project = host.index.projectOf(params.textDocument.uri);
      const plan = project ? planRename(project, params.textDocument.uri, params.position, params.newName) : undefined;
      if (!plan) return null;
      if ('error' in plan) throw new ResponseError(ErrorCodes.InvalidParams, plan.error);
      // A notification, not a request: every client shows it, and none has to answer.
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Info,
        message: `Renamed ${plan.oldName} to ${plan.newName} in this project's .env files and references. The platform still holds ${plan.oldName}: sync never deletes, remove it in the dashboard once ${plan.newName} is synced.`,
      });
      return {
        documentChanges: [...plan.edits].map(([uri, edits]) => ({
          textDocument: { uri, version: documents.get(uri)?.version ?? null },
          edits,
        })),
      };
    }),
  );

  connection.onCodeAction((params, token) =>
    runSafe(connection, 'code actions', token, [], async () => {
      await indexed;
      const uri = params.textDocument.uri;
      const project = host.index.projectOf(uri);
      if (!project) return [];
      const ours = params.context.diagnostics.filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE);
      if (ours.length === 0) return [];
      return codeActions(project, uri, ours, environment(), {
        versionOf: (documentUri) => documents.get(documentUri)?.version ?? null,
        gitignoreText: host.readProjectGitignore(project.rootUri),
        documentText: (documentUri) => documents.get(documentUri)?.getText(), // h-leaks
        wouldCommit: (fileUri) => host.isCommitted(fileUri), // h-leaks
      });
    }),
  );

  connection.onCodeLens((params, token) =>
    runSafe(connection, 'code lens', token, [], async () => {
      await indexed;
      const project = host.index.projectOf(params.textDocument.uri);
      const file = project?.envFiles.get(params.textDocument.uri);
      return project && file ? envCodeLenses(file, project) : [];
    }),
  );

  connection.onRequest(SecretStatusRequest.type, (params, token) =>
    runSafe(
      connection,
      'secret status',
      token,
      { markdown: 'The Struere language server could not build the status.' },
      async () => {
        await indexed;
        const project = host.index.getProject(params.projectUri);
        if (!project) return { markdown: `No Struere project at ${params.projectUri}.` };
        return { markdown: formatStatusMarkdown(secretStatus(project), project.remote, baseName(project.rootUri)) };
      },
    ),
  );

  connection.onRequest(IndexStatsRequest.type, (token) =>
    runSafe(
      connection,
      'index stats',
      token,
      { projects: 0, envFiles: 0, sourceFiles: 0, references: 0, memory: { rss: 0, heapUsed: 0, external: 0 } },
      async () => {
        await indexed;
        const projects = host.index.allProjects();
        let references = 0;
        for (const project of projects)
          for (const source of project.sourceFiles.values()) references += source.references.length;
        return {
          projects: projects.length,
          envFiles: projects.reduce((sum, project) => sum + project.envFiles.size, 0),
          sourceFiles: projects.reduce((sum, project) => sum + project.sourceFiles.size, 0),
          references,
          memory: (({ rss, heapUsed, external }) => ({ rss, heapUsed, external }))(process.memoryUsage()),
        };
      },
    ),
  );

  documents.listen(connection);
  connection.listen();
}

interface CompletionItemData {
  uri: string;
}

/** A cancelled diagnostic pull is asked again by the client once the server has caught up. */
const RETRIGGER = { retriggerRequest: true };

/** A cheap content fingerprint for workspace-diagnostic result ids: unchanged files are not resent. */
function fingerprint(diagnostics: readonly Diagnostic[]): string {
  const text = JSON.stringify(diagnostics);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `${text.length}-${(hash >>> 0).toString(36)}`;
}

export { pathToUri };
