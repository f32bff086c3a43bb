import {
  DocumentHighlightKind,
  type DocumentHighlight,
  type Location,
  type Position,
  type Range,
} from 'vscode-languageserver-types';
import { rangeContains } from '../base/text';
import { keyEndOf } from '../model/envParser';
import type { AgentFileState, EnvFileState, IndexedReference, ProjectState } from '../model/workspaceIndex';

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
      const range = envFile.lineIndex.rangeOf(entry.keyStart, keyEndOf(entry));
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
    .map((entry) => ({ uri: file.uri, range: file.lineIndex.rangeOf(entry.keyStart, keyEndOf(entry)) }));
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

/** The reference whose key the position touches, if any. References are sorted by position. */
export function referenceAt(file: AgentFileState, position: Position): IndexedReference | undefined {
  return file.references.find((reference) => rangeContains(reference.range, position));
}

/** Find references: every reference, and the .env definitions when the client asks for declarations. */
export function findReferences(
  project: ProjectState,
  uri: string,
  position: Position,
  includeDeclaration: boolean,
): Location[] {
  const found = keyAt(project, uri, position);
  if (!found) return [];
  return [...(includeDeclaration ? definitionsOf(project, found.key) : []), ...referencesOf(project, found.key)];
}

/** The same key elsewhere in this document: definitions are writes, references reads. */
export function documentHighlights(project: ProjectState, uri: string, position: Position): DocumentHighlight[] {
  const found = keyAt(project, uri, position);
  if (!found) return [];
  const definitions = definitionsOf(project, found.key).filter((location) => location.uri === uri);
  const references = referencesOf(project, found.key).filter((location) => location.uri === uri);
  return [
    ...definitions.map((location) => ({ range: location.range, kind: DocumentHighlightKind.Write })),
    ...references.map((location) => ({ range: location.range, kind: DocumentHighlightKind.Read })),
  ];
}
