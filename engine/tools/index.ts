/**
 * engine/tools: the AI agent tools' answers, one implementation for both front ends that serve them — the CLI's
 * `mcp` server and the editor's language model tools. The front ends add only their transport, their API keys
 * and their UI. Every answer carries names, states, codes and paths, never a value.
 */
export {
  AGENT_INPUT_LIMITS,
  AGENT_TOOL_NAMES,
  AgentToolRefusal,
  checkSecretRequest,
  insideRoot,
  relativePath,
} from './agentTools';
export type { AgentAnswer, AgentToolName, FillRemoteNames, SecretRequest, UnsavedBuffers } from './agentTools';
export { checkAnswer } from './checkAnswer';
export {
  collectDiagnostics,
  diagnoseLoaded,
  formatDiagnosticsText,
  keyOfDiagnostic,
  loadWorkspace,
  TEXT_DIAGNOSTICS_LIMIT,
} from './diagnosticsReport';
export type { LoadedWorkspace, ReportedDiagnostic } from './diagnosticsReport';
export { localSecretDefined, writeLocalSecret } from './localSecret';
export type { LocalSecretOutcome } from './localSecret';
export { planAnswer } from './planAnswer';
export type { PlanApi, ProjectPlan } from './planAnswer';
export { loadForStatus, projectName, remoteSummary, statusAnswer } from './statusAnswer';
export type { RemoteSummary } from './statusAnswer';
