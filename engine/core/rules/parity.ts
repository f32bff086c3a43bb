import type { Diagnostic } from 'vscode-languageserver-types';
import { makeDiagnostic, type SeverityOverrides } from './diagnosticRules';
import { ENV_FILE_NAMES, isValidKey, type WritableEnvironment } from '../model/environments';
import { envFileFor, keysUnknown, type EnvFileState, type ProjectState } from '../model/workspaceIndex';

const OTHER: Record<WritableEnvironment, WritableEnvironment> = {
  development: 'production',
  production: 'development',
};

/** The file that feeds the other writable environment, when `file` feeds one. */
export function siblingOf(file: EnvFileState, project: ProjectState): EnvFileState | undefined {
  return file.environment ? envFileFor(project, OTHER[file.environment]) : undefined;
}

/**
 * Environment parity: a key of .env.development missing from .env.production and the other way round, as an
 * information diagnostic (code env-parity, can be turned off). Only when both files exist and were read:
 * a project with one environment has nothing to compare.
 */
export function validateParity(file: EnvFileState, project: ProjectState, severity: SeverityOverrides): Diagnostic[] {
  const sibling = siblingOf(file, project);
  if (!file.environment || !sibling || keysUnknown(sibling) || keysUnknown(file)) return [];
  const diagnostics: Diagnostic[] = [];
  for (const location of file.keys.values()) {
    // An invalid key is invalid-key's alone: it may be a pasted value, never quoted (invalidName.ts).
    if (sibling.keys.has(location.key) || !isValidKey(location.key)) continue;
    const diagnostic = makeDiagnostic(
      'env-parity',
      location.keyRange,
      {
        key: location.key,
        fileName: file.fileName,
        otherFileName: ENV_FILE_NAMES[OTHER[file.environment]],
        otherEnvironment: OTHER[file.environment],
      },
      severity,
      { key: location.key, environment: OTHER[file.environment] },
    );
    if (diagnostic) diagnostics.push(diagnostic);
  }
  return diagnostics;
}

/** Keys the sibling file has and this one lacks: what completion offers at the start of a line in an .env file. */
export function keysMissingHere(file: EnvFileState, project: ProjectState): string[] {
  const sibling = siblingOf(file, project);
  if (!sibling) return [];
  return [...sibling.keys.keys()].filter((key) => !file.keys.has(key) && isValidKey(key)).sort();
}
