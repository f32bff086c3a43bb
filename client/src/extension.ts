import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { ENV_FILE_NAMES, isEnvironment } from '../../engine/core/environments';
import { ServerStateNotification, SetEnvironmentNotification, type ServerStateParams } from '../../engine/protocol';
import { clearApiKey, setApiKey } from './apiKeyCommands';
import { ApiKeyStore } from './apiKeyStore';
import { readClientSettings } from './clientSettings';
import { Commands } from '../../engine/core/commands';
import { EnvironmentSwitch } from './environmentSwitch';
import { OutputLog } from './outputLog';
import { ProjectRegistry } from './projectRegistry';
import { PromptPreview } from './promptPreview';
import { RemoteNamesBridge } from './remoteNamesBridge';
import { runSetSecretCommand } from './setSecretCommand';
import { SecretStatusView } from './statusView';
import { runSyncCommand, type SyncDependencies } from './syncCommands';
import { ValueCloak } from './valueCloak';
import { errorText } from '../../engine/core/errorText';
import { leakCommands } from './leakCommands';

let client: LanguageClient | undefined;

const DOCUMENT_SELECTOR = [
  'dotenv',
  'typescript',
  'typescriptreact',
  'javascript',
  'javascriptreact',
  'markdown',
  'mdx',
  'plaintext',
].map((language) => ({
  scheme: 'file',
  language,
}));

