import { countOf, joinBounded } from '../core';
import type { RemoteChange, SyncPlan } from './syncPlan';
import type { DescribedReport } from './syncReportText';

/**
 * The journal's part of the plan and the report in words (syncJournal.ts, syncPlan.ts): unchanged keys counted,
 * kept / conflicting / unverified keys named with the platform's date. Names, counts and the platform's dates only.
 */

/** How many keys a line names before "… and N more". */
const NAMED_CHANGES = 20;

/** "2026-11-23 10:00 UTC" from the platform's ISO 8601 updatedAt; anything else is not echoed. */
export function platformDate(updatedAt: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(updatedAt);
  return match ? `${match[1]} ${match[2]} UTC` : 'an unknown date';
}

/** The plan lines the journal adds after planLines' own (each kind only when it has keys). */
export function journalPlanLines(plan: SyncPlan): string[] {
  const lines: string[] = [];
  if (plan.journalProblem) lines.push(`  journal: ${plan.journalProblem}`);
  if (plan.unchanged.length > 0)
    lines.push(`  unchanged since this machine last wrote them, not sent: ${countOf(plan.unchanged.length, 'key')}`);
  lines.push(
    ...changeLines(plan.rotated, (date) => `rotated on the platform on ${date}; your local value is older: kept`),
  );
  lines.push(
    ...changeLines(plan.conflict, (date) => `changed on the platform on ${date} and locally: conflict, not sent`),
  );
  if (plan.unverified.length > 0)
    lines.push(`  unverified (this machine never wrote them), not sent: ${joinBounded(plan.unverified)}`);
  return lines;
}

function changeLines(changes: readonly RemoteChange[], words: (date: string) => string): string[] {
  const lines = changes
    .slice(0, NAMED_CHANGES)
    .map(({ key, updatedAt }) => `  ${key}: ${words(platformDate(updatedAt))}`);
  if (changes.length > NAMED_CHANGES) lines.push(`  … and ${changes.length - NAMED_CHANGES} more`);
  return lines;
}

/** The plan's held keys the user did not choose: kept, conflicting, unverified (what --strict fails on). */
export function heldBack(plan: SyncPlan, chosen: ReadonlySet<string>): string[] {
  const held = [...plan.rotated.map((c) => c.key), ...plan.conflict.map((c) => c.key), ...plan.unverified];
  return held.filter((key) => !chosen.has(key));
}

/**
 * The report with the journal's counts: "…; 1999 unchanged (skipped); 1 kept (rotated on the platform)" on a
 * finished sync's summary, and a detail line when the journal could not be written.
 */
export function withJournalNotes(
  described: DescribedReport,
  plan: SyncPlan,
  chosen: ReadonlySet<string>,
  journalProblem: string | undefined,
): DescribedReport {
  const notChosen = (changes: readonly { key: string }[]): number => changes.filter((c) => !chosen.has(c.key)).length;
  const counts: [number, string][] = [
    [plan.unchanged.length, 'unchanged (skipped)'],
    [notChosen(plan.rotated), 'kept (rotated on the platform)'],
    [notChosen(plan.conflict), 'in conflict, not sent'],
    [notChosen(plan.unverified.map((key) => ({ key }))), 'unverified, not sent'],
  ];
  const notes = counts.filter(([n]) => n > 0).map(([n, words]) => `${n} ${words}`);
  const summary = described.ok && notes.length > 0 ? `${described.summary}; ${notes.join('; ')}` : described.summary;
  const details = journalProblem ? [...described.details, `journal: ${journalProblem}`] : described.details;
  return { ...described, summary, details };
}
