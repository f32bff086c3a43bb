import * as vscode from 'vscode';
import type { Environment, WritableEnvironment } from '../../engine/core/environments';
import { WalkthroughContext, type WalkthroughContextKey } from './walkthroughSteps';

/**
 * Checks the walkthrough's steps when their events really happen, through `setContext` keys that package.json's
 * `completionEvents` name (`onContext:…`). VS Code remembers a checked step; the keys only need to turn true once.
 */
export class WalkthroughProgress implements vscode.Disposable {
  private readonly reached = new Set<WalkthroughContextKey>();
  /** The missing-secret diagnostics last seen, as `uri \u0000 key \u0000 environment` → environment. */
  private missing = new Map<string, string>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly environment: () => Environment) {
    this.subscription = vscode.languages.onDidChangeDiagnostics(() => this.onDiagnostics());
  }

  projectsIndexed(count: number): void {
    if (count > 0) this.reach(WalkthroughContext.projectIndexed);
  }

  environmentPicked(): void {
    this.reach(WalkthroughContext.environmentPicked);
  }

  apiKeyStored(): void {
    this.reach(WalkthroughContext.apiKeyStored);
  }

  succeeded(environment: WritableEnvironment): void {
    this.reach(environment === 'development' ? WalkthroughContext.synced : WalkthroughContext.deployed);
  }

  /**
   * A missing secret counts as fixed when its diagnostic (file, key, environment) disappears while that environment
   * is still the selected one: switching to an environment where the key happens to be set is not a fix.
   */
  private onDiagnostics(): void {
    const now = currentMissingSecrets();
    const environment = this.environment();
    for (const [entry, reportedFor] of this.missing)
      if (!now.has(entry) && reportedFor === environment) this.reach(WalkthroughContext.missingSecretFixed);
    this.missing = now;
  }

  private reach(key: WalkthroughContextKey): void {
    if (this.reached.has(key)) return;
    this.reached.add(key);
    void vscode.commands.executeCommand('setContext', key, true);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/** The server puts `{ key, environment }` in a missing-secret diagnostic's `data`; the language client keeps it. */
function currentMissingSecrets(): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [uri, diagnostics] of vscode.languages.getDiagnostics())
    for (const diagnostic of diagnostics) {
      if (diagnostic.source !== 'struere' || codeOf(diagnostic) !== 'missing-secret') continue;
      const data = (diagnostic as { data?: { key?: unknown; environment?: unknown } }).data;
      if (typeof data?.key !== 'string' || typeof data.environment !== 'string') continue;
      entries.set(`${uri.toString()}\u0000${data.key}\u0000${data.environment}`, data.environment);
    }
  return entries;
}

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : code === undefined ? undefined : String(code);
}
