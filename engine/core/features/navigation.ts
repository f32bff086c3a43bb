import type { Location, Position, Range } from 'vscode-languageserver-types';
import { referenceAt } from './hover';
import { rangeContains } from '../base/text';
import type { EnvFileState, ProjectState } from '../model/workspaceIndex';

/** A key under the cursor, in an .env file (a definition) or in a prompt or tool (a reference). */
export interface KeyAtPosition {
  readonly key: string;
  readonly range: Range;
  readonly valid: boolean;
}

export function keyAt(project: ProjectState, uri: string, position: Position): KeyAtPosition | undefined {
  const envFile = project.envFiles.get(uri);
  if (envFile) {
    for (const entry of envFile.parsed.entries) {
      const range = envFile.lineIndex.rangeOf(entry.keyStart, entry.keyEnd);
      if (rangeContains(range, position)) return { key: entry.key, range, valid: true };
    }
    return undefined;
  }
  const agentFile = project.agentFiles.get(uri);
  const reference = agentFile ? referenceAt(agentFile, position) : undefined;
  return reference ? { key: reference.key, range: reference.range, valid: reference.valid } : undefined;
}

/** Every definition of `key` in the project's .env files (all of them, duplicates included). */
export function definitionsOf(project: ProjectState, key: string): Location[] {
  const locations: Location[] = [];
  for (const file of project.envFiles.values()) locations.push(...definitionsIn(file, key));
  return locations;
}

export function definitionsIn(file: EnvFileState, key: string): Location[] {
  return file.parsed.entries
    .filter((entry) => entry.key === key)
    .map((entry) => ({ uri: file.uri, range: file.lineIndex.rangeOf(entry.keyStart, entry.keyEnd) }));
}

/** Every reference to `key` in the project's prompts and tools. */
export function referencesOf(project: ProjectState, key: string): Location[] {
  const locations: Location[] = [];
  for (const uri of project.referencesByKey.get(key) ?? []) {
    for (const reference of project.agentFiles.get(uri)?.references ?? []) {
      if (reference.key === key) locations.push({ uri, range: reference.range });
    }
  }
  return locations;
}
