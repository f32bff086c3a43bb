/** engine/host: disk access for both front ends (discovery, bounded reads, git status, the service over disk). */
export { discoverTree, PROJECT_MANIFEST } from './discover';
export { watchFoldersOnDisk } from './diskWatcher';
export { envBufferVerdict, readEnvFile } from './envFileVerdict';
export { readTextFile } from './readText';
export type { ReadResult } from './readText';
export { openSecretsService } from './serviceHost';
export { pathToUri, uriToPath, WorkspaceHost } from './workspaceHost';
export { envFileBehind } from './promptSource';
export {
  ensurePrivateFolder,
  ensureProjectFolder,
  PrivateStateError,
  readForUpdate,
  RefusedWriteError,
  relativeWithin,
  writePrivateStateFile,
  writeProjectFile,
} from './safeWrite';
export { isGitIgnored } from './gitStatus';
export { readAgentFacts } from './agentFacts';
export { writeAgentRules } from './agentRules';
export type { AgentRulesOutcome } from './agentRules';
export { BaselineFileError, MAX_BASELINE_BYTES, readBaselineFile, sha256Hex, writeBaselineFile } from './baselineFile';
