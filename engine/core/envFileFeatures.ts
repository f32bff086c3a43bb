import { Commands } from './commands';
import {
  CompletionItemKind,
  SymbolKind,
  type CodeLens,
  type CompletionItem,
  type DocumentSymbol,
  type Position,
  type SymbolInformation,
} from 'vscode-languageserver-types';
import { isValidKey } from './environments';
import { describeInvalidName } from './invalidName';
import { keysMissingHere, siblingOf } from './parity';
import { describeRemote } from './presence';
import type { ClientFeatures } from './service';
import type { EnvFileState, ProjectState, WorkspaceIndex } from './workspaceIndex';

/** Outline of an .env file: one symbol per entry, named by its key. Never a value, not even as detail. */
export function documentSymbols(file: EnvFileState): DocumentSymbol[] {
  return file.parsed.entries.map((entry) => ({
    // An invalid key may be a pasted value: described, never quoted (invalidName.ts).
    name: isValidKey(entry.key) ? entry.key : `(${describeInvalidName(entry.key)})`,
    kind: SymbolKind.Constant,
    detail: entry.exported ? 'export' : '',
    range: file.lineIndex.rangeOf(entry.entryStart, entry.entryEnd),
    selectionRange: file.lineIndex.rangeOf(entry.keyStart, entry.keyEnd),
  }));
}

/** Keys of every .env file in every project whose name contains the query's characters in order (case-insensitive). */
export function workspaceSymbols(index: WorkspaceIndex, query: string, limit = 500): SymbolInformation[] {
  const wanted = query.toLowerCase();
  const matches = (name: string) => {
    let at = 0;
    for (const char of name.toLowerCase()) if (char === wanted[at]) at++;
    return at === wanted.length;
  };
  const result: SymbolInformation[] = [];
  for (const project of index.allProjects()) {
    for (const file of project.envFiles.values()) {
      for (const location of file.keys.values()) {
        if (!isValidKey(location.key) || !matches(location.key)) continue;
        result.push({
          name: location.key,
          kind: SymbolKind.Constant,
          location: { uri: file.uri, range: location.keyRange },
          containerName: file.fileName,
        });
        if (result.length >= limit) return result;
      }
    }
  }
  return result;
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
 * Code lenses on .env files: sync or deploy, what the server lacks (when its list is known), and the value cloak
 * toggle. Counts and names only. Codicons and our client's commands only for a client that announced them; any
 * other editor gets plain, informational lenses (an empty command id: a label, nothing to run).
 */
export function envCodeLenses(
  file: EnvFileState,
  project: ProjectState,
  client: Pick<ClientFeatures, 'codicons' | 'clientCommands'>,
): CodeLens[] {
  const lens = (title: string, command = '', icon?: string): CodeLens => ({
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    command: {
      title: icon !== undefined && client.codicons ? `$(${icon}) ${title}` : title,
      command: client.clientCommands ? command : '',
    },
  });
  const lenses: CodeLens[] = [];
  if (file.environment && client.clientCommands)
    lenses.push(
      file.environment === 'development'
        ? lens('Sync to development (+ eval)', Commands.sync, 'cloud-upload')
        : lens('Deploy to production', Commands.deploy, 'rocket'),
    );
  else if (file.environment)
    lenses.push(lens(file.environment === 'development' ? 'Feeds development (+ eval)' : 'Feeds production'));
  const remote = file.environment ? project.remote[file.environment] : undefined;
  if (remote && remote.state !== 'unknown') {
    const notOnServer = [...file.keys.keys()].filter((key) => !remote.names.has(key)).length;
    const remoteOnly = [...remote.names].filter((key) => !file.keys.has(key)).length;
    lenses.push(
      lens(
        `${notOnServer} key${notOnServer === 1 ? '' : 's'} not on the server yet · ${remoteOnly} remote-only kept (${describeRemote(remote)})`,
        Commands.showStatus,
      ),
    );
  }
  // Value cloaking is our client's own feature: there is nothing to toggle elsewhere.
  if (client.clientCommands) lenses.push(lens('Show / hide values', Commands.toggleCloak, 'eye-closed'));
  return lenses;
}
