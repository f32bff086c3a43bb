import {
  CompletionItemKind,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Position,
  type Range,
} from 'vscode-languageserver-types';
import { ENVIRONMENTS, type Environment } from '../model/environments';
import { keysSetIn, presenceEverywhere } from '../model/presence';
import { presenceMarkdown, presenceSummary } from './presenceText';
import { shareResult } from '../base/sharedResults';
import { keysMissingHere, siblingOf } from '../rules/parity';
import { envFileFor, type EnvFileState, type ProjectState } from '../model/workspaceIndex';
import type { ClientFeatures } from './clientFeatures';

// A reference being typed, ending at the cursor. Group 1: the opener; 2: the partial key. `${{` is GitHub's.
const OPEN_REFERENCE =
  /((?<!\$)\{\{[ \t]*secrets\.|<<[ \t]*secrets\.|context\??\.secrets\??\.|context\??\.secrets\??\.?\[[ \t]*["'`])([A-Za-z0-9_]*)$/;
const REST_OF_KEY = /^[A-Za-z0-9_]*/;

export interface SecretCompletions {
  /** What every item replaces: the partial key and the rest of the word after the cursor. */
  readonly range: Range;
  /**
   * Items without a range: `textEditText` when the inserted text is more than the label (a closing `}}`). Shared
   * between requests (see `itemsFor`): a shared result, never modified.
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
 * sorted items per request was most of a completion's cost; the items are a shared result (base/sharedResults.ts).
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
  const items = shareResult(buildItems(project, environment, closer));
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
 * shared by all items; the list is a shared result like the items.
 */
export function withTextEdits(completions: SecretCompletions): readonly CompletionItem[] {
  return shareResult(
    completions.items.map(({ textEditText, ...item }) => ({
      ...item,
      textEdit: { range: completions.range, newText: textEditText ?? item.label },
    })),
  );
}

/** Closes a template the user has not closed yet, so accepting a key leaves a complete reference. */
function closerFor(opener: string, afterKey: string): string {
  const trimmed = afterKey.trimStart();
  if (opener.startsWith('{{')) return trimmed.startsWith('}}') ? '' : '}}';
  if (opener.startsWith('<<')) return trimmed.startsWith('>>') ? '' : '>>';
  return '';
}

const KEY_POSITION = /^\s*(?:export\s+)?[A-Za-z0-9_]*$/;

/** Completion at the start of a line in .env.development / .env.production: the sibling's keys missing here. */
export function completeEnvKey(
  file: EnvFileState,
  project: ProjectState,
  lineText: string,
  position: Position,
): CompletionItem[] {
  const before = lineText.slice(0, position.character);
  if (!KEY_POSITION.test(before) || lineText.slice(position.character).includes('=')) return [];
  const sibling = siblingOf(file, project);
  if (!sibling) return [];
  const partial = /[A-Za-z0-9_]*$/.exec(before)![0];
  const range = { start: { line: position.line, character: position.character - partial.length }, end: position };
  return keysMissingHere(file, project).map((key) => ({
    label: key,
    kind: CompletionItemKind.Constant,
    detail: `in ${sibling.fileName}, missing here`,
    textEdit: { range, newText: `${key}=` },
  }));
}

/**
 * The answer to a completion request, per client. A client with item defaults gets the shared items with the edit
 * range and the document once, as the list's defaults; any other client gets items carrying their own edit, and
 * the last such list is reused while the same items are asked for at the same place (a client re-asking as the
 * user pauses). The resolve request carries only the item: a plain client's item has no data (a URI on each of
 * thousands of items would be most of the response), so resolve falls back to the document of the last list.
 */
export class CompletionLists {
  private lastUri: string | undefined;
  private lastSelfContained: { items: readonly CompletionItem[]; range: string; list: CompletionItem[] } | undefined;

  constructor(private readonly client: Pick<ClientFeatures, 'completionItemDefaults'>) {}

  answer(uri: string, completions: SecretCompletions): CompletionList | CompletionItem[] {
    this.lastUri = uri;
    // A shared result: serialised from here on, never modified.
    const items = completions.items as CompletionItem[];
    if (this.client.completionItemDefaults) {
      const data: CompletionItemData = { uri };
      return { isIncomplete: false, itemDefaults: { editRange: completions.range, data }, items };
    }
    const range = JSON.stringify(completions.range);
    const last = this.lastSelfContained;
    if (last && last.items === completions.items && last.range === range) return last.list;
    const list = withTextEdits(completions) as CompletionItem[];
    this.lastSelfContained = { items: completions.items, range, list };
    return list;
  }

  /** The document a resolve request's item came from: its default data, else the last list's document. */
  documentOf(item: CompletionItem): string | undefined {
    const data = item.data as Partial<CompletionItemData> | undefined;
    return typeof data?.uri === 'string' ? data.uri : this.lastUri;
  }
}

interface CompletionItemData {
  uri: string;
}
