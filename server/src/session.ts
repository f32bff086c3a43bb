import {
  CodeLensRefreshRequest,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type Connection,
  type DidChangeWatchedFilesParams,
  type TextDocuments,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  AGENT_WATCH_GLOBS,
  type Environment,
  type LineEdit,
  type OpenDocuments,
  sanitizeSettings,
  type SecretsService,
  type ServerSettings,
} from '../../engine/core';
import { openSecretsService, pathToUri, uriToPath, watchFoldersOnDisk, WorkspaceHost } from '../../engine/host';
import { fromRemoteNameListDto, ServerStateNotification, type SetRemoteNamesParams } from '../../engine/protocol';
import type { ClientSetup } from './clientSetup';
import { DiagnosticsScheduler } from './diagnosticsScheduler';
import type { Guard } from './guard';

/**
 * The server's state after `initialize`: the workspace read from disk, the service over it, the settings and the
 * diagnostics scheduler. Each method is what one kind of change does to that state; handlers only route to them.
 */
export class ServerSession {
  readonly service: SecretsService;
  readonly diagnostics: DiagnosticsScheduler;
  /** Resolves once every project is indexed; the guard makes all work wait on it. */
  ready: Promise<void> = Promise.resolve();
  private readonly host: WorkspaceHost;
  private settings: ServerSettings;
  private environmentOverride: Environment | undefined;
  private stopDiskWatcher: (() => void) | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly guard: Guard,
    private readonly setup: ClientSetup,
  ) {
    this.settings = setup.settings;
    this.environmentOverride = setup.environment;
    const open = openDocuments(documents);
    this.host = new WorkspaceHost(this.settings, {
      // The secretlint queue, its typing pauses and the leak-value rescans are deferred work like any other.
      background: guard,
      openText: open.text,
      // Findings arrive after the edit that caused them: a pull client must be told to ask again.
      onFindings: (uri) => this.diagnostics.schedule([uri], true),
      // secretlint on open buffers only: see LeakHooks.scanAgentFilesOnRead.
      scanAgentFilesOnRead: false,
    });
    this.service = openSecretsService(this.host, open, setup.clientFeatures);
    this.diagnostics = new DiagnosticsScheduler(connection, this.service, guard, setup.pullDiagnostics, (uri) =>
      Boolean(documents.get(uri)),
    );
    this.configureService();
  }

  /** `initialized`: every project of every folder, while the client's settings and file watching are set up. */
  start(): void {
    // A failed indexing is logged; requests then answer from whatever was indexed instead of failing forever.
    this.ready = this.index().catch((error: unknown) => this.guard.log('indexing', error));
  }

  stop(): void {
    this.stopDiskWatcher?.();
    this.diagnostics.stop();
  }

  private async index(): Promise<void> {
    // The client's settings and the file watcher registration are asked for while the folders are walked and read
    // with the settings `initialize` gave (initializationOptions, or the defaults): two round trips to the editor
    // no longer come before the first file is read. No diagnostic goes out before the client's settings apply
    // (`held`), so none is ever shown with another environment or severity; when they select other files or size
    // limit, everything is read again.
    let held: string[] | undefined = this.setup.configurationPull ? [] : undefined;
    const settingsApplied = this.setup.configurationPull
      ? this.pullSettings().then(
          (settings) => this.applySettings(settings),
          (error: unknown) => (this.guard.log('settings', error), false),
        )
      : Promise.resolve(false);
    const rescan = settingsApplied.then((otherFiles) => {
      const streamedSoFar = held ?? [];
      // Files read with another include or size limit are read again below: what they streamed is never sent.
      held = otherFiles ? [] : undefined;
      if (!otherFiles) this.diagnostics.schedule(streamedSoFar, false);
      return otherFiles;
    });
    // The watchers include the `files.include` globs: registered once the client's own are known.
    const watching = settingsApplied.then(() => this.watchFiles());
    // A push client gets each file's diagnostics as soon as it is read (the editor takes them in while the rest is
    // read); with one folder that is all of them. Several folders may nest (a project in one can take files of
    // another), so those get the full pass as well; unchanged files are not sent twice (DiagnosticsScheduler).
    const streamed = (uris: readonly string[]) => (held ? held.push(...uris) : this.diagnostics.schedule(uris, false));
    for (const folder of this.setup.folders) await this.host.loadFolder(folder, streamed);
    await watching;
    if (await rescan) {
      await this.host.reloadAll();
      return this.rediagnoseAll();
    }
    if (this.setup.folders.length === 1 && !this.setup.pullDiagnostics) this.announceState();
    else this.rediagnoseAll();
  }

  private async pullSettings(): Promise<ServerSettings> {
    return sanitizeSettings(await this.connection.workspace.getConfiguration('struere'));
  }

  private async watchFiles(): Promise<void> {
    if (!this.setup.dynamicWatchers) return this.followDisk(this.setup.folders);
    const watchers = [
      '**/struere.json',
      '**/{.env,.env.*,*.env}',
      '**/.gitignore',
      '**/.git/index',
      ...AGENT_WATCH_GLOBS,
      ...this.settings.include,
    ];
    await this.connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: watchers.map((globPattern) => ({ globPattern })) })
      .catch((error: unknown) => {
        // A client that announced watching but refuses it: follow the disk ourselves.
        this.guard.log('file watcher registration', error);
        this.followDisk(this.setup.folders);
      });
  }

  /** Clients without file watching (some editors, scripts) still see changes made on disk. */
  private followDisk(folders: readonly string[]): void {
    this.stopDiskWatcher?.();
    this.stopDiskWatcher = watchFoldersOnDisk(folders, (paths) =>
      this.guard.background('changes on disk', () => this.diskChanged(paths)),
    );
  }

  /** Returns whether the set of scanned files changed (include, exclude, size limit): then everything is re-read. */
  private applySettings(next: ServerSettings): boolean {
    const rescan =
      JSON.stringify([next.include, next.exclude, next.maxFileBytes]) !==
      JSON.stringify([this.settings.include, this.settings.exclude, this.settings.maxFileBytes]);
    this.settings = next;
    this.host.updateSettings(next);
    this.configureService();
    return rescan;
  }

  private configureService(): void {
    this.service.configure({
      environment: this.environmentOverride ?? this.settings.environment,
      severity: this.settings.severity,
      maxFileBytes: this.settings.maxFileBytes,
    });
  }

  async configurationChanged(pushed: unknown): Promise<void> {
    const section = (pushed as { struere?: unknown } | null | undefined)?.struere;
    const next = this.setup.configurationPull ? await this.pullSettings() : sanitizeSettings(section);
    if (this.applySettings(next)) await this.host.reloadAll();
    this.rediagnoseAll();
  }

  setEnvironment(environment: Environment): void {
    this.environmentOverride = environment;
    this.configureService();
    this.rediagnoseAll();
  }

  setRemoteNames(params: SetRemoteNamesParams): void {
    const lists = Object.fromEntries(
      Object.entries(params.lists).map(([env, dto]) => [env, fromRemoteNameListDto(dto)]),
    );
    const affected = this.service.setRemoteNames(params.projectUri, lists);
    if (!affected) return;
    this.diagnostics.schedule(affected);
    if (this.setup.codeLensRefresh)
      this.guard.background('code lens refresh', () => this.connection.sendRequest(CodeLensRefreshRequest.type));
  }

  /** The editor's buffer is the truth while a file is open. */
  documentChanged(uri: string, text: string, edit?: LineEdit): void {
    const rediagnosis = this.service.updateDocument(uri, text, edit);
    if (rediagnosis) this.diagnostics.schedule(rediagnosis.uris, rediagnosis.crossFile);
  }

  /** The buffer may have held unsaved edits: the disk is the truth again. */
  async documentClosed(uri: string): Promise<void> {
    const update = await this.host.refreshFile(uriToPath(uri));
    this.diagnostics.schedule([uri, ...this.service.dependentsOf(uri, update.changedKeys)]);
  }

  async watchedFilesChanged({ changes }: DidChangeWatchedFilesParams): Promise<void> {
    const paths = changes
      .filter((change) => change.type !== FileChangeType.Changed || !this.documents.get(change.uri))
      .map((change) => uriToPath(change.uri));
    await this.diskChanged(paths);
  }

  private async diskChanged(paths: readonly string[]): Promise<void> {
    if (paths.some((path) => this.host.classify(path) === 'manifest')) {
      await this.host.reloadAll();
      return this.rediagnoseAll();
    }
    for (const path of paths) {
      const uri = pathToUri(path);
      if (this.documents.get(uri)) continue;
      const update = await this.host.refreshFile(path);
      if (update.kind === 'gitignore') this.rediagnoseAll();
      else if (update.kind !== 'other' && update.kind !== 'gitindex')
        this.diagnostics.schedule([uri, ...this.service.dependentsOf(uri, update.changedKeys)]);
      // git's index, or an AI agent's marker or rules file: the env files whose verdict may have changed.
      if (update.affected) this.diagnostics.schedule(update.affected);
    }
  }

  /** workspace/didChangeWorkspaceFolders: index the added folders, forget the removed ones. */
  async foldersChanged(event: WorkspaceFoldersChangeEvent): Promise<void> {
    for (const folder of event.removed) await this.host.removeFolder(uriToPath(folder.uri));
    for (const folder of event.added) await this.host.loadFolder(uriToPath(folder.uri));
    if (this.stopDiskWatcher) this.followDisk(this.host.workspaceFolders);
    this.rediagnoseAll();
  }

  /** Everything again, and the client's status bar told the environment and the projects. */
  private rediagnoseAll(): void {
    this.diagnostics.rediagnoseAll(this.documents.keys());
    this.announceState();
  }

  private announceState(): void {
    void this.connection.sendNotification(ServerStateNotification.type, {
      environment: this.service.settings.environment,
      projects: this.service.projects(),
    });
  }
}

function openDocuments(documents: TextDocuments<TextDocument>): OpenDocuments {
  return {
    version: (uri) => documents.get(uri)?.version ?? null,
    text: (uri) => documents.get(uri)?.getText(),
    lineText: (uri, line) =>
      documents
        .get(uri)
        ?.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } })
        .replace(/\r?\n$/, ''),
  };
}
