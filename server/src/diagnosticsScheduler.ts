import {
  DocumentDiagnosticReportKind,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type WorkspaceDiagnosticParams,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import type { SecretsService } from '../../engine/core';
import { encodeParams, writesEncodedParams } from './batchingWriter';
import type { Guard } from './guard';

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

  constructor(
    private readonly connection: Connection,
    private readonly service: SecretsService,
    private readonly guard: Guard,
    private readonly pull: boolean,
    private readonly isOpen: (uri: string) => boolean,
  ) {}

  /** Marks files for re-diagnosis; `crossFile` says files other than the edited one changed. */
  schedule(uris: Iterable<string>, crossFile = true): void {
    for (const uri of uris) if (typeof uri === 'string') this.dirty.add(uri);
    this.refreshNeeded ||= crossFile;
    if (this.flushPending) return;
    this.flushPending = true;
    setImmediate(this.guard.deferred('diagnostics', () => this.flush()));
  }

  /** Everything: after indexing, a settings or environment change, a project appearing or going. */
  rediagnoseAll(openUris: Iterable<string>): void {
    this.schedule([...this.published.keys(), ...this.service.indexedFiles(), ...openUris]);
  }

  /** textDocument/diagnostic. */
  report(uri: string): DocumentDiagnosticReport {
    return { kind: DocumentDiagnosticReportKind.Full, items: this.service.diagnose(uri) };
  }

  /** workspace/diagnostic: every indexed file that is not open (open ones are pulled one by one); unchanged ones by id. */
  workspaceReport(params: WorkspaceDiagnosticParams): WorkspaceDiagnosticReport {
    const previous = new Map(params.previousResultIds.map(({ uri, value }) => [uri, value]));
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    for (const uri of this.service.indexedFiles()) {
      if (this.isOpen(uri)) continue;
      const diagnostics = this.service.diagnose(uri);
      const resultId = fingerprint(diagnostics);
      if (previous.get(uri) === resultId)
        items.push({ kind: DocumentDiagnosticReportKind.Unchanged, uri, version: null, resultId });
      else items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId, items: diagnostics });
    }
    return { items };
  }

  private flush(): void {
    this.flushPending = false;
    const uris = [...this.dirty];
    this.dirty.clear();
    if (this.pull) {
      if (this.refreshNeeded)
        this.guard.background('diagnostic refresh', () => this.connection.languages.diagnostics.refresh());
      this.refreshNeeded = false;
      return;
    }
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
    // Encoded once: the writer sends this text, and a repeat's fingerprint is taken from it, where each used to
    // serialise the diagnostics on its own. A file's first push is not fingerprinted: at startup that would cost
    // every file a pass over its text to save nothing, and the first repeat (remote names arriving) changes every
    // missing-secret message anyway.
    const params = { uri, diagnostics };
    // Encoded once: for the repeat's fingerprint, and for the writer to send as is. A first push over a transport
    // that serialises for itself needs neither.
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

/**
 * A content fingerprint (length and two independent 32-bit hashes, FNV-1a and a multiplicative one) for result ids
 * and for skipping a push identical to the last: unchanged files are not resent. Two hashes keep the chance that a
 * changed list is taken for the old one near 2^-64, while a file's fingerprint stays a short string.
 */
function fingerprint(diagnostics: readonly Diagnostic[]): string {
  return fingerprintOf(JSON.stringify(diagnostics));
}

/** The fingerprint of a JSON text (see fingerprint). */
function fingerprintOf(text: string): string {
  let fnv = 0x811c9dc5;
  let mul = 0x2545f491;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    fnv = Math.imul(fnv ^ c, 0x01000193);
    mul = Math.imul(mul + c, 0x9e3779b1) ^ (mul >>> 15);
  }
  return `${text.length}-${(fnv >>> 0).toString(36)}-${(mul >>> 0).toString(36)}`;
}
