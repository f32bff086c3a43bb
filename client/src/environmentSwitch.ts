import * as vscode from 'vscode';
import {
  ENV_FILE_NAMES,
  ENVIRONMENTS,
  isEnvironment,
  writableEnvironmentOf,
  type Environment,
} from '../../engine/core/environments';
import { describeRemote } from '../../engine/core/presence';
import type { RemoteNameList } from '../../engine/core/remoteNames';
import { Commands } from '../../engine/core/commands';
import { SETTING_DEFAULTS } from '../../engine/core/settings';

const MEMENTO_KEY = 'struere.environment';

const DESCRIPTIONS: Record<Environment, string> = {
  development: '.env.development · synced with Sync Secrets',
  production: '.env.production · deployed with Deploy Secrets',
  eval: 'mirror of development · .env.development',
};

export interface StatusFacts {
  /** Remote state per environment for the project in focus, when known. */
  remote?: Record<Environment, RemoteNameList>;
  apiKeys: { development: boolean; production: boolean };
  trusted: boolean;
}

/**
 * The status bar switch: shows the selected environment, remembers it per workspace, and tells the server.
 * Missing-secret diagnostics, completion and definition follow it.
 */
export class EnvironmentSwitch implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('struere.environment', vscode.StatusBarAlignment.Left, 50);
  private readonly emitter = new vscode.EventEmitter<Environment>();
  readonly onDidChange = this.emitter.event;
  private current: Environment;

  constructor(private readonly memento: vscode.Memento) {
    this.item.name = 'Struere Environment';
    this.item.command = Commands.selectEnvironment;
    const remembered = memento.get<unknown>(MEMENTO_KEY);
    const configured = vscode.workspace.getConfiguration('struere').get<unknown>('environment');
    this.current = isEnvironment(remembered)
      ? remembered
      : isEnvironment(configured)
        ? configured
        : SETTING_DEFAULTS.environment;
    this.render({ apiKeys: { development: false, production: false }, trusted: vscode.workspace.isTrusted });
    this.item.show();
  }

  get environment(): Environment {
    return this.current;
  }

  async pick(): Promise<void> {
    const picked = await vscode.window.showQuickPick(
      ENVIRONMENTS.map((environment) => ({
        label: environment,
        description: DESCRIPTIONS[environment],
        picked: environment === this.current,
      })),
      {
        title: 'Struere: select the environment diagnostics and completion follow',
        placeHolder: `Now: ${this.current}`,
      },
    );
    if (picked && isEnvironment(picked.label)) await this.set(picked.label);
  }

  async set(environment: Environment): Promise<void> {
    this.current = environment;
    await this.memento.update(MEMENTO_KEY, environment);
    this.item.text = `$(key) ${environment}`;
    this.emitter.fire(environment);
  }

  render(facts: StatusFacts): void {
    this.item.text = `$(key) ${this.current}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**Struere environment: ${this.current}**\n\n`);
    tooltip.appendMarkdown(`Local file: \`${ENV_FILE_NAMES[writableEnvironmentOf(this.current)]}\`\n\n`);
    if (facts.remote) {
      for (const environment of ENVIRONMENTS)
        tooltip.appendMarkdown(`- ${environment} remote list: ${describeRemote(facts.remote[environment])}\n`);
      tooltip.appendMarkdown('\n');
    }
    tooltip.appendMarkdown(
      `API keys: development ${facts.apiKeys.development ? 'set' : 'not set'}, production ${facts.apiKeys.production ? 'set' : 'not set'}`,
    );
    if (!facts.trusted)
      tooltip.appendMarkdown('\n\n$(shield) Untrusted workspace: no API key is sent; sync and deploy are off.');
    tooltip.appendMarkdown('\n\nClick to switch.');
    this.item.tooltip = tooltip;
  }

  dispose(): void {
    this.item.dispose();
    this.emitter.dispose();
  }
}
