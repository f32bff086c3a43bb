import {
  DocumentDiagnosticReportKind,
  type CancellationToken,
  type Connection,
  type DocumentDiagnosticReport,
  type WorkspaceDiagnosticParams,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
  type ResultProgressReporter,
  type WorkspaceDiagnosticReportPartialResult,
} from 'vscode-languageserver';
import type { SecretsService } from '../../engine/core';
import { encodeParams, writesEncodedParams } from './batchingWriter';
import { fingerprintOf } from './fingerprint';
import type { Guard } from './guard';
import { WorkspacePulls } from './workspacePulls';

/**
 * When diagnostics reach the client. Push clients (Neovim, Helix, most editors) get publishDiagnostics for each
 * file marked dirty; pull clients (VS Code) ask themselves, and are told to ask again (a refresh) when a change
 * reached other files than the one being edited. Marks are gathered for one turn of the event loop, so a burst
 * of edits and watcher events costs one pass.
 */
export class DiagnosticsScheduler {
  private readonly dirty = new Set<string>();
  /**
   * The fingerprint of each file's last push that held diagnostics: such files must be cleared when their
   * diagnostics go away, and a push identical to the last one is not sent again (a remote-list refresh or a
   * settings change re-diagnoses every file; most come out the same).
   */
  private readonly published = new Map<string, string>();
  private flushPending = false;
  private refreshNeeded = false;
  /** workspace/diagnostic, for pull clients. */
  private readonly pulls: WorkspacePulls | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly service: SecretsService,
    private readonly guard: Guard,
    pull: boolean,
    isOpen: (uri: string) => boolean,
  ) {
    this.pulls = pull ? new WorkspacePulls(service, isOpen) : undefined;
  }

  /** Marks files for re-diagnosis; `crossFile` says files other than the edited one changed. */
  schedule(uris: Iterable<string>, crossFile = true): void {
    for (const uri of uris) {
      if (typeof uri !== 'string') continue;
      // Pull clients ask for what changed (WorkspacePulls keeps the marks); push clients are sent the dirty files.
      if (this.pulls) this.pulls.mark(uri);
      else this.dirty.add(uri);
    }
    this.refreshNeeded ||= crossFile;
    if (this.flushPending) return;
    this.flushPending = true;
    setImmediate(this.guard.deferred('diagnostics', () => this.flush()));
  }

  /** Everything: after indexing, a settings or environment change, a project appearing or going. */
  rediagnoseAll(openUris: Iterable<string>): void {
    this.schedule([
      ...this.published.keys(),
      ...(this.pulls?.reportedFiles() ?? []),
      ...this.service.indexedFiles(),
      ...openUris,
    ]);
  }

  /** Shutdown: nothing is left waiting. */
  stop(): void {
    this.pulls?.stop();
  }

  /** textDocument/diagnostic. */
  report(uri: string): DocumentDiagnosticReport {
    return { kind: DocumentDiagnosticReportKind.Full, items: this.service.diagnose(uri) };
  }

  /** workspace/diagnostic (see WorkspacePulls). */
  workspaceReport(
    params: WorkspaceDiagnosticParams,
    token?: CancellationToken,
    partialResults?: ResultProgressReporter<WorkspaceDiagnosticReportPartialResult>,
  ): Promise<WorkspaceDiagnosticReport> {
    const partial =
      partialResults && ((items: WorkspaceDocumentDiagnosticReport[]) => partialResults.report({ items }));
    return this.pulls?.report(params, token, partial) ?? Promise.resolve({ items: [] });
  }

  private flush(): void {
    this.flushPending = false;
    if (this.pulls) {
      // Open files are pulled again on a refresh; closed ones come with the answer to a held workspace pull.
      if (this.refreshNeeded)
        this.guard.background('diagnostic refresh', () => this.connection.languages.diagnostics.refresh());
      this.refreshNeeded = false;
      this.pulls.wake();
      return;
    }
    const uris = [...this.dirty];
    this.dirty.clear();
    this.publishFrom(uris, 0);
  }

  /**
   * Pushes a slice of about one pipe buffer of diagnostics, then yields before the next: the event loop hands what
   * was written to the pipe while the client reads the slice before, instead of the client waiting for the last
   * of thousands of files (an .env edit) to be diagnosed before its first byte can go. Each push reads the file's
   * diagnostics when it goes, so a file marked again meanwhile is never sent stale; a repeat is skipped by its
   * fingerprint.
   */
  private publishFrom(uris: readonly string[], from: number): void {
    const end = Math.min(uris.length, from + PUSH_SLICE);
    // One file that cannot be diagnosed must not keep the others' diagnostics from the client.
    for (let i = from; i < end; i++) {
      try {
        this.publish(uris[i]!);
      } catch (error) {
        this.guard.log(`diagnostics of ${uris[i]}`, error);
      }
    }
    if (end < uris.length) setImmediate(this.guard.deferred('diagnostics', () => this.publishFrom(uris, end)));
  }

  private publish(uri: string): void {
    const diagnostics = this.service.diagnose(uri);
    const previous = this.published.get(uri);
    if (diagnostics.length === 0) {
      if (previous === undefined) return;
      this.published.delete(uri);
      void this.connection.sendDiagnostics({ uri, diagnostics });
      return;
    }
    // Encoded once: the writer sends this text, and a repeat's fingerprint is taken from it. A file's first push is
    // not fingerprinted (at startup that would cost every file a pass over its text to save nothing, and the first
    // repeat, remote names arriving, changes every missing-secret message anyway), and over a transport that
    // serialises for itself it is not encoded either.
    const params = { uri, diagnostics };
    const json = previous !== undefined || writesEncodedParams() ? encodeParams(params) : undefined;
    const sent = previous === undefined || json === undefined ? NOT_FINGERPRINTED : fingerprintOf(json);
    if (sent === previous) return;
    this.published.set(uri, sent);
    void this.connection.sendDiagnostics(params);
  }
}

/** Files pushed per turn of the event loop: some 40 KB of JSON, within the 64 KB a Linux pipe buffers. */
const PUSH_SLICE = 64;

/** Never equal to a fingerprint (those start with the text's length). */
const NOT_FINGERPRINTED = '';
