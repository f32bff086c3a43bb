/**
 * engine/core: the pure engine (no I/O). Front ends reach it through this list only; everything else in the
 * rooms below (base, model, rules, features, prompt, leaks) is private to the core. Features are reached through
 * the service, which decides "env file or agent file?" and the project; the rest is the vocabulary front ends share.
 */
export {
  BASELINE_VERSION,
  baselineLineText,
  baselineLines,
  BaselineFormatError,
  formatBaseline,
  parseBaseline,
  subtractBaseline,
} from './baseline/baseline';
export type { BaselineEntry, BaselineFinding, SecretSpan } from './baseline/baseline';
export { errorText } from './base/errorText';
export { isCount, isRecord, isStringArray } from './base/guards';
export { compareCodeUnits, countOf, escapeName, joinBounded, lineEndAt, lineStartAt } from './base/text';
export { isSharedResult, shareResult } from './base/sharedResults';
export { baseName } from './base/uris';
export { Commands } from './features/commands';
export type { CommandName } from './features/commands';
export { EXAMPLE_FILE_NAME, exampleFileOf, exampleSources, updateExampleText } from './features/envExample';
export { formatStatusText } from './features/status';
export type { StatusRow } from './features/status';
export { createByteRedactor, createRedactor, redactionDictionary, redactText } from './leaks/redaction';
export { appendedEnvText, replacedEnvText } from './leaks/leakFixes';
export type { MoveSecretArguments } from './leaks/leakFixes';
export { scanForSecrets } from './leaks/secretScan';
export {
  AGENT_WATCH_GLOBS,
  agentExposure,
  AGENTS,
  agentSpec,
  CLAUDE_SETTINGS_FILE,
  mechanismCovers,
  withAgentRules,
} from './model/agents';
export type {
  AgentExposure,
  AgentId,
  AgentMechanism,
  AgentSpec,
  Coverage,
  MechanismText,
  ProjectAgentFacts,
  RulesUpdate,
} from './model/agents';
export { parseEnv } from './model/envParser';
export type { ParsedEnv } from './model/envParser';
export {
  API_KEY_PREFIX,
  ENV_FILE_NAMES,
  environmentOfApiKey,
  ENVIRONMENTS,
  isEnvironment,
  isValidKey,
  WRITABLE_ENVIRONMENTS,
  writableEnvironmentOf,
} from './model/environments';
export type { Environment, WritableEnvironment } from './model/environments';
export { isIgnoredByGit, isTemplateEnvFile } from './model/gitignore';
export { isIgnoredByPatterns, prepareGitignore, refusedReason } from './model/gitignorePatterns';
export type { PreparedGitignore, PreparedGitignoreFile } from './model/gitignorePatterns';
export { describeInvalidName } from './model/invalidName';
export type { EnvGitStatus, GitignoreFile } from './model/gitignore';
export { lineEditOf } from './model/lineEdits';
export type { LineEdit } from './model/lineEdits';
export { describeRemote } from './model/presence';
export { allUnknown, unknownRemote } from './model/remoteNames';
export type { RemoteNameList, RemoteNamesByEnvironment, RemoteState, UnknownReason } from './model/remoteNames';
export { DEFAULT_SETTINGS, sanitizeSettings, SETTING_DEFAULTS } from './model/settings';
export type { ServerSettings } from './model/settings';
export { envFileState, isEnvFileName, WorkspaceIndex } from './model/workspaceIndex';
export type { EnvFileState, ProjectState } from './model/workspaceIndex';
export { compilePrompt, setKeysFrom } from './prompt/compiler';
export { formatPromptPreview } from './prompt/preview';
export { DIAGNOSTIC_CODES, isDiagnosticCode, ruleDocumentation, SYNC_BLOCKING_CODES } from './rules/diagnosticRules';
export type { SeverityName } from './rules/diagnosticRules';
export { misreadKeys } from './rules/misreads';
export { envFileHoldsValues, relativeToProject } from './rules/agentAccess';
export { validateEnvFile } from './rules/validation';
export { createSecretsService, NO_OPEN_DOCUMENTS, PLAIN_CLIENT, ServiceRefusal } from './service';
export type { ClientFeatures, OpenDocuments, SecretsService } from './service';
