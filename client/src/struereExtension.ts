import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ENV_FILE_NAMES, errorText, isEnvFileName, isEnvironment } from '../../engine/core';
import { ServerStateNotification, SetEnvironmentNotification, type ServerStateParams } from '../../engine/protocol';
import { projectName, type ApiKeyCommandDependencies } from './apiKeyCommands';
import { ApiKeyStore } from './apiKeyStore';
import { readClientSettings, type ClientSettings } from './clientSettings';
import { registerCommands } from './commands';
import { EnvironmentSwitch } from './environmentSwitch';
import { createLanguageClient } from './languageClient';
import { OutputLog } from './outputLog';
import { ProjectRegistry } from './projectRegistry';
import { PromptPreview } from './promptPreview';
import { RemoteNamesBridge } from './remoteNamesBridge';
import { SecretStatusView } from './statusView';
import { runSyncOrDeploy, type SyncDependencies } from './syncCommands';
import { ValueCloak } from './valueCloak';
import { redactingChannel, redactTraceMessage, valueRedactor } from './traceChannel';
import { CloakRuleCheck } from './cloakRule';
import { MaskedEnvView } from './maskedEnvView';
import { WalkthroughProgress } from './walkthroughProgress';
import { registerLanguageModelTools } from './languageModelTools';

/**
 * The thin client: starts the language server, and owns what needs VS Code — the status bar switch, commands,
 * confirmations, SecretStorage. Commands (client/src/commands.ts) receive this object and use its parts; logic
 * lives in the engine, shared with the CLI.
 */
export class Extension {
  readonly cloak: ValueCloak;
  readonly maskedEnvView: MaskedEnvView;
  readonly log = new OutputLog();
  readonly keys: ApiKeyStore;
  readonly projects = new ProjectRegistry();
  readonly environmentSwitch: EnvironmentSwitch;
  readonly client: LanguageClient;
  readonly remote: RemoteNamesBridge;
  readonly statusView: SecretStatusView;
  readonly promptPreview: PromptPreview;
  readonly syncDependencies: SyncDependencies;
  readonly walkthrough: WalkthroughProgress;
  private currentSettings = readSettings();
  private firstServerState = true;

  constructor(private readonly context: vscode.ExtensionContext) {
    // Before any await: .env values already on screen are hidden as early as activation allows.
    this.cloak = new ValueCloak(vscode);
    this.maskedEnvView = new MaskedEnvView(vscode, this.cloak);
    this.keys = new ApiKeyStore(context.secrets);
    this.environmentSwitch = new EnvironmentSwitch(context.workspaceState);
    const serverChannel = serverOutputChannel();
    context.subscriptions.push(serverChannel);
    this.client = createLanguageClient(
      context,
      this.environmentSwitch.environment,
      this.maskedEnvView.middleware,
      serverChannel,
    );
    this.remote = new RemoteNamesBridge(this.client, this.keys, this.currentSettings, this.log);
    this.statusView = new SecretStatusView(this.client);
    this.promptPreview = new PromptPreview(this.environmentSwitch, this.projects, this.remote);
    this.walkthrough = new WalkthroughProgress(() => this.environmentSwitch.environment, this.log);
    this.syncDependencies = {
      keys: this.keys,
      settings: () => this.currentSettings,
      log: this.log,
      projects: this.projects,
      remote: this.remote,
      onSucceeded: (environment) => this.walkthrough.succeeded(environment),
    };
    context.subscriptions.push(
      this.cloak,
      this.maskedEnvView,
      new CloakRuleCheck(vscode),
      this.log,
      this.environmentSwitch,
      this.remote,
      this.statusView,
      this.promptPreview,
      this.walkthrough,
      ...registerCommands(this),
      ...registerLanguageModelTools(vscode, {
        ...this.syncDependencies,
        environment: () => this.environmentSwitch.environment,
      }),
    );
  }

  get settings(): ClientSettings {
    return this.currentSettings;
  }

  /** `publisher.name`, as VS Code names this extension (walkthrough ids are scoped by it). */
  get extensionId(): string {
    return this.context.extension.id;
  }

  get apiKeyCommandDependencies(): ApiKeyCommandDependencies {
    return { keys: this.keys, settings: this.currentSettings, log: this.log, projects: this.projects.all };
  }

