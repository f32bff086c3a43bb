import type { ApiClient } from '../api';
import { describeApiError } from './describeError';
import { planRemote, runSync, SyncRefusedError, type PreparedSync } from './syncFlow';
import { openJournal, recordUpload, stateDirectory, type SyncJournal } from './syncJournal';
import { withJournalNotes } from './syncJournalText';
import { heldKeys, type SyncPlan } from './syncPlan';
import { describeReport, planLines, type DescribedReport } from './syncReportText';
import type { BatchLimits, SyncProgress, SyncReport } from './syncRun';

/** The keys to send, chosen from the plan; undefined or false sends nothing. */
export type KeyChoice = ReadonlySet<string> | false | undefined;

/**
 * The keys a plain yes sends: new keys and keys changed locally since this machine last wrote them. Kept,
 * conflicting and unverified keys are never in it (withOverwrites names them on purpose).
 */
export function everyKey(plan: SyncPlan): ReadonlySet<string> {
  return new Set([...plan.create, ...plan.update]);
}

/** everyKey plus the held keys (kept, conflicting, unverified) the user named, or all of them for 'all'. */
export function withOverwrites(plan: SyncPlan, named: ReadonlySet<string> | 'all'): ReadonlySet<string> {
  const keys = new Set(everyKey(plan));
  for (const key of heldKeys(plan)) if (named === 'all' || named.has(key)) keys.add(key);
  return keys;
}

/**
 * Every local key but those dotenv misreads: what a sync nobody looks at (on save) sends. A command shows the plan
 * first, so its user has seen them named; a save would send a value the user does not know is cut.
 */
export function everyKeyReadAsWritten(plan: SyncPlan): ReadonlySet<string> {
  const keys = new Set(everyKey(plan));
  for (const key of plan.misread) keys.delete(key);
  return keys;
}

/**
 * Runs `upload` inside the front end's display of it (a progress notification, batch lines on a terminal) and
 * returns its report; `upload` tells `report` after each batch. `keyCount` keys are about to be sent.
 */
export type ShowProgress = (
  keyCount: number,
  upload: (report: (progress: SyncProgress) => void) => Promise<SyncReport>,
) => Promise<SyncReport>;

export interface SyncProjectOptions {
  /** Asked once the plan is listed and logged: which keys to send. */
  readonly confirm: (plan: SyncPlan) => Promise<KeyChoice>;
  /** Without it the upload runs unseen. */
  readonly progress?: ShowProgress;
  /** Takes the plan's lines (names and counts only) before `confirm` is asked. */
  readonly log?: (line: string) => void;
  /** Stops the listing, the wait for the project's lock, or the upload after the batch in flight. */
  readonly signal?: AbortSignal;
  /** Smaller batches (tests); never above API.md's limits. */
  readonly limits?: Partial<BatchLimits>;
  /** The per-user state folder holding the journal; stateDirectory() when omitted. */
  readonly stateDir?: string;
}

/** How a sync of one prepared project ended. Names and counts only: safe to print. */
export type SyncOutcome =
  /** Listing the remote names failed: nothing was written. `reason` is in words (describeApiError). */
  | { readonly kind: 'list-failed'; readonly reason: string }
  /** `confirm` chose to send nothing. */
  | { readonly kind: 'declined'; readonly plan: SyncPlan }
  /** Another sync holds the project (SyncRefusedError 'locked'): nothing was sent. */
  | { readonly kind: 'refused'; readonly error: SyncRefusedError }
  /** The upload ran, wholly or not: the report says exactly what was written. */
  | {
      readonly kind: 'ran';
      readonly plan: SyncPlan;
      readonly report: SyncReport;
      readonly described: DescribedReport;
    };

/**
 * The sync of one prepared project (ARCHITECTURE.md "Sync and deploy"), whichever front end asks: list the
 * remote names and plan → log the plan → confirm (which keys) → upsert the chosen keys under the project's lock
 * → describe. The front ends pass only their ways to ask, show progress and log; every expected ending is an
 * outcome, so only a bug throws.
 */
export async function syncProject(
  prepared: PreparedSync,
  client: Pick<ApiClient, 'listNames' | 'upsert' | 'baseUrl'>,
  options: SyncProjectOptions,
): Promise<SyncOutcome> {
  const { signal, limits } = options;
  const journal = await openJournalOf(prepared, client.baseUrl, options.stateDir);
  let plan: SyncPlan;
  try {
    plan = await planRemote(prepared, client, signal, journal);
  } catch (error) {
    return { kind: 'list-failed', reason: describeApiError(error) };
  }
  for (const line of planLines(plan)) options.log?.(line);

  const chosen = await options.confirm(plan);
  if (!chosen) return { kind: 'declined', plan };
  const sent = { ...prepared, values: new Map([...prepared.values].filter(([key]) => chosen.has(key))) };
  const show: ShowProgress = options.progress ?? ((_keyCount, upload) => upload(() => undefined));
  let journalProblem: string | undefined;
  const afterUpload = async (report: SyncReport): Promise<void> => {
    journalProblem = await recordUpload(journal, { ...report, values: sent.values }, client);
  };
  try {
    const report = await show(sent.values.size, (onProgress) =>
      runSync(sent, client, { onProgress, signal, limits, afterUpload }),
    );
    const described = withJournalNotes(
      describeReport(report, prepared.environment, plan),
      plan,
      chosen,
      journalProblem,
    );
    return { kind: 'ran', plan, report, described };
  } catch (error) {
    if (error instanceof SyncRefusedError) return { kind: 'refused', error };
    throw error;
  }
}

function openJournalOf(prepared: PreparedSync, apiUrl: string, stateDir: string | undefined): Promise<SyncJournal> {
  const scope = { apiUrl, environment: prepared.environment, projectRoot: prepared.projectRoot };
  return openJournal(scope, stateDir ?? stateDirectory());
}