/**
 * The thin client: starts the language server, and owns what needs VS Code — the status bar switch, commands,
 * confirmations, SecretStorage. Logic lives in plain modules shared with the CLI.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // First, before any await: .env values already on screen are hidden as early as activation allows.
  context.subscriptions.push(new ValueCloak(vscode));
  const log = new OutputLog();
  const keys = new ApiKeyStore(context.secrets);
  let settings = readClientSettings();
  const projects = new ProjectRegistry();
  const environmentSwitch = new EnvironmentSwitch(context.workspaceState);
  context.subscriptions.push(log, environmentSwitch);

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    // A small young generation keeps the server's memory near what it holds (see server/src/main.ts).
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--max-semi-space-size=2'] } },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6019'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: 'struere' },
    initializationOptions: { environment: environmentSwitch.environment },
  };
  client = new LanguageClient('struere', 'Struere Secrets Language Server', serverOptions, clientOptions);
  const languageClient = client;
  const remote = new RemoteNamesBridge(languageClient, keys, settings, log);
  const statusView = new SecretStatusView(languageClient);
  const promptPreview = new PromptPreview(environmentSwitch, projects, remote);
  context.subscriptions.push(remote, statusView, promptPreview);
  context.subscriptions.push(...leakCommands(projects)); // h-leaks: Copy Redacted, Move to .env.development

  const renderStatus = async () => {
    const focused = vscode.window.activeTextEditor
      ? projects.projectOf(vscode.window.activeTextEditor.document.uri)
      : projects.all[0];
    const stored = await keys.all();
    environmentSwitch.render({
      ...(focused ? { remote: remote.listsFor(focused) } : {}),
      apiKeys: { development: stored.development !== undefined, production: stored.production !== undefined },
      trusted: vscode.workspace.isTrusted,
    });
  };

  let firstState = true;
  languageClient.onNotification(ServerStateNotification.method, (state: ServerStateParams) => {
    projects.update(state.projects);
    // The server rebuilt its model: give it what we know at once, then ask the API on first start.
    void remote.republish(state.projects).then(() => (firstState ? remote.refresh(state.projects) : undefined));
    firstState = false;
    void renderStatus();
  });
  await languageClient.start();
  await languageClient.sendNotification(SetEnvironmentNotification.method, {
    environment: environmentSwitch.environment,
  });

  const syncDeps: SyncDependencies = { keys, settings: () => settings, log, projects, remote };
  const guarded = (name: string, run: (...args: unknown[]) => Promise<unknown>) =>
    vscode.commands.registerCommand(name, async (...args: unknown[]) => {
      try {
        await run(...args);
      } catch (error) {
        // Our errors carry names and statuses only; the stack goes to the log for a bug report.
        log.error(`${name} failed: ${errorText(error, { stack: true })}`);
        void vscode.window.showErrorMessage(`Struere: ${name.replace('struere.', '')} failed: ${errorText(error)}`);
      }
    });

  context.subscriptions.push(
    // With an argument (the "Switch to production" quick fix) it switches at once; without, it asks.
    guarded(Commands.selectEnvironment, (environment) =>
      isEnvironment(environment) ? environmentSwitch.set(environment) : environmentSwitch.pick(),
    ),
    // Quick fixes that add a key put the cursor after its `=`: LSP edits cannot move the cursor themselves.
    guarded(Commands.revealPosition, async (uri, line, character) => {
      if (typeof uri !== 'string' || typeof line !== 'number' || typeof character !== 'number') return;
      const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uri));
      const position = new vscode.Position(line, character);
      editor.selection = new vscode.Selection(position, position);
      editor.revealRange(new vscode.Range(position, position));
    }),
    guarded(Commands.sync, () => runSyncCommand('development', { kind: 'command' }, syncDeps)),
    guarded(Commands.deploy, () => runSyncCommand('production', { kind: 'command' }, syncDeps)),
    guarded(Commands.setApiKey, async (preset) => {
      if (await setApiKey(keys, settings, log, preset)) await remote.refresh(projects.all);
    }),
    guarded(Commands.clearApiKey, async (preset) => {
      await clearApiKey(keys, log, preset);
      await remote.refresh(projects.all);
    }),
    guarded(Commands.refreshRemote, async () => {
      await remote.refresh(projects.all);
      void vscode.window.setStatusBarMessage('$(check) Struere: remote secret names refreshed', 3000);
    }),
    guarded(Commands.setSecret, (preset) =>
      runSetSecretCommand(vscode, { ...syncDeps, environment: () => environmentSwitch.environment }, preset),
    ),
    guarded(Commands.previewPrompt, () => promptPreview.open()),
    guarded(Commands.showStatus, async () => {
      const projectUri = await projects.pick('Show the secret status of which project?');
      if (projectUri) await statusView.show(projectUri);
    }),
    environmentSwitch.onDidChange((environment) => {
      void languageClient.sendNotification(SetEnvironmentNotification.method, { environment });
      void renderStatus();
    }),
    remote.onDidChange(() => {
      statusView.refresh();
      void renderStatus();
    }),
    keys.onDidChange(() => void renderStatus()),
    vscode.window.onDidChangeActiveTextEditor(() => void renderStatus()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void remote.refresh(projects.all).then(renderStatus)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('struere')) return;
      // Changing the setting is a choice too: it replaces the remembered status bar choice.
      if (event.affectsConfiguration('struere.environment')) {
        const configured = vscode.workspace.getConfiguration('struere').get<unknown>('environment');
        if (isEnvironment(configured) && configured !== environmentSwitch.environment)
          void environmentSwitch.set(configured);
      }
      settings = readClientSettings();
      remote.updateSettings(settings);
      if (event.affectsConfiguration('struere.apiUrl')) void remote.refresh(projects.all);
    }),
    vscode.workspace.onDidSaveTextDocument((document) => {
      // struere.syncOnSave mirrors `struere dev`: development only, never production.
      if (!settings.syncOnSave || path.basename(document.uri.fsPath) !== ENV_FILE_NAMES.development) return;
      const projectUri = projects.projectOf(document.uri);
      if (!projectUri || path.dirname(document.uri.fsPath) !== vscode.Uri.parse(projectUri).fsPath) return;
      void runSyncCommand('development', { kind: 'save', projectUri }, syncDeps).catch((error: unknown) =>
        log.error(`sync on save failed: ${errorText(error)}`),
      );
    }),
  );
  void renderStatus();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
