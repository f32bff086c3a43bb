import * as vscode from 'vscode';
import { type Environment, errorText, type WritableEnvironment } from '../../engine/core';
import type { OutputLog } from './outputLog';
import {
  missingSecretFixed,
  WALKTHROUGH_ID,
  WalkthroughContext,
  type MissingSecrets,
  type WalkthroughContextKey,
} from './walkthroughSteps';

/**
 * Checks the walkthrough's steps when their events really happen, through `setContext` keys that package.json's
 * `completionEvents` name (`onContext:…`). VS Code remembers a checked step; the keys only need to turn true once.
 */
export class WalkthroughProgress implements vscode.Disposable {
  private readonly reached = new Set<WalkthroughContextKey>();
  /** The missing-secret diagnostics last seen. */
  private missing: MissingSecrets = new Map();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly environment: () => Environment,
    private readonly log: OutputLog,
  ) {
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

  private onDiagnostics(): void {
    const now = currentMissingSecrets();
    if (missingSecretFixed(this.missing, now, this.environment())) this.reach(WalkthroughContext.missingSecretFixed);
    this.missing = now;
  }

  /**
   * Opens the walkthrough. VS Code's walkthrough service only checks a step when its context key turns true after
   * the walkthrough was registered; a key already true at registration (the project was indexed before the service
   * started, which is lazy) leaves the step unchecked for the session. So the events already seen are re-announced:
   * their keys go false while the walkthrough opens, and true again once it is open.
   */
  async open(extensionId: string): Promise<void> {
    await Promise.all([...this.reached].map((key) => this.setContext(key, false)));
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extensionId}#${WALKTHROUGH_ID}`, false);
    await Promise.all([...this.reached].map((key) => this.setContext(key, true)));
  }

  private reach(key: WalkthroughContextKey): void {
    if (this.reached.has(key)) return;
    this.reached.add(key);
    this.log.info(`walkthrough: ${key}`);
    void this.setContext(key, true);
  }

  private async setContext(key: WalkthroughContextKey, value: boolean): Promise<void> {
    try {
      await vscode.commands.executeCommand('setContext', key, value);
    } catch (error) {
      this.log.error(`walkthrough: setting ${key} failed: ${errorText(error)}`);
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/** The server puts `{ key, environment }` in a missing-secret diagnostic's `data`; the language client keeps it. */
function currentMissingSecrets(): MissingSecrets {
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
