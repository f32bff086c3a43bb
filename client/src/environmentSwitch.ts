import * as vscode from 'vscode';
import {
  Commands,
  describeRemote,
  ENV_FILE_NAMES,
  type Environment,
  ENVIRONMENTS,
  isEnvironment,
  type RemoteNameList,
  SETTING_DEFAULTS,
  type WritableEnvironment,
  writableEnvironmentOf,
} from '../../engine/core';
import type { ApiKeyScope } from './apiKeyStore';

const MEMENTO_KEY = 'struere.environment';

function describeEnvironment(environment: Environment): string {
  switch (environment) {
    case 'development':
      return vscode.l10n.t('.env.development · synced with Sync Secrets');
    case 'production':
      return vscode.l10n.t('.env.production · deployed with Deploy Secrets');
    case 'eval':
      return vscode.l10n.t('mirror of development · .env.development');
  }
}

export interface StatusFacts {
  /** Remote state per environment for the project in focus, when known. */
  remote?: Record<Environment, RemoteNameList>;
  /** The project in focus, as people name it (its folder). */
  projectName?: string;
  /** Which scope each environment's key comes from for that project; undefined where none is set. */
  apiKeys: Record<WritableEnvironment, ApiKeyScope['kind'] | undefined>;
  trusted: boolean;
}

/** The scope a project's key comes from, in words: never the key. */
function describeKeySource(scope: ApiKeyScope['kind'] | undefined): string {
  if (scope === 'project') return vscode.l10n.t("this project's own key");
  if (scope === 'all-projects') return vscode.l10n.t('the key for all projects');
  return vscode.l10n.t('not set');
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
    this.item.name = vscode.l10n.t('Struere Environment');
    this.item.command = Commands.selectEnvironment;
    const remembered = memento.get<unknown>(MEMENTO_KEY);
    const configured = vscode.workspace.getConfiguration('struere').get<unknown>('environment');
    this.current = isEnvironment(remembered)
      ? remembered
      : isEnvironment(configured)
        ? configured
        : SETTING_DEFAULTS.environment;
    this.render({ apiKeys: { development: undefined, production: undefined }, trusted: vscode.workspace.isTrusted });
    this.item.show();
  }

  get environment(): Environment {
    return this.current;
  }

  /** The quick pick; true when the person picked an environment (not when they dismissed it). */
  async pick(): Promise<boolean> {
    const picked = await vscode.window.showQuickPick(
      ENVIRONMENTS.map((environment) => ({
        label: environment,
        description: describeEnvironment(environment),
        picked: environment === this.current,
      })),
      {
        title: vscode.l10n.t('Struere: select the environment diagnostics and completion follow'),
        placeHolder: vscode.l10n.t('Now: {0}', this.current),
      },
    );
    if (!picked || !isEnvironment(picked.label)) return false;
    await this.set(picked.label);
    return true;
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
    tooltip.appendMarkdown(`**${vscode.l10n.t('Struere environment: {0}', this.current)}**\n\n`);
    const localFile = `\`${ENV_FILE_NAMES[writableEnvironmentOf(this.current)]}\``;
    tooltip.appendMarkdown(`${vscode.l10n.t('Local file: {0}', localFile)}\n\n`);
    if (facts.remote) {
      for (const environment of ENVIRONMENTS) {
        const state = describeRemote(facts.remote[environment]);
        tooltip.appendMarkdown(`- ${vscode.l10n.t('{0} remote list: {1}', environment, state)}\n`);
      }
      tooltip.appendMarkdown('\n');
    }
    const development = describeKeySource(facts.apiKeys.development);
    const production = describeKeySource(facts.apiKeys.production);
    tooltip.appendMarkdown(
      facts.projectName
        ? vscode.l10n.t(
            'API keys of project {0}: development {1}, production {2}',
            facts.projectName,
            development,
            production,
          )
        : vscode.l10n.t('API keys: development {0}, production {1}', development, production),
    );
    if (!facts.trusted)
      tooltip.appendMarkdown(
        `\n\n$(shield) ${vscode.l10n.t('Untrusted workspace: no API key is sent; sync and deploy are off.')}`,
      );
    tooltip.appendMarkdown(`\n\n${vscode.l10n.t('Click to switch.')}`);
    this.item.tooltip = tooltip;
  }

  dispose(): void {
    this.item.dispose();
    this.emitter.dispose();
  }
}
