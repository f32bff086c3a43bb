/**
 * engine/sync: the whole sync flow. A front end prepares (read and refuse, `prepareSync`), then hands the rest to
 * `syncProject` (plan → confirm → upsert under the lock → report) with its own UI callbacks; `setOneSecret` is
 * the one-key upsert of Set Secret. Everything else in this folder is private to the flow.
 */
export { describeApiError } from './describeError';
export { setOneSecret, SetSecretRefusedError } from './setOneSecret';
export type { SetOneSecretOptions, SetOneSecretResult } from './setOneSecret';
export { API_KEY_VARIABLES, describePlan, prepareSync, SyncRefusedError } from './syncFlow';
export type { PreparedSync, SyncPlan, SyncReport } from './syncFlow';
export { everyKey, everyKeyReadAsWritten, syncProject, withOverwrites } from './syncProject';
export { heldBack, platformDate } from './syncJournalText';
export { changedOnPlatform, isJournalled, stateDirectory } from './syncJournal';
export type { RemoteChange } from './syncPlan';
export type { KeyChoice, ShowProgress, SyncOutcome, SyncProjectOptions } from './syncProject';
export type { DescribedReport } from './syncReportText';
export type { SyncProgress } from './syncRun';
