import type { Location, Position } from 'vscode-languageserver-types';
import { ENVIRONMENTS, writableEnvironmentOf, type Environment } from '../model/environments';
import { referenceAt } from './navigation';
import { presenceIn } from '../model/presence';
import type { ProjectState, AgentFileState } from '../model/workspaceIndex';

/**
 * Reference → the key's line in the selected environment's file (eval → .env.development). When that file
 * lacks the key, the other environments' definitions are offered instead of nothing: the user asked where the
 * key lives, and "nowhere in production, here in development" is the useful answer.
 */
export function findDefinition(
  file: AgentFileState,
  position: Position,
  project: ProjectState,
  environment: Environment,
): Location[] {
  const reference = referenceAt(file, position);
  if (!reference || !reference.valid) return [];
  const selected = presenceIn(project, reference.key, environment);
  if (selected.local && selected.file) return [{ uri: selected.file.uri, range: selected.local.keyRange }];
  const seen = new Set<string>();
  const locations: Location[] = [];
  for (const other of ENVIRONMENTS) {
    const presence = presenceIn(project, reference.key, other);
    if (!presence.local || !presence.file || seen.has(writableEnvironmentOf(other))) continue;
    seen.add(writableEnvironmentOf(other));
    locations.push({ uri: presence.file.uri, range: presence.local.keyRange });
  }
  return locations;
}
