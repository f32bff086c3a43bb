import type { Diagnostic } from 'vscode-languageserver-types';
import { makeDiagnostic, type SeverityOverrides } from '../rules/diagnosticRules';
import { parentUri } from '../base/uris';
import { envFileFor, keysUnknown, type EnvFileState, type ProjectState } from '../model/workspaceIndex';
import { isValidKey, WRITABLE_ENVIRONMENTS } from '../model/environments';
import { commentValues, templateComment } from './templateComments';

/**
 * `.env.example`: the committed template of a project, names and never values. Its keys are compared with the
 * env files that feed environments (env-example diagnostics, both ways), and it can be created or updated from
 * them (`struere-secrets example`, the editor command, the quick fix) without copying a single value.
 */

export const EXAMPLE_FILE_NAME = '.env.example';

/** The project's `.env.example` at its root, when it exists. */
export function exampleFileOf(project: ProjectState): EnvFileState | undefined {
  for (const file of project.envFiles.values()) {
    if (file.fileName === EXAMPLE_FILE_NAME && parentUri(file.uri) === project.rootUri) return file;
  }
  return undefined;
}

/** `.env.development` then `.env.production`, those that exist: the files the template describes. */
export function exampleSources(project: ProjectState): EnvFileState[] {
  return WRITABLE_ENVIRONMENTS.flatMap((environment) => envFileFor(project, environment) ?? []);
}

/** The files whose env-example diagnostics depend on each other: the template and its sources. */
export function exampleComparedFiles(project: ProjectState): EnvFileState[] {
  const example = exampleFileOf(project);
  return example ? [example, ...exampleSources(project)] : [];
}

/**
 * On an env file that feeds an environment: its keys missing from `.env.example`. On `.env.example`: its keys in
 * none of those files. Only when the template exists (a project without one is not nagged) and every file
 * compared was read (a file over the size limit has unknown keys, not missing ones).
 */
export function validateEnvExample(
  file: EnvFileState,
  project: ProjectState,
  severity: SeverityOverrides,
): Diagnostic[] {
  const example = exampleFileOf(project);
  const sources = exampleSources(project);
  if (!example || sources.length === 0 || [example, ...sources].some(keysUnknown)) return [];
  let missing: { key: string; range: Diagnostic['range'] }[];
  let where: string;
  if (file.uri === example.uri) {
    missing = [...file.keys.values()]
      .filter((location) => !sources.some((source) => source.keys.has(location.key)))
      .map((location) => ({ key: location.key, range: location.keyRange }));
    where = sources.map((source) => source.fileName).join(' or ');
  } else if (file.environment !== undefined) {
    missing = [...file.keys.values()]
      .filter((location) => !example.keys.has(location.key))
      .map((location) => ({ key: location.key, range: location.keyRange }));
    where = EXAMPLE_FILE_NAME;
  } else return [];
  // An invalid key is invalid-key's alone: it may be a pasted value, never quoted (invalidName.ts).
  return missing.flatMap(({ key, range }) => {
    if (!isValidKey(key)) return [];
    const diagnostic = makeDiagnostic(
      'env-example',
      range,
      { key, fileName: file.fileName, missingFrom: where, inExample: file.uri === example.uri },
      severity,
      { key },
    );
    return diagnostic ? [diagnostic] : [];
  });
}

export interface ExampleUpdate {
  /** The new text of `.env.example`. */
  readonly text: string;
  /** Keys added to it, in order. */
  readonly added: readonly string[];
}

/**
 * The text of `.env.example` after adding every key of `sources` it lacks. An existing template keeps every line
 * as written; a new one follows the first source's layout (comments, blank lines, order). Each added key is
 * written `KEY=` with the comment lines right above it in its source. Values are never copied: entries become
 * `KEY=`, a commented-out entry `# KEY=value` becomes `# KEY=`, a comment holding a value of any of `valueFiles`
 * (the project's env files) or an assignment is left out (templateComments.ts), and so are lines that are
 * neither entries, comments nor blank (where a stray value could sit) and keys that fail the key pattern (a
 * value pasted as a key).
 */
export function updateExampleText(
  existing: EnvFileState | undefined,
  sources: readonly EnvFileState[],
  valueFiles: Iterable<EnvFileState>,
): ExampleUpdate {
  const values = commentValues([...sources, ...valueFiles]);
  const known = new Set(existing?.keys.keys() ?? []);
  const eol = existing?.lineIndex.text.includes('\r\n') ? '\r\n' : '\n';
  const lines: string[] = [];
  const added: string[] = [];
  const [first, ...rest] = sources;
  if (existing === undefined && first !== undefined) {
    for (const line of templateLines(first, values)) lines.push(line.text);
    for (const key of first.keys.keys()) {
      known.add(key);
      if (isValidKey(key)) added.push(key);
    }
  }
  for (const source of existing === undefined ? rest : sources) {
    const fresh = new Set([...source.keys.keys()].filter((key) => !known.has(key)));
    if (fresh.size === 0) continue;
    // An entry and the comment block right above it; a blank line separates what is added.
    let block: string[] = [];
    for (const line of templateLines(source, values)) {
      if (line.kind === 'comment') block.push(line.text);
      else if (line.kind !== 'entry') block = [];
      else {
        if (fresh.has(line.key)) {
          lines.push(...block, line.text);
          fresh.delete(line.key);
          known.add(line.key);
          added.push(line.key);
        }
        block = [];
      }
    }
  }
  const base = existing?.lineIndex.text ?? '';
  if (added.length === 0) return { text: base, added };
  const separator = base === '' || /(\r\n|\n|\r)$/.test(base) ? '' : eol;
  return { text: base + separator + lines.join(eol) + eol, added };
}

type TemplateLine =
  | { readonly kind: 'comment' | 'blank'; readonly text: string; readonly key?: undefined }
  | { readonly kind: 'entry'; readonly text: string; readonly key: string };

/** Each line of an env file as it may appear in a template: values blanked, other lines dropped. */
function* templateLines(file: EnvFileState, values: readonly string[]): Generator<TemplateLine> {
  const index = file.lineIndex;
  const entryAt = new Map<number, { key: string; lastLine: number }>();
  for (const entry of file.parsed.entries) {
    const line = index.positionAt(entry.entryStart).line;
    entryAt.set(line, { key: entry.key, lastLine: index.positionAt(entry.valueEnd).line });
  }
  const emitted = new Set<string>();
  for (let line = 0; line < index.lineCount; line++) {
    const entry = entryAt.get(line);
    if (entry !== undefined) {
      // One line per key (a later duplicate adds nothing), and a multiline value's other lines are skipped.
      if (isValidKey(entry.key) && !emitted.has(entry.key)) {
        emitted.add(entry.key);
        yield { kind: 'entry', text: `${entry.key}=`, key: entry.key };
      }
      line = entry.lastLine;
      continue;
    }
    const text = index.text.slice(index.lineStart(line), index.lineEnd(line));
    if (text.trim() === '') {
      if (line < index.lineCount - 1) yield { kind: 'blank', text: '' };
    } else if (text.trimStart().startsWith('#')) {
      const comment = templateComment(text, values);
      if (comment !== undefined) yield { kind: 'comment', text: comment };
    }
  }
}
