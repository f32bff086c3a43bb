import { countOf, joinBounded, type WritableEnvironment } from '../core';
import type { SyncPlan } from './syncPlan';
import type { SyncReport } from './syncRun';
import { describeApiError } from './describeError';
import { journalPlanLines } from './syncJournalText';

/** Plans and reports in words: names and counts only (a SyncReport holds nothing else). */

/** "2 to create, 5 to update, 1 remote-only kept (sync never deletes)" */
export function describePlan(plan: SyncPlan): string {
  return `${plan.create.length} to create, ${plan.update.length} to update, ${plan.remoteOnly.length} remote-only kept (sync never deletes)`;
}

/**
 * The plan as a terminal or a log shows it before confirming: the counts, then the keys of each kind (bounded).
 * "plan: 2 to create, …", "  create: A, B", "  update: C", "  remote-only, kept: D"
 */
export function planLines(plan: SyncPlan): string[] {
  const lines = [`plan: ${describePlan(plan)}`];
  const listKeys = (label: string, keys: readonly string[]): void => {
    if (keys.length > 0) lines.push(`  ${label}: ${joinBounded(keys)}`);
  };
  listKeys('create', plan.create);
  listKeys('update', plan.update);
  listKeys('remote-only, kept', plan.remoteOnly);
  listKeys('dotenv reads these differently from how they look (dotenv-misread)', plan.misread);
  lines.push(...journalPlanLines(plan));
  return lines;
}

export interface DescribedReport {
  /** Every key was written and nothing stopped the sync. */
  readonly ok: boolean;
  /** One line for a notification or the last line of the CLI. */
  readonly summary: string;
  /** Lines for a log: key names per outcome, the failed request. */
  readonly details: string[];
}

/**
 * ok: "synced 8 keys to development (+ eval): 8 created, 0 updated" / "deployed 8 keys to production: …".
 * Otherwise: "sync to development stopped after 200 of 500 keys: <reason>. Written: 200; not written: 300;
 * unknown: 0. Run it again to finish." with the key names in `details`.
 */
export function describeReport(report: SyncReport, environment: WritableEnvironment, plan?: SyncPlan): DescribedReport {
  const total = report.written.length + report.notWritten.length + report.unknown.length;
  const ok =
    report.error === undefined && !report.cancelled && report.notWritten.length === 0 && report.unknown.length === 0;
  const details: string[] = [];
  const listKeys = (label: string, keys: readonly string[]): void => {
    if (keys.length > 0) details.push(`${label} (${keys.length}): ${joinBounded(keys)}`);
  };

  if (ok) {
    const mirror = report.mirrored.length > 0 ? ` (+ ${report.mirrored.join(', ')})` : '';
    const verb = environment === 'production' ? 'deployed' : 'synced';
    const kept = plan && plan.remoteOnly.length > 0 ? `; ${plan.remoteOnly.length} remote-only kept` : '';
    listKeys('created', report.created);
    listKeys('updated', report.updated);
    if (plan) listKeys('remote-only, kept', plan.remoteOnly);
    return {
      ok,
      summary: `${verb} ${countOf(total, 'key')} to ${environment}${mirror}: ${report.created.length} created, ${report.updated.length} updated${kept}`,
      details,
    };
  }

  const what = environment === 'production' ? 'deploy to production' : 'sync to development';
  const reason = report.error ? describeApiError(report.error) : 'cancelled';
  // A retry can settle a transient failure, an unknown outcome or a cancel; a refused request needs a fix first.
  const rerun =
    report.error && !report.error.retryable && !report.error.outcomeUnknown && report.unknown.length === 0
      ? 'Fix that, then run it again to finish.'
      : 'Run it again to finish.';
  const summary =
    `${what} stopped after ${report.written.length} of ${countOf(total, 'key')}: ${reason}. ` +
    `Written: ${report.written.length}; not written: ${report.notWritten.length}; unknown: ${report.unknown.length}. ${rerun}`;
  listKeys('written', report.written);
  listKeys('not written', report.notWritten);
  listKeys('unknown (each holds its old or its new value)', report.unknown);
  if (report.error) {
    const status = report.error.status === 0 ? 'no answer' : `${report.error.status} ${report.error.code}`;
    details.push(
      `failed request: ${report.error.request} (${status}) after ${countOf(report.requests, 'request')} in all`,
    );
    if (report.error.keys.length > 0) details.push(`keys at fault: ${joinBounded(report.error.keys)}`);
  }
  return { ok, summary, details };
}
