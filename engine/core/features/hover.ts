import { MarkupKind, type Hover, type Position } from 'vscode-languageserver-types';
import { isPromptReference } from '../model/references';
import { presenceEverywhere } from '../model/presence';
import { isValidKey } from '../model/environments';
import { describeInvalidNameCapitalised } from '../model/invalidName';
import { presenceMarkdown } from './presenceText';
import { countOf, rangeContains } from '../base/text';
import { referenceAt } from './navigation';
import type { EnvFileState, ProjectState, AgentFileState } from '../model/workspaceIndex';

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
      : `Referenced in ${countOf(referencing, 'file')} of this project.`;
  return {
    range: entry.keyRange,
    contents: {
      kind: MarkupKind.Markdown,
      value: `${presenceMarkdown(entry.key, presenceEverywhere(project, entry.key))}\n\n${usage}`,
    },
  };
}
