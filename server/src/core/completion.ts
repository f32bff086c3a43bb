import { CompletionItemKind, MarkupKind, type CompletionItem, type Position } from 'vscode-languageserver-types';
import type { Environment } from './environments';
import { keysSetIn, presenceEverywhere } from './presence';
import { presenceMarkdown, presenceSummary } from './presenceText';
import type { ProjectState } from './workspaceIndex';

// A reference being typed, ending at the cursor. Group 1: the opener; 2: the partial key.
const OPEN_REFERENCE = /(\{\{[ \t]*secrets\.|<<[ \t]*secrets\.|context\??\.secrets\??\.|context\??\.secrets\??\.?\[[ \t]*["'`])([A-Za-z0-9_]*)$/;
const REST_OF_KEY = /^[A-Za-z0-9_]*/;

/**
 * Completion inside a secret reference: the keys set in the selected environment first, then keys known
 * only elsewhere (marked so). Each item says where the key is set; no item ever carries a value.
 */
export function doComplete(lineText: string, position: Position, project: ProjectState, environment: Environment): CompletionItem[] {
  const before = lineText.slice(0, position.character);
  const open = OPEN_REFERENCE.exec(before);
  if (!open) return [];
  const partial = open[2];
  const after = lineText.slice(position.character);
  const rest = REST_OF_KEY.exec(after)![0];
  const range = {
    start: { line: position.line, character: position.character - partial.length },
    end: { line: position.line, character: position.character + rest.length },
  };
  const closer = closerFor(open[1], after.slice(rest.length));

  const selected = new Set(keysSetIn(project, environment));
  const elsewhere = new Set<string>();
  for (const other of ['development', 'production', 'eval'] as const) {
    if (other !== environment) for (const key of keysSetIn(project, other)) if (!selected.has(key)) elsewhere.add(key);
  }
  const items: CompletionItem[] = [];
  for (const [keys, rank] of [[selected, '0'], [elsewhere, '1']] as const) {
    for (const key of keys) {
      const presence = presenceEverywhere(project, key);
      items.push({
        label: key,
        kind: CompletionItemKind.Constant,
        detail: rank === '0' ? presenceSummary(presence) : `not set in ${environment} · ${presenceSummary(presence)}`,
        documentation: { kind: MarkupKind.Markdown, value: presenceMarkdown(key, presence) },
        sortText: `${rank}${key}`,
        filterText: key,
        textEdit: { range, newText: key + closer },
      });
    }
  }
  return items;
}

/** Closes a template the user has not closed yet, so accepting a key leaves a complete reference. */
function closerFor(opener: string, afterKey: string): string {
  const trimmed = afterKey.trimStart();
  if (opener.startsWith('{{')) return trimmed.startsWith('}}') ? '' : '}}';
  if (opener.startsWith('<<')) return trimmed.startsWith('>>') ? '' : '>>';
  return '';
}
