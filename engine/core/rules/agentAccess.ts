import type { Diagnostic } from 'vscode-languageserver-types';
import { makeDiagnostic, type SeverityOverrides } from './diagnosticRules';
import { agentExposure, describeOpenAgents, describeUnguardedAgents, type ProjectAgentFacts } from '../model/agents';
import { isTemplateEnvFile } from '../model/gitignore';
import type { EnvFileState, ProjectState } from '../model/workspaceIndex';

const FILE_START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * agent-readable on an env file that holds values: a warning naming the agents whose own mechanism does not
 * cover it, and, once per project (on its first env file by name), an information note on the agents that have
 * no file mechanism. A template names keys only, so it is never judged. Messages name agents and files, no value.
 */
export function validateAgentAccess(
  envFile: EnvFileState,
  project: ProjectState,
  facts: ProjectAgentFacts | undefined,
  severity: SeverityOverrides,
): Diagnostic[] {
  if (facts === undefined || facts.found.length === 0) return [];
  const diagnostics: Diagnostic[] = [];
  const exposure = agentExposure(relativeToProject(envFile.uri, project.rootUri), facts);
  if (envFileHoldsValues(envFile) && exposure.open.length > 0) {
    const args = { fileName: envFile.fileName, agents: describeOpenAgents(exposure.open) };
    const warning = makeDiagnostic('agent-readable', FILE_START, args, severity, { agentRules: true });
    if (warning) diagnostics.push(warning);
  }
  if (exposure.noMechanism.length > 0 && isFirstEnvFile(envFile, project)) {
    // An information note, not a warning: nothing in the project's files can clear it. A code turned off stays off.
    const noteSeverity: SeverityOverrides = {
      ...severity,
      'agent-readable': severity['agent-readable'] === 'off' ? 'off' : 'information',
    };
    const args = {
      fileName: envFile.fileName,
      agents: describeUnguardedAgents(exposure.noMechanism),
      unguarded: true as const,
    };
    const note = makeDiagnostic('agent-readable', FILE_START, args, noteSeverity);
    if (note) diagnostics.push(note);
  }
  return diagnostics;
}

/** An env file worth keeping from agents: not a template, and some key has a value. */
export function envFileHoldsValues(envFile: EnvFileState): boolean {
  return !isTemplateEnvFile(envFile.fileName) && envFile.parsed.entries.some((entry) => entry.value !== '');
}

function isFirstEnvFile(envFile: EnvFileState, project: ProjectState): boolean {
  const first = [...project.envFiles.keys()].sort()[0];
  return first === envFile.uri;
}

/** The env file's path below its project root, '/'-separated, as the agents' gitignore-style rules see it. */
export function relativeToProject(uri: string, rootUri: string): string {
  const prefix = rootUri.endsWith('/') ? rootUri : `${rootUri}/`;
  return decodeURIComponent(uri.startsWith(prefix) ? uri.slice(prefix.length) : uri.slice(uri.lastIndexOf('/') + 1));
}
