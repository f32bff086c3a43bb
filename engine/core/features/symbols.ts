import { SymbolKind, type DocumentSymbol, type SymbolInformation } from 'vscode-languageserver-types';
import { isValidKey } from '../model/environments';
import { isExported, keyEndOf } from '../model/envParser';
import { describeInvalidName } from '../model/invalidName';
import type { EnvFileState, WorkspaceIndex } from '../model/workspaceIndex';

/** Outline of an .env file: one symbol per entry, named by its key. Never a value, not even as detail. */
export function documentSymbols(file: EnvFileState): DocumentSymbol[] {
  return file.parsed.entries.map((entry) => ({
    // An invalid key may be a pasted value: described, never quoted (invalidName.ts).
    name: isValidKey(entry.key) ? entry.key : `(${describeInvalidName(entry.key)})`,
    kind: SymbolKind.Constant,
    detail: isExported(entry) ? 'export' : '',
    range: file.lineIndex.rangeOf(entry.entryStart, entry.valueEnd),
    selectionRange: file.lineIndex.rangeOf(entry.keyStart, keyEndOf(entry)),
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
