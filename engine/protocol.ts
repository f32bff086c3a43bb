import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { ClientFeatures, Environment, RemoteNameList, RemoteState, UnknownReason } from './core';

/**
 * Every custom message between the client and the server, typed once and imported by both sides.
 * Standard LSP covers diagnostics, completion, hover and definition; these carry what LSP has no word for.
 */

/**
 * Node flags our VS Code client launches the server with. VS Code pulls diagnostics, and each workspace pull lists
 * every file's result id (some 1 MB of JSON at 10,000 files), which the server holds until it answers. In the
 * young generation the server keeps for itself (server/src/heapTuning.ts: 2 × 1 MB, for the resident memory of a
 * plain launch), those lists are promoted and collected with the old generation, inside the next edits. Started
 * at 8 MB, the young generation holds one at 10,000 files; V8 reads the size only at start-up, so it is a launch
 * flag. It costs resident memory, which the server bench prints for this launch beside the plain launch's goal.
 */
export const VSCODE_SERVER_EXEC_ARGV: readonly string[] = ['--min-semi-space-size=8'];

export interface SetEnvironmentParams {
  environment: Environment;
}

/** client → server: the user picked an environment in the status bar; diagnostics, completion and definition follow it. */
export namespace SetEnvironmentNotification {
  export const method = 'struere/setEnvironment' as const;
  export const type = new NotificationType<SetEnvironmentParams>(method);
}

export interface ServerStateParams {
  /** The environment the server is diagnosing for now. */
  environment: Environment;
  /** Project folders (URIs) the server found. */
  projects: string[];
}

/** server → client: the server finished indexing or its environment changed; the status bar shows it. */
export namespace ServerStateNotification {
  export const method = 'struere/serverState' as const;
  export const type = new NotificationType<ServerStateParams>(method);
}

export interface IndexStatsResult {
  projects: number;
  envFiles: number;
  agentFiles: number;
  references: number;
  /** The server process's memory, in bytes (benchmarks report it). */
  memory: { rss: number; heapUsed: number; external: number };
}

/** client → server: counts of what the server indexed (tests, benchmarks and the status tooltip use it). */
export namespace IndexStatsRequest {
  export const method = 'struere/indexStats' as const;
  export const type = new RequestType0<IndexStatsResult, void>(method);
}

/** A remote name list as it crosses the wire (a Set does not serialise). Names only, never values. */
export interface RemoteNameListDto {
  state: RemoteState;
  names: string[];
  reason?: UnknownReason;
  fetchedAt?: number;
}

export interface SetRemoteNamesParams {
  /** The project folder (URI) the lists belong to. */
  projectUri: string;
  lists: Record<Environment, RemoteNameListDto>;
}

/**
 * client → server: what the API holds for a project's environments. The client talks to the API (it owns
 * the API keys, in SecretStorage); only names reach the server, so neither keys nor values ever travel
 * over the LSP connection, which a user may trace into an output channel.
 */
export namespace SetRemoteNamesNotification {
  export const method = 'struere/setRemoteNames' as const;
  export const type = new NotificationType<SetRemoteNamesParams>(method);
}

export interface SecretStatusParams {
  projectUri: string;
}

export interface SecretStatusResult {
  /** A Markdown document: keys × environments, local and remote presence. No values. */
  markdown: string;
}

/** client → server: the keys × environments table for "Show Secret Status". */
export namespace SecretStatusRequest {
  export const method = 'struere/secretStatus' as const;
  export const type = new RequestType<SecretStatusParams, SecretStatusResult, void>(method);
}

export function toRemoteNameListDto(list: RemoteNameList): RemoteNameListDto {
  return {
    state: list.state,
    names: [...list.names],
    ...(list.reason ? { reason: list.reason } : {}),
    ...(list.fetchedAt !== undefined ? { fetchedAt: list.fetchedAt } : {}),
  };
}

export function fromRemoteNameListDto(dto: RemoteNameListDto): RemoteNameList {
  return {
    state: dto.state,
    names: new Set(dto.names),
    ...(dto.reason ? { reason: dto.reason } : {}),
    ...(dto.fetchedAt !== undefined ? { fetchedAt: dto.fetchedAt } : {}),
  };
}

/**
 * client → server, in `initialize`: what a client may put in `initializationOptions`. Every field is optional and
 * checked by the server, since any editor may send anything here.
 */
export interface StruereInitializationOptions {
  /** The `struere` settings section, for clients that do not answer workspace/configuration. */
  settings?: unknown;
  /** The environment chosen in the status bar, remembered per workspace; it wins over the setting. */
  environment?: Environment;
  /** What the client shows and runs beyond plain LSP; editors that leave it out get plain answers. */
  clientFeatures?: Partial<Pick<ClientFeatures, 'codicons' | 'clientCommands'>>;
}

/** What our VS Code client announces: it renders `$(icon)` codicons and runs the `struere.*` commands. */
export const VSCODE_CLIENT_FEATURES: Required<NonNullable<StruereInitializationOptions['clientFeatures']>> = {
  codicons: true,
  clientCommands: true,
};
