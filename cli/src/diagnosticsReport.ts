/** `check`'s report is the agent tools' too (engine/tools): one collector and one text format for both. */
export {
  collectDiagnostics,
  diagnoseLoaded,
  formatDiagnosticsText,
  keyOfDiagnostic,
  loadWorkspace,
  TEXT_DIAGNOSTICS_LIMIT,
} from '../../engine/tools';
export type { ReportedDiagnostic as CliDiagnostic } from '../../engine/tools';
