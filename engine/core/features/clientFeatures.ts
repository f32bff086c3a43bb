/**
 * What the client can show and run beyond plain LSP. Any editor gets plain titles and only what it can act on;
 * our VS Code client announces the rest in its `initializationOptions` (engine/protocol.ts).
 */
export interface ClientFeatures {
  /** The client takes a shared edit range and data once per completion list instead of once per item. */
  readonly completionItemDefaults: boolean;
  /** Titles may carry `$(icon)` codicons. */
  readonly codicons: boolean;
  /** The client runs the extension's own commands (`struere.sync`, `struere.revealPosition`, …). */
  readonly clientCommands: boolean;
}

export const PLAIN_CLIENT: ClientFeatures = { completionItemDefaults: false, codicons: false, clientCommands: false };
