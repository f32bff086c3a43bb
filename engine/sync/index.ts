/** engine/sync: the whole sync flow (refuse, plan, confirm, upsert, report) and its lock; front ends pass UI callbacks. */
export { describeApiError } from './describeError';
export {
  API_KEY_VARIABLES,
  describePlan,
  describeReport,
  planRemote,
  prepareSync,
  runSync,
  SyncRefusedError,
} from './syncFlow';
export type { PreparedSync, SyncPlan, SyncReport } from './syncFlow';
