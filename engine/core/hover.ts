import { MarkupKind, type Hover, type Position } from 'vscode-languageserver-types';
import { isValidKey } from './environments';
import { describeInvalidNameCapitalised } from './invalidName';
import { isPromptReference } from './references';
import { presenceEverywhere } from './presence';
import { presenceMarkdown } from './presenceText';
import { rangeContains } from './text';
import type { EnvFileState, ProjectState, AgentFileState, IndexedReference } from './workspaceIndex';

/** The reference whose key the position touches, if any. References are sorted by position. */
export function referenceAt(file: AgentFileState, position: Position): IndexedReference | undefined {
  return file.references.find((reference) => rangeContains(reference.range, position));
}

/** Hover on a reference: its presence in every environment (not only the selected one). */
export function hoverReference(file: AgentFileState, position: Position, project: ProjectState): Hover | null {
  const reference = referenceAt(file, position);
  if (!reference) return null;
  if (!reference.valid) {
    return {
      range: reference.range,
      contents: {
        kind: MarkupKind.Markdown,
        value: `${describeInvalidNameCapitalised(reference.key)} cannot be a key: this reference can never resolve.`,
      },
    };
  }
  const unset = isPromptReference(reference.kind)
    ? `Where it is not set, the prompt compiles with \`[MISSING_SECRET:${reference.key}]\`.`
    : `Where it is not set, \`context.secrets.${reference.key}\` is \`undefined\`.`;
  return {
    range: reference.range,
    contents: {
      kind: MarkupKind.Markdown,
      value: `${presenceMarkdown(reference.key, presenceEverywhere(project, reference.key))}\n\n${unset}`,
    },
  };
}

/** Hover on a key in an .env file: where else it is set, and how many files reference it. */
export function hoverEnvKey(file: EnvFileState, position: Position, project: ProjectState): Hover | null {
  const entry = [...file.keys.values()].find((location) => rangeContains(location.keyRange, position));
  if (!entry) return null;
  if (!isValidKey(entry.key))
    return {
      range: entry.keyRange,
      contents: { kind: MarkupKind.Markdown, value: `${describeInvalidNameCapitalised(entry.key)} cannot be a key.` },
    };
  const referencing = project.referencesByKey.get(entry.key)?.size ?? 0;
  const usage =
    referencing === 0
      ? 'Not referenced by any prompt or tool of this project.'
      : `Referenced in ${referencing} file${referencing === 1 ? '' : 's'} of this project.`;
  return {
    range: entry.keyRange,
    contents: {
      kind: MarkupKind.Markdown,
      value: `${presenceMarkdown(entry.key, presenceEverywhere(project, entry.key))}\n\n${usage}`,
    },
  };
}
