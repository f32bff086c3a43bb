import {
  CodeActionKind,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import {
  type ClientFeatures,
  DEFAULT_SETTINGS,
  type Environment,
  isEnvironment,
  isRecord,
  sanitizeSettings,
  type ServerSettings,
} from '../../engine/core';
import { uriToPath } from '../../engine/host';
import type { StruereInitializationOptions } from '../../engine/protocol';

/** What `initialize` told the server about the client and the workspace, read once and typed. */
export interface ClientSetup {
  readonly folders: readonly string[];
  readonly pullDiagnostics: boolean;
  readonly configurationPull: boolean;
  readonly dynamicWatchers: boolean;
  readonly codeLensRefresh: boolean;
  /** The client sends workspace/didChangeWorkspaceFolders when folders are added or removed. */
  readonly folderEvents: boolean;
  readonly clientFeatures: ClientFeatures;
  readonly settings: ServerSettings;
  /** The status bar's choice, remembered per workspace: it wins over the setting from the first diagnostic on. */
  readonly environment: Environment | undefined;
}

export function readClientSetup(params: InitializeParams): ClientSetup {
  const capabilities = params.capabilities ?? {};
  const itemDefaults = capabilities.textDocument?.completion?.completionList?.itemDefaults ?? [];
  const options = (isRecord(params.initializationOptions) ? params.initializationOptions : {}) as Record<
    keyof StruereInitializationOptions,
    unknown
  >;
  const announced = isRecord(options.clientFeatures) ? options.clientFeatures : {};
  let folders = (params.workspaceFolders ?? []).map((folder) => uriToPath(folder.uri));
  if (folders.length === 0 && params.rootUri) folders = [uriToPath(params.rootUri)];
  return {
    folders,
    pullDiagnostics: capabilities.textDocument?.diagnostic !== undefined,
    configurationPull: capabilities.workspace?.configuration === true,
    dynamicWatchers: capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    codeLensRefresh: capabilities.workspace?.codeLens?.refreshSupport === true,
    folderEvents: capabilities.workspace?.workspaceFolders === true,
    clientFeatures: {
      completionItemDefaults: itemDefaults.includes('editRange') && itemDefaults.includes('data'),
      codicons: announced.codicons === true,
      clientCommands: announced.clientCommands === true,
    },
    settings: options.settings !== undefined ? sanitizeSettings(options.settings) : DEFAULT_SETTINGS,
    environment: isEnvironment(options.environment) ? options.environment : undefined,
  };
}

export function serverCapabilities(setup: ClientSetup): InitializeResult {
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      completionProvider: { triggerCharacters: ['.', '"', "'", '`'], resolveProvider: true },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      renameProvider: { prepareProvider: true },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      codeLensProvider: { resolveProvider: false },
      diagnosticProvider: setup.pullDiagnostics
        ? { identifier: 'struere', interFileDependencies: true, workspaceDiagnostics: true }
        : undefined,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'struere-secrets' },
  };
}
