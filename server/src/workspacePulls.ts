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
  /** Files marked since they were last diagnosed here: their reported id may be out of date. */
  private readonly marked = new Set<string>();
  /** Files that left the index, until the client holds their empty report (an answer may have been cancelled). */
  private readonly gone = new Set<string>();
  /** Held pulls, each with the files marked while it waits. */
  private readonly held = new Set<HeldPull>();
  private stopped = false;

  constructor(
    private readonly service: SecretsService,
    private readonly isOpen: (uri: string) => boolean,
  ) {}

  mark(uri: string): void {
    this.marked.add(uri);
    for (const pull of this.held) pull.touched.add(uri);
  }

  /** Every file a report named: a full re-diagnosis marks them too, so those that left the index are cleared. */
  reportedFiles(): Iterable<string> {
    return this.reported.keys();
  }

  /** After a turn's marks: held pulls look at the files marked. */
  wake(): void {
    for (const pull of [...this.held]) pull.wake();
  }

  /** Shutdown: held pulls answer with what they have (nothing), so none is left open. */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  async report(params: WorkspaceDiagnosticParams, token?: CancellationToken): Promise<WorkspaceDiagnosticReport> {
    const previous = new Map(params.previousResultIds.map(({ uri, value }) => [uri, value]));
    let items = this.fullPass(previous);
    // Held: after the full pass found every report current, only files marked since can change. A keystroke in
    // an open file wakes the pull; it looks at that file alone, not at the whole workspace again.
    while (items.length === 0 && !this.stopped && !token?.isCancellationRequested)
      items = this.markedPass(previous, await this.nextMarks(token));
    return { items };
  }

  /** Every indexed file that is not open, then the ones that left the index. */
  private fullPass(previous: ReadonlyMap<string, string>): WorkspaceDocumentDiagnosticReport[] {
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    for (const uri of this.service.indexedFiles()) {
      // Open files are pulled one by one; closing one marks it (the buffer may have differed from the disk).
      if (this.isOpen(uri)) continue;
      const item = this.changed(uri, previous);
      if (item) items.push(item);
    }
    // Every marked file that is indexed and closed was diagnosed above: the others closed are no longer indexed.
    for (const uri of this.marked) if (!this.isOpen(uri)) this.leftIndex(uri);
    return [...items, ...this.cleared(previous)];
  }

  /** The files marked while a pull was held. */
  private markedPass(previous: ReadonlyMap<string, string>, touched: Iterable<string>) {
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    for (const uri of touched) {
      if (this.isOpen(uri)) continue;
      if (!this.service.isIndexed(uri)) {
        this.leftIndex(uri);
        continue;
      }
      const item = this.changed(uri, previous);
      if (item) items.push(item);
    }
    return [...items, ...this.cleared(previous)];
  }

  /** An indexed, closed file's report when it differs from the one the client holds; diagnosed only if marked. */
  private changed(uri: string, previous: ReadonlyMap<string, string>): WorkspaceDocumentDiagnosticReport | undefined {
    const held = previous.get(uri);
    if (held !== undefined && !this.marked.has(uri) && this.reported.get(uri) === held) return undefined;
    const diagnostics = this.service.diagnose(uri);
    const resultId = fingerprint(diagnostics);
    this.reported.set(uri, resultId);
    this.marked.delete(uri);
    this.gone.delete(uri);
    return held === resultId ? undefined : full(uri, resultId, diagnostics);
  }

  private leftIndex(uri: string): void {
    if (!this.marked.delete(uri)) return;
    this.reported.delete(uri);
    this.gone.add(uri);
  }

  /** Empty reports for the files the client holds that left the index. */
  private cleared(previous: ReadonlyMap<string, string>): WorkspaceDocumentDiagnosticReport[] {
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    for (const uri of this.gone) {
      const held = previous.get(uri);
      if (this.isOpen(uri) || held === undefined || held === NO_FINDINGS) this.gone.delete(uri);
      else items.push(full(uri, NO_FINDINGS, []));
    }
    return items;
  }

  /** The files marked until the next wake (a turn's marks, a cancellation or the shutdown). */
  private nextMarks(token: CancellationToken | undefined): Promise<ReadonlySet<string>> {
    return new Promise((resolve) => {
      const listening: { cancellation?: Disposable } = {};
      const pull: HeldPull = {
        touched: new Set(),
        wake: () => {
          this.held.delete(pull);
          listening.cancellation?.dispose();
          resolve(pull.touched);
        },
      };
      this.held.add(pull);
      listening.cancellation = token?.onCancellationRequested(pull.wake);
    });
  }
}

interface HeldPull {
  readonly touched: Set<string>;
  readonly wake: () => void;
}

/** The result id of a report without findings. */
const NO_FINDINGS = fingerprint([]);

function full(uri: string, resultId: string, items: Diagnostic[]): WorkspaceDocumentDiagnosticReport {
  return { kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId, items };
}
