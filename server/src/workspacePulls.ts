import {
  DocumentDiagnosticReportKind,
  type CancellationToken,
  type Diagnostic,
  type Disposable,
  type WorkspaceDiagnosticParams,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import type { SecretsService } from '../../engine/core';
import { fingerprint } from './fingerprint';

/**
 * workspace/diagnostic for pull clients (VS Code): the diagnostics of files that are not open, as changes against
 * the reports the client holds (`previousResultIds`).
 * - Only what changed is sent: a file whose current report the client holds is left out, as VS Code keeps what
 *   it has for a file a report does not name.
 * - Only marked files are diagnosed again: every change that can alter a file's diagnostics marks it (the
 *   scheduler's `schedule`, which push clients rely on too), so a pull after an .env edit diagnoses the files the
 *   edit affects, not the workspace.
 * - A pull with nothing to send is held until a change gives it something (the protocol's long poll): VS Code
 *   pulls again two seconds after every answer, and learns of changes to closed files only from these answers.
 * - A file the client holds that has left the index (deleted, excluded, its project gone) gets an empty report,
 *   so no finding outlives its file.
 */
export class WorkspacePulls {
  /** The result id each file was last reported with. */
  private readonly reported = new Map<string, string>();
  /** Files marked since the last report. */
  private readonly marked = new Set<string>();
  /** Files that left the index, until the client holds their empty report (an answer may have been cancelled). */
  private readonly gone = new Set<string>();
  /** Held pulls, woken after each turn's marks, a cancellation or the shutdown. */
  private readonly held = new Set<() => void>();
  private stopped = false;

  constructor(
    private readonly service: SecretsService,
    private readonly isOpen: (uri: string) => boolean,
  ) {}

  mark(uri: string): void {
    this.marked.add(uri);
  }

  /** Every file a report named: a full re-diagnosis marks them too, so those that left the index are cleared. */
  reportedFiles(): Iterable<string> {
    return this.reported.keys();
  }

  /** After a turn's marks: held pulls look again. */
  wake(): void {
    for (const wake of [...this.held]) wake();
  }

  /** Shutdown: held pulls answer with what they have (nothing), so none is left open. */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  async report(params: WorkspaceDiagnosticParams, token?: CancellationToken): Promise<WorkspaceDiagnosticReport> {
    const previous = new Map(params.previousResultIds.map(({ uri, value }) => [uri, value]));
    for (;;) {
      const items = this.changes(previous);
      if (items.length > 0 || this.stopped || token?.isCancellationRequested) return { items };
      await this.nextWake(token);
    }
  }

  private changes(previous: ReadonlyMap<string, string>): WorkspaceDocumentDiagnosticReport[] {
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    const indexed = this.service.indexedFiles();
    for (const uri of indexed) {
      // Open files are pulled one by one; closing one marks it (the buffer may have differed from the disk).
      if (this.isOpen(uri)) continue;
      const held = previous.get(uri);
      if (held !== undefined && !this.marked.has(uri) && this.reported.get(uri) === held) continue;
      const diagnostics = this.service.diagnose(uri);
      const resultId = fingerprint(diagnostics);
      this.reported.set(uri, resultId);
      if (held !== resultId) items.push(full(uri, resultId, diagnostics));
    }
    if (this.marked.size > 0 || this.gone.size > 0) items.push(...this.cleared(new Set(indexed), previous));
    this.marked.clear();
    return items;
  }

  /** Empty reports for the files the client holds that left the index. */
  private cleared(
    indexed: ReadonlySet<string>,
    previous: ReadonlyMap<string, string>,
  ): WorkspaceDocumentDiagnosticReport[] {
    for (const uri of this.marked)
      if (!indexed.has(uri) && !this.isOpen(uri)) {
        this.gone.add(uri);
        this.reported.delete(uri);
      }
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    for (const uri of this.gone) {
      const held = previous.get(uri);
      if (indexed.has(uri) || this.isOpen(uri) || held === undefined || held === NO_FINDINGS) this.gone.delete(uri);
      else items.push(full(uri, NO_FINDINGS, []));
    }
    return items;
  }

  private nextWake(token: CancellationToken | undefined): Promise<void> {
    return new Promise((resolve) => {
      const listening: { cancellation?: Disposable } = {};
      const wake = () => {
        this.held.delete(wake);
        listening.cancellation?.dispose();
        resolve();
      };
      this.held.add(wake);
      listening.cancellation = token?.onCancellationRequested(wake);
    });
  }
}

/** The result id of a report without findings. */
const NO_FINDINGS = fingerprint([]);

function full(uri: string, resultId: string, items: Diagnostic[]): WorkspaceDocumentDiagnosticReport {
  return { kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId, items };
}
