import type {
  CodeActionParams,
  CompletionItem,
  DidChangeWatchedFilesParams,
  Position,
  ReferenceParams,
  RenameParams,
  TextDocumentIdentifier,
  TextDocumentPositionParams,
  WorkspaceDiagnosticParams,
  WorkspaceFoldersChangeEvent,
  WorkspaceSymbolParams,
} from 'vscode-languageserver';
import { isCount, isEnvironment, isRecord } from '../../engine/core';
import type { SecretStatusParams, SetEnvironmentParams, SetRemoteNamesParams } from '../../engine/protocol';

/**
 * Shape checks for what a client sends. The types of vscode-languageserver describe a well-behaved client; these
 * make sure of it at run time, so a malformed message is refused (InvalidParams) instead of throwing deep inside
 * a feature. Only the fields the server reads are checked.
 */

type Check<T> = (value: unknown) => value is T;

export const isUri = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

export const isPosition: Check<Position> = (value): value is Position =>
  isRecord(value) && isCount(value.line) && isCount(value.character);

const isRange = (value: unknown): boolean => isRecord(value) && isPosition(value.start) && isPosition(value.end);

export const hasDocument: Check<{ textDocument: TextDocumentIdentifier }> = (
  value,
): value is { textDocument: TextDocumentIdentifier } =>
  isRecord(value) && isRecord(value.textDocument) && isUri(value.textDocument.uri);

export const isPositionParams: Check<TextDocumentPositionParams> = (value): value is TextDocumentPositionParams =>
  hasDocument(value) && isPosition((value as Record<string, unknown>).position);

export const isReferenceParams: Check<ReferenceParams> = (value): value is ReferenceParams =>
  isPositionParams(value) && isRecord((value as unknown as Record<string, unknown>).context);

export const isRenameParams: Check<RenameParams> = (value): value is RenameParams =>
  isPositionParams(value) && typeof (value as unknown as Record<string, unknown>).newName === 'string';

/** Every diagnostic needs a range: quick fixes are computed from where it starts. */
export const isCodeActionParams: Check<CodeActionParams> = (value): value is CodeActionParams => {
  if (!hasDocument(value)) return false;
  const context = (value as Record<string, unknown>).context;
  return (
    isRecord(context) &&
    Array.isArray(context.diagnostics) &&
    context.diagnostics.every((diagnostic) => isRecord(diagnostic) && isRange(diagnostic.range))
  );
};

export const isCompletionItem: Check<CompletionItem> = (value): value is CompletionItem =>
  isRecord(value) && typeof value.label === 'string';

export const isWorkspaceSymbolParams: Check<WorkspaceSymbolParams> = (value): value is WorkspaceSymbolParams =>
  isRecord(value) && typeof value.query === 'string';

export const isWorkspaceDiagnosticParams: Check<WorkspaceDiagnosticParams> = (
  value,
): value is WorkspaceDiagnosticParams =>
  isRecord(value) &&
  Array.isArray(value.previousResultIds) &&
  value.previousResultIds.every((previous) => isRecord(previous) && isUri(previous.uri));

export const isWatchedFilesParams: Check<DidChangeWatchedFilesParams> = (value): value is DidChangeWatchedFilesParams =>
  isRecord(value) &&
  Array.isArray(value.changes) &&
  value.changes.every((change) => isRecord(change) && isUri(change.uri) && isCount(change.type));

export const isFoldersChange: Check<WorkspaceFoldersChangeEvent> = (value): value is WorkspaceFoldersChangeEvent =>
  isRecord(value) &&
  [value.added, value.removed].every(
    (folders) => Array.isArray(folders) && folders.every((folder) => isRecord(folder) && isUri(folder.uri)),
  );

export const isSetEnvironmentParams: Check<SetEnvironmentParams> = (value): value is SetEnvironmentParams =>
  isRecord(value) && isEnvironment(value.environment);

const REMOTE_STATES: readonly unknown[] = ['fresh', 'stale', 'unknown'];

export const isSetRemoteNamesParams: Check<SetRemoteNamesParams> = (value): value is SetRemoteNamesParams =>
  isRecord(value) &&
  isUri(value.projectUri) &&
  isRecord(value.lists) &&
  Object.values(value.lists).every(
    (list) =>
      isRecord(list) &&
      REMOTE_STATES.includes(list.state) &&
      Array.isArray(list.names) &&
      list.names.every((name) => typeof name === 'string'),
  );

export const isSecretStatusParams: Check<SecretStatusParams> = (value): value is SecretStatusParams =>
  isRecord(value) && isUri(value.projectUri);

/** Anything goes (no parameters, or parameters the handler does not read). */
export const anything = (_value: unknown): _value is unknown => true;
