import { baseName, isTemplateEnvFile, type ProjectState, scanForSecrets, type WorkspaceIndex } from '../core';

/**
 * The asynchronous half of leak detection. secretlint answers with a promise, so `hardcoded-secret` findings
 * are computed in the background, one file at a time (a burst of 10k files must not hold 10k texts or
 * starve requests), and kept in the index per file; the diagnostics pass only reads them. It also rescans
 * agent files for `leaked-value` when the set of env values changed, since files keep no text.
 *
 * Every piece of that work (the queue, the typing-pause timers, the rescans) runs through one
 * `BackgroundRunner`: the language server passes its guard, so a failure is logged and the server lives on.
 */
export class LeakScanner {
  /** uri → the text to scan, or null to read it when its turn comes (keeps a large initial queue small). */
  private readonly queue = new Map<string, string | null>();
  private draining: Promise<void> | undefined;

  constructor(
    private readonly index: WorkspaceIndex,
    /** Reads a file's current text (an open buffer first); undefined when it is gone or not text. */
    private readonly readText: (uri: string) => string | undefined,
    /** Called after a file's findings changed, to re-diagnose it. */
    private readonly onFindings: (uri: string) => void,
    runner?: BackgroundRunner,
  ) {
    this.runner = runner ?? this.failureLatch;
  }

  private readonly runner: BackgroundRunner;
  /** Without a front end's runner (the CLI): the first failure, thrown by `idle()` so no report misses it. */
  private failure: { error: unknown } | undefined;
  private readonly failureLatch: BackgroundRunner = {
    background: (_name, work) => {
      const keep = (error: unknown) => void (this.failure ??= { error });
      try {
        const pending = work();
        if (pending) pending.catch(keep);
      } catch (error) {
        keep(error);
      }
    },
  };

  /** Queues a secretlint scan of `uri`; a newer request for the same file replaces an unstarted one. */
  scanSecrets(uri: string, text?: string): void {
    this.queue.delete(uri);
    this.queue.set(uri, text ?? null);
    this.startDrain();
  }

  private startDrain(): void {
    if (this.draining) return;
    const draining = this.drain().finally(() => {
      this.draining = undefined;
      // The file that failed left the queue before its scan: the others still get theirs.
      if (this.queue.size > 0) this.startDrain();
    });
    this.draining = draining.catch(() => undefined);
    this.runner.background('secret scan', () => draining);
  }

  /**
   * The same for a buffer being typed in: scanned once typing pauses, so a keystroke in a large prompt does
   * not pay for a secretlint pass (references and leak values are still found on every keystroke).
   */
  scanSecretsSoon(uri: string, text: string): void {
    clearTimeout(this.typing.get(uri));
    this.typing.set(
      uri,
      setTimeout(
        () =>
          this.runner.background('secret scan after typing', () => {
            this.typing.delete(uri);
            this.scanSecrets(uri, text);
          }),
        TYPING_PAUSE_MS,
      ),
    );
  }

  private readonly typing = new Map<string, ReturnType<typeof setTimeout>>();

  /** Resolves once every queued scan has finished (the CLI waits on it before reporting). */
  async idle(): Promise<void> {
    await this.rescans;
    for (const [uri, timer] of this.typing) {
      clearTimeout(timer);
      this.typing.delete(uri);
      this.scanSecrets(uri);
    }
    while (this.draining) await this.draining;
    if (this.failure) throw this.failure.error;
  }

  forget(uri: string): void {
    this.queue.delete(uri);
    clearTimeout(this.typing.get(uri));
    this.typing.delete(uri);
  }

  /**
   * Brings every agent file of `project` up to its current leak dictionary, in the background, re-diagnosing
   * the files whose leaks changed. Calls while a pass runs coalesce: the pass loops until the version holds.
   */
  refreshLeakValues(project: ProjectState): void {
    if (this.rescanning.has(project)) return;
    this.rescanning.add(project);
    const run = async () => {
      let version: number;
      do {
        version = project.leakValuesVersion;
        for (const uri of await this.rescanLeakValues(project)) this.onFindings(uri);
      } while (version !== project.leakValuesVersion);
    };
    const rescan = run().finally(() => this.rescanning.delete(project));
    this.rescans = Promise.all([this.rescans, rescan.catch(() => undefined)]).then(() => {});
    this.runner.background('leak value rescan', () => rescan);
  }

  private readonly rescanning = new Set<ProjectState>();
  private rescans: Promise<void> = Promise.resolve();

  /**
   * Re-finds leak values in every agent file scanned with an older dictionary, in chunks; returns the files
   * whose leaks changed. Stops early when the dictionary changes again: the caller loops.
   */
  private async rescanLeakValues(project: ProjectState): Promise<string[]> {
    const version = project.leakValuesVersion;
    const changed: string[] = [];
    let sinceYield = 0;
    for (const agentFile of [...project.agentFiles.values()]) {
      if (project.leakValuesVersion !== version) break;
      if (agentFile.leaksVersion >= version || agentFile.unreadable !== undefined) continue;
      const text = this.readText(agentFile.uri);
      if (text === undefined) continue;
      const next = this.index.setAgentFile(agentFile.uri, text);
      if (agentFile.leaks.length > 0 || (next?.leaks.length ?? 0) > 0) changed.push(agentFile.uri);
      if (++sinceYield >= RESCAN_CHUNK) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    for (const file of project.envFiles.values()) if (isTemplateEnvFile(file.fileName)) changed.push(file.uri);
    return changed;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const next = this.queue.entries().next();
      if (next.done) return;
      const [uri, queuedText] = next.value;
      this.queue.delete(uri);
      const text = queuedText ?? this.readText(uri);
      if (text === undefined) continue;
      const findings = await scanForSecrets(text, baseName(uri));
      // A newer text arrived while scanning: its own scan is queued and will decide.
      if (this.queue.has(uri)) continue;
      const before = this.index.projectOf(uri)?.secretFindings.has(uri) ?? false;
      this.index.setSecretFindings(uri, text, findings);
      if (before || findings.length > 0) this.onFindings(uri);
      // secretlint resolves on microtasks: yield to I/O so requests are served during a long queue.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

const RESCAN_CHUNK = 200;
const TYPING_PAUSE_MS = 300;

/** How deferred work runs: the language server's guard has this shape (errors logged, never fatal). */
export interface BackgroundRunner {
  background(name: string, work: () => void | Promise<void>): void;
}
