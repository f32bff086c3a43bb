import {
  CompletionItemKind,
  MarkupKind,
  type CompletionItem,
  type Position,
  type Range,
} from 'vscode-languageserver-types';
import { ENVIRONMENTS, type Environment } from '../model/environments';
import { keysSetIn, presenceEverywhere } from '../model/presence';
import { presenceMarkdown, presenceSummary } from './presenceText';
import { envFileFor, type ProjectState } from '../model/workspaceIndex';

// A reference being typed, ending at the cursor. Group 1: the opener; 2: the partial key.
const OPEN_REFERENCE =
  /(\{\{[ \t]*secrets\.|<<[ \t]*secrets\.|context\??\.secrets\??\.|context\??\.secrets\??\.?\[[ \t]*["'`])([A-Za-z0-9_]*)$/;
const REST_OF_KEY = /^[A-Za-z0-9_]*/;

export interface SecretCompletions {
  /** What every item replaces: the partial key and the rest of the word after the cursor. */
  readonly range: Range;
  /**
   * Items without a range: `textEditText` when the inserted text is more than the label (a closing `}}`). Shared
   * between requests (see `itemsFor`): never modify them.
   */
  readonly items: readonly CompletionItem[];
}

/**
 * Completion inside a secret reference: the keys set in the selected environment first, then keys known only
 * elsewhere (marked so). Each item says where the key is set; no item ever carries a value. Items stay small
 * (the shared range is returned once) because a project may have thousands of keys and this runs per keystroke.
 */
export function doComplete(
  lineText: string,
  position: Position,
  project: ProjectState,
  environment: Environment,
): SecretCompletions | undefined {
  const before = lineText.slice(0, position.character);
  const open = OPEN_REFERENCE.exec(before);
  if (!open) return undefined;
  const partial = open[2];
  const after = lineText.slice(position.character);
  const rest = REST_OF_KEY.exec(after)![0];
  const range = {
    start: { line: position.line, character: position.character - partial.length },
    end: { line: position.line, character: position.character + rest.length },
  };
  const closer = closerFor(open[1], after.slice(rest.length));
  return { range, items: itemsFor(project, environment, closer) };
}

/**
 * The last item list built per project. A list depends only on the env files feeding the environments, the remote
 * lists, the selected environment and the closer; the index replaces those objects when they change (it never
 * edits them in place), so comparing them by identity tells whether the list is still right. Rebuilding 2,000
 * sorted items per request was most of a completion's cost; the items are shared and never modified afterwards.
 */
const itemLists = new WeakMap<ProjectState, { inputs: readonly unknown[]; items: readonly CompletionItem[] }>();

function itemsFor(project: ProjectState, environment: Environment, closer: string): readonly CompletionItem[] {
  const inputs = [
    envFileFor(project, 'development'),
    envFileFor(project, 'production'),
    ...ENVIRONMENTS.map((each) => project.remote[each]),
    environment,
    closer,
  ];
  const cached = itemLists.get(project);
  if (cached && cached.inputs.every((input, i) => input === inputs[i])) return cached.items;
  const items = deepFreeze(buildItems(project, environment, closer));
  itemLists.set(project, { inputs, items });
  return items;
}

function buildItems(project: ProjectState, environment: Environment, closer: string): CompletionItem[] {
  const selected = new Set(keysSetIn(project, environment));
  const elsewhere = new Set<string>();
  for (const other of ENVIRONMENTS) {
    if (other !== environment) for (const key of keysSetIn(project, other)) if (!selected.has(key)) elsewhere.add(key);
  }
  const items: CompletionItem[] = [];
  for (const [keys, rank] of [
    [selected, '0'],
    [elsewhere, '1'],
  ] as const) {
    for (const key of keys) {
      const item: CompletionItem = {
        label: key,
        kind: CompletionItemKind.Constant,
        // Editors order equal sortTexts by label: one character is enough to put the selected environment first.
        sortText: rank,
      };
      if (rank === '1') item.labelDetails = { description: `not set in ${environment}` };
      if (closer) item.textEditText = key + closer;
      items.push(item);
    }
  }
  return items;
}

/**
 * Adds the one-line presence and the presence table to the item the user is looking at (completionItem/resolve):
 * computing them for every key on every keystroke would make lists of thousands of keys slow.
 */
export function resolveCompletion(item: CompletionItem, project: ProjectState): CompletionItem {
  const presence = presenceEverywhere(project, item.label);
  return {
    ...item,
    detail: presenceSummary(presence),
    documentation: { kind: MarkupKind.Markdown, value: presenceMarkdown(item.label, presence) },
  };
}

/**
 * The items with their own text edits, for clients without completion list item defaults. The range object is
 * shared by all items: it is serialised, never modified. Frozen like the shared items (see deepFreeze).
 */
export function withTextEdits(completions: SecretCompletions): readonly CompletionItem[] {
  return deepFreeze(
    completions.items.map(({ textEditText, ...item }) => ({
      ...item,
      textEdit: { range: completions.range, newText: textEditText ?? item.label },
    })),
  );
}

/**
 * Item lists are shared between requests, so they are frozen, to the last nested object: nothing can change one
 * after it was built. That also lets the server's stdio writer serialise a list once and reuse its JSON while the
 * list is the same object (server/src/batchingWriter.ts): 2,000 items are 90–300 KB of JSON per request.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

/** Closes a template the user has not closed yet, so accepting a key leaves a complete reference. */
function closerFor(opener: string, afterKey: string): string {
  const trimmed = afterKey.trimStart();
  if (opener.startsWith('{{')) return trimmed.startsWith('}}') ? '' : '}}';
  if (opener.startsWith('<<')) return trimmed.startsWith('>>') ? '' : '>>';
  return '';
}
