import type { DocumentHighlight, Location, Position, Range, TextEdit } from 'vscode-languageserver-types';
import { DocumentHighlightKind } from 'vscode-languageserver-types';
import { isValidKey } from './environments';
import { definitionsOf, keyAt, referencesOf } from './occurrences';
import type { ProjectState } from './workspaceIndex';

export type PrepareRenameResult = { range: Range; placeholder: string } | { error: string };

/** Rename starts on a key in an .env file or on a reference; an invalid name can be renamed to a valid one. */
export function prepareRename(project: ProjectState, uri: string, position: Position): PrepareRenameResult | undefined {
  const found = keyAt(project, uri, position);
  if (!found) return undefined;
  if (found.key === '') return { error: 'This reference names no secret.' };
  return { range: found.range, placeholder: found.key };
}

export interface RenamePlan {
  readonly oldName: string;
  readonly newName: string;
  /** Edits per document URI: every .env file of the project and every reference change together. */
  readonly edits: Map<string, TextEdit[]>;
}

/** Every definition and reference of the key under the cursor, renamed; an error message when the new name is invalid. */
export function planRename(
  project: ProjectState,
  uri: string,
  position: Position,
  newName: string,
): RenamePlan | { error: string } | undefined {
  const found = keyAt(project, uri, position);
  if (!found) return undefined;
  if (!isValidKey(newName))
    return {
      error: `"${newName}" is not a valid secret name: use letters, digits and _ and do not start with a digit.`,
    };
  const edits = new Map<string, TextEdit[]>();
  for (const location of [...definitionsOf(project, found.key), ...referencesOf(project, found.key)]) {
    let list = edits.get(location.uri);
    if (!list) edits.set(location.uri, (list = []));
    list.push({ range: location.range, newText: newName });
  }
  return { oldName: found.key, newName, edits };
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

/** A valid name close to an invalid one: `my-key` → `MY_KEY`, `1st.token` → `_1ST_TOKEN`. */
export function suggestValidName(name: string): string {
  let candidate = name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  if (candidate === '' || /^[0-9]/.test(candidate)) candidate = `_${candidate}`;
  return candidate;
}
