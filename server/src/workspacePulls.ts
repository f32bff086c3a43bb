import {
  DocumentDiagnosticReportKind,
  type CancellationToken,
  type Diagnostic,
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
 * - A pass diagnoses PULL_SLICE files per turn of the event loop, so requests (a completion while the first pull of
 *   a large workspace runs) are answered between slices. A client that gave a `partialResultToken` (VS Code does)
 *   gets each slice's reports as a partial result at once and an empty answer at the end, as the protocol asks:
 *   the first files' findings show while the rest are diagnosed.
 */
export class WorkspacePulls {
  /** The result id each file was last reported with. */
  private readonly reported = new Map<string, string>();
  /** Files marked since they were last diagnosed here: their reported id may be out of date. */
  private readonly marked = new Set<string>();
  /** Files that left the index, until the client holds their empty report (an answer may have been cancelled). */
  private readonly gone = new Set<string>();
  /** Pulls being answered, each with the files marked since it began (a pass yields, marks come meanwhile). */
  private readonly pulls = new Set<PullInProgress>();
  private stopped = false;

  constructor(
    private readonly service: SecretsService,
    private readonly isOpen: (uri: string) => boolean,
  ) {}

  mark(uri: string): void {
    this.marked.add(uri);
    for (const pull of this.pulls) pull.touched.add(uri);
  }

  /** Every file a report named: a full re-diagnosis marks them too, so those that left the index are cleared. */
  reportedFiles(): Iterable<string> {
    return this.reported.keys();
  }

  /** After a turn's marks: held pulls look at the files marked. */
  wake(): void {
    for (const pull of [...this.pulls]) pull.wake?.();
  }

  /** Shutdown: held pulls answer with what they have (nothing), so none is left open. */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  /** `partial`: sends reports as a partial result of this pull (the client gave a `partialResultToken`). */
  async report(
    params: WorkspaceDiagnosticParams,
    token?: CancellationToken,
    partial?: (items: WorkspaceDocumentDiagnosticReport[]) => void,
  ): Promise<WorkspaceDiagnosticReport> {
    // The reports the client holds, and those this answer gives it.
    const previous = new Map(params.previousResultIds.map(({ uri, value }) => [uri, value]));
    const answer = new Answer(partial);
    const pull: PullInProgress = { touched: new Set() };
    this.pulls.add(pull);
    try {
      // Every indexed file; the pass skips the open ones (pulled one by one).
      await this.pass(this.service.indexedFiles(), previous, answer, token);
      // Every marked file that is closed and no longer indexed left the index (the others were diagnosed, or were
      // marked during the pass and stay marked).
      for (const uri of this.marked) if (!this.isOpen(uri) && !this.service.isIndexed(uri)) this.leftIndex(uri);
      // Marked during the pass: a file it had passed may have changed since. Then, held: after the full pass found
      // every report current, only files marked since can change. A keystroke in an open file wakes the pull; it
      // looks at that file alone, not at the whole workspace again.
      for (let round = 0; round < CATCH_UP_ROUNDS && pull.touched.size > 0; round++)
        await this.pass(take(pull.touched), previous, answer, token);
      answer.add(this.cleared(previous));
      while (answer.isEmpty() && !this.stopped && !token?.isCancellationRequested) {
        await this.pass(await this.nextMarks(pull, token), previous, answer, token);
        answer.add(this.cleared(previous));
      }
    } finally {
      this.pulls.delete(pull);
    }
    return answer.finish();
  }

  /**
   * Reports the files among `files` whose report the client may not hold: the check is cheap and done for all at
   * once (a pass over a workspace where nothing changed ends in the turn it began, so the pull is held at once);
   * those due are diagnosed in slices, one per turn of the event loop. Between slices anything may happen: a file
   * opened is skipped (pulled on its own), one that left the index (which marks it) is cleared, one marked again
   * stays marked.
   */
  private async pass(
    files: readonly string[],
    previous: Map<string, string>,
    answer: Answer,
    token: CancellationToken | undefined,
  ): Promise<void> {
    if (this.stopped || token?.isCancellationRequested) return;
    const due = files.filter((uri) => !this.isOpen(uri) && !this.isCurrent(uri, previous));
    for (let from = 0; from < due.length; from += PULL_SLICE) {
      if (from > 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (this.stopped || token?.isCancellationRequested) return;
      }
      for (const uri of due.slice(from, from + PULL_SLICE)) {
        if (this.isOpen(uri)) continue;
        if (this.marked.has(uri) && !this.service.isIndexed(uri)) {
          this.leftIndex(uri);
          continue;
        }
        const item = this.changed(uri, previous);
        if (item) answer.push(item);
      }
      answer.flush();
    }
  }

  /** Whether the client holds this file's current report: reported with that id and not marked since. */
  private isCurrent(uri: string, previous: ReadonlyMap<string, string>): boolean {
    const held = previous.get(uri);
    return held !== undefined && !this.marked.has(uri) && this.reported.get(uri) === held;
  }

  /** A due file's report (see isCurrent), when it differs from the one the client holds. */
  private changed(uri: string, previous: Map<string, string>): WorkspaceDocumentDiagnosticReport | undefined {
    const held = previous.get(uri);
    const diagnostics = this.service.diagnose(uri);
    const resultId = fingerprint(diagnostics);
    this.reported.set(uri, resultId);
    this.marked.delete(uri);
    this.gone.delete(uri);
    if (held === resultId) return undefined;
    // The client holds this report once it has the answer: a later pass of the same pull (a catch-up) sends the
    // file again only if it changed again.
    previous.set(uri, resultId);
    return full(uri, resultId, diagnostics);
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

  /** The files marked since the last look, once some are (a turn's marks), or at a cancellation or the shutdown. */
  private nextMarks(pull: PullInProgress, token: CancellationToken | undefined): Promise<string[]> {
    return new Promise((resolve) => {
      const cancellation = token?.onCancellationRequested(() => pull.wake?.());
      pull.wake = () => {
        if (pull.touched.size === 0 && !this.stopped && !token?.isCancellationRequested) return;
        pull.wake = undefined;
        cancellation?.dispose();
        resolve(take(pull.touched));
      };
      pull.wake();
    });
  }
}

/** Files diagnosed per turn of the event loop in a pass (and reports per partial result). */
const PULL_SLICE = 256;

/**
 * A pull's answer: reports collected for the response, or sent as partial results as each slice is done. Once
 * one partial result went out, every report goes that way and the response is empty (the protocol's rule).
 */
class Answer {
  private items: WorkspaceDocumentDiagnosticReport[] = [];
  private streamed = false;

  constructor(private readonly partial: ((items: WorkspaceDocumentDiagnosticReport[]) => void) | undefined) {}

  push(item: WorkspaceDocumentDiagnosticReport): void {
    this.items.push(item);
  }

  // A loop, not push(...items): the files that left the index can be more than a call takes arguments.
  add(items: Iterable<WorkspaceDocumentDiagnosticReport>): void {
    for (const item of items) this.items.push(item);
  }

  /** After a slice: its reports go out now when the client takes partial results. */
  flush(): void {
    if (!this.partial || this.items.length === 0) return;
    this.partial(this.items);
    this.items = [];
    this.streamed = true;
  }

  /** Whether nothing was found yet (the pull is held). */
  isEmpty(): boolean {
    return !this.streamed && this.items.length === 0;
  }

  finish(): WorkspaceDiagnosticReport {
    if (this.streamed) this.flush();
    return { items: this.streamed ? [] : this.items };
  }
}

interface PullInProgress {
  /** Files marked since the pull began, or since it last looked. */
  readonly touched: Set<string>;
  /** Set while the pull is held: looks at the marks (or the cancellation, or the shutdown). */
  wake?: () => void;
}

/**
 * Passes over the files marked during a pull's own passes before it answers or is held. Marks come from edits, at
 * most one burst per turn; a pass yields between slices only, so a round with no new marks ends the catch-up.
 */
const CATCH_UP_ROUNDS = 3;

function take(files: Set<string>): string[] {
  const taken = [...files];
  files.clear();
  return taken;
}

/** The result id of a report without findings. */
const NO_FINDINGS = fingerprint([]);

function full(uri: string, resultId: string, items: Diagnostic[]): WorkspaceDocumentDiagnosticReport {
  return { kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId, items };
}
