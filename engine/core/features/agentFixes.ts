import { CodeActionKind, type CodeAction, type Diagnostic, type TextDocumentEdit } from 'vscode-languageserver-types';
import { LineIndex } from '../base/text';
import { joinUri } from '../base/uris';
import { agentSpec, withAgentRules, type ProjectAgentFacts } from '../model/agents';
import type { ProjectState } from '../model/workspaceIndex';

type FileChange = TextDocumentEdit | { kind: 'create'; uri: string; options: { ignoreIfExists: boolean } };

/**
 * "Keep AI agents out of env files": the edits `agents --fix` makes, as one WorkspaceEdit. An open mechanism file
 * is edited from its buffer (unsaved edits kept, the version carried); a broken Claude settings file gets no
 * edit, as the CLI leaves it alone. Undefined when nothing would change.
 */
export function agentRulesFix(
  project: ProjectState,
  diagnostic: Diagnostic,
  facts: ProjectAgentFacts | undefined,
  open: {
    versionOf(uri: string): number | null;
    documentText?(uri: string): string | undefined;
    /** Whether the host's safe writer would write there: an agent whose file it would not is left out, not the fix. */
    writable?(uri: string): boolean;
  },
): CodeAction | undefined {
  if (facts === undefined) return undefined;
  const changes: FileChange[] = [];
  const names: string[] = [];
  for (const id of facts.found) {
    const agent = agentSpec(id);
    if (agent.mechanism.kind === 'none') continue;
    // Joined per segment: `.claude/settings.json` is a path, and joinUri encodes a `/` inside one name.
    const uri = agent.mechanism.file.split('/').reduce(joinUri, project.rootUri);
    const disk = facts.rules[id];
    if (disk?.kind === 'unreadable' || open.writable?.(uri) === false) continue;
    const current = open.documentText?.(uri) ?? (disk?.kind === 'text' ? disk.text : undefined);
    const update = withAgentRules(agent.mechanism, current);
    if (update.kind !== 'text') continue;
    names.push(agent.mechanism.file);
    if (current === undefined) {
      changes.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
      changes.push(wholeText(uri, null, '', update.text));
    } else changes.push(wholeText(uri, open.versionOf(uri), current, update.text));
  }
  if (changes.length === 0) return undefined;
  return {
    title: `Keep AI agents out of env files: update ${names.join(', ')}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    edit: { documentChanges: changes },
  };
}

/** Replaces the whole of `current` with `next`: the rule edits keep the rest of the text as it was. */
function wholeText(uri: string, version: number | null, current: string, next: string): TextDocumentEdit {
  const end = new LineIndex(current).positionAt(current.length);
  return {
    textDocument: { uri, version },
    edits: [{ range: { start: { line: 0, character: 0 }, end }, newText: next }],
  };
}
