import type { Position, Range, TextEdit } from 'vscode-languageserver-types';
import { isValidKey } from '../model/environments';
import { definitionsOf, keyAt, referencesOf } from './navigation';
import { compareCodeUnits } from '../base/text';
import { relativePath } from '../base/uris';
import type { ProjectState } from '../model/workspaceIndex';
import { describeInvalidNameCapitalised } from '../model/invalidName';

export type PrepareRenameResult = { range: Range; placeholder: string } | { error: string };

/** Rename starts on a key in an .env file or on a reference; an invalid name can be renamed to a valid one. */
export function prepareRename(project: ProjectState, uri: string, position: Position): PrepareRenameResult | undefined {
  const found = keyAt(project, uri, position);
  if (!found) return undefined;
  if (found.key === '') return { error: 'This reference names no secret.' };
  // An invalid name may be a pasted value: the editor's rename box starts empty rather than showing it.
  return { range: found.range, placeholder: isValidKey(found.key) ? found.key : '' };
}

export interface RenamePlan {
  readonly oldName: string;
  readonly newName: string;
  /** Edits per document URI: every .env file of the project and every reference change together. */
  readonly edits: Map<string, TextEdit[]>;
}

/**
 * Every definition and reference of the key under the cursor, renamed. An error message instead when the new
 * name is invalid, or when any env file of the project already defines it: dotenv keeps the later of two
 * definitions, so renaming onto an existing key would silently lose one secret's value.
 */
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
      error: `${describeInvalidNameCapitalised(newName)} cannot be a secret name: use letters, digits and _ and do not start with a digit.`,
    };
  const clash = existingDefinitions(project, newName, found.key);
  if (clash !== undefined) return { error: clash };
  const edits = new Map<string, TextEdit[]>();
  for (const location of [...definitionsOf(project, found.key), ...referencesOf(project, found.key)]) {
    let list = edits.get(location.uri);
    if (!list) edits.set(location.uri, (list = []));
    list.push({ range: location.range, newText: newName });
  }
  return { oldName: found.key, newName, edits };
}

/**
 * "NAME already exists in .env.local (line 2) and .env.production (line 7): …", or undefined when no env file of
 * the project defines `name` (other than as `exceptKey` itself, a rename to the same name). Every entry counts,
 * not only the last: any definition would merge with the renamed key.
 */
export function existingDefinitions(project: ProjectState, name: string, exceptKey?: string): string | undefined {
  if (name === exceptKey) return undefined;
  const places: string[] = [];
  for (const file of [...project.envFiles.values()].sort((a, b) => compareCodeUnits(a.uri, b.uri))) {
    const entry = file.parsed.entries.find((candidate) => candidate.key === name);
    if (entry) places.push(`${relativePath(project.rootUri, file.uri) ?? file.fileName} (line ${entry.line + 1})`);
  }
  if (places.length === 0) return undefined;
  return `${name} already exists in ${places.join(' and ')}: renaming onto it would merge two secrets and lose one value. Choose another name, or remove one definition first.`;
}

/** What rename cannot change, for the user: the platform keeps the old name until it is removed by hand. */
export function renameNotice(plan: Pick<RenamePlan, 'oldName' | 'newName'>): string {
  return `Renamed ${plan.oldName} to ${plan.newName} in this project's .env files and references. The platform still holds ${plan.oldName}: sync never deletes, remove it in the dashboard once ${plan.newName} is synced.`;
}