  /** Starts the server, then follows the editor's events. */
  async start(): Promise<void> {
    this.client.onNotification(ServerStateNotification.type, (state) => this.onServerState(state));
    await this.client.start();
    await this.client.sendNotification(SetEnvironmentNotification.type, {
      environment: this.environmentSwitch.environment,
    });
    this.context.subscriptions.push(
      this.environmentSwitch.onDidChange((environment) => {
        void this.client.sendNotification(SetEnvironmentNotification.type, { environment });
        void this.renderStatus();
      }),
      this.remote.onDidChange(() => {
        this.statusView.refresh();
        void this.renderStatus();
      }),
      this.keys.onDidChange(() => void this.renderStatus()),
      vscode.window.onDidChangeActiveTextEditor(() => void this.renderStatus()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.onTrustGranted()),
      vscode.workspace.onDidChangeConfiguration((event) => this.onConfigurationChanged(event)),
      vscode.workspace.onDidSaveTextDocument((document) => this.onSaved(document)),
    );
    void this.renderStatus();
  }

  async stop(): Promise<void> {
    await this.client.stop();
  }

  private onServerState(state: ServerStateParams): void {
    this.projects.update(state.projects);
    this.walkthrough.projectsIndexed(state.projects.length);
    // The server rebuilt its model: give it what we know at once, then ask the API on first start.
    const first = this.firstServerState;
    this.firstServerState = false;
    void this.remote.republish(state.projects).then(() => (first ? this.remote.refresh(state.projects) : undefined));
    void this.renderStatus();
  }

  private async renderStatus(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const focused = editor ? this.projects.projectOf(editor.document.uri) : this.projects.all[0];
    this.environmentSwitch.render({
      ...(focused ? { remote: this.remote.listsFor(focused), projectName: projectName(focused) } : {}),
      apiKeys: await this.keys.scopesFor(focused),
      trusted: vscode.workspace.isTrusted,
    });
  }

  private onTrustGranted(): void {
    // Trust changes what the settings allow (struere.syncOnSave) and lets API keys be sent.
    this.currentSettings = readSettings();
    void this.remote.refresh(this.projects.all).then(() => this.renderStatus());
  }

  private onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (!event.affectsConfiguration('struere')) return;
    // Changing the setting is a choice too: it replaces the remembered status bar choice.
    if (event.affectsConfiguration('struere.environment')) {
      const configured = vscode.workspace.getConfiguration('struere').get<unknown>('environment');
      if (isEnvironment(configured) && configured !== this.environmentSwitch.environment)
        void this.environmentSwitch.set(configured);
    }
    this.currentSettings = readSettings();
    this.remote.updateSettings(this.currentSettings);
    if (event.affectsConfiguration('struere.apiUrl')) void this.remote.refresh(this.projects.all);
  }

  /** struere.syncOnSave mirrors `struere dev`: the project's own .env.development only, never production. */
  private onSaved(document: vscode.TextDocument): void {
    if (!this.currentSettings.syncOnSave || path.basename(document.uri.fsPath) !== ENV_FILE_NAMES.development) return;
    const projectUri = this.projects.projectOf(document.uri);
    if (!projectUri || path.dirname(document.uri.fsPath) !== vscode.Uri.parse(projectUri).fsPath) return;
    void runSyncOrDeploy('development', { kind: 'save', projectUri }, this.syncDependencies).catch((error: unknown) =>
      this.log.error(`sync on save failed: ${errorText(error)}`),
    );
  }
}

function readSettings(): ClientSettings {
  return readClientSettings(vscode.workspace.getConfiguration('struere'), vscode.workspace.isTrusted);
}

/**
 * The language server's channel, which also receives the LSP trace: every message passes the trace redactor,
 * which leaves out an env file's text and replaces the values of the open env files.
 */
function serverOutputChannel(): vscode.LogOutputChannel {
  const openEnvDocuments = () =>
    vscode.workspace.textDocuments
      .filter((document) => document.uri.scheme === 'file' && isEnvFileName(path.basename(document.uri.fsPath)))
      .map((document) => ({ uri: document.uri.toString(), version: document.version, text: () => document.getText() }));
  const redactValues = valueRedactor(openEnvDocuments);
  const channel = vscode.window.createOutputChannel('Struere Secrets Language Server', { log: true });
  return redactingChannel(channel, (message) => redactTraceMessage(message, redactValues));
}
