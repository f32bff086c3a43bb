/** `check`'s report is the agent tools' too (engine/tools): one collector and one text format for both. */
export { collectDiagnostics, formatDiagnosticsText, keyOfDiagnostic, TEXT_DIAGNOSTICS_LIMIT } from '../../engine/tools';
export type { ReportedDiagnostic as CliDiagnostic } from '../../engine/tools';
