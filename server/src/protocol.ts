import { NotificationType, RequestType0 } from 'vscode-languageserver-protocol';
import type { Environment } from './core/environments';

/**
 * Every custom message between the client and the server, typed once and imported by both sides.
 * Standard LSP covers diagnostics, completion, hover and definition; these carry what LSP has no word for.
 */

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
  sourceFiles: number;
  references: number;
}

/** client → server: counts of what the server indexed (tests, benchmarks and the status tooltip use it). */
export namespace IndexStatsRequest {
  export const method = 'struere/indexStats' as const;
  export const type = new RequestType0<IndexStatsResult, void>(method);
}
