import type { CodeLens } from 'vscode-languageserver-types';
import { countOf } from '../base/text';
import { describeRemote } from '../model/presence';
import type { EnvFileState, ProjectState } from '../model/workspaceIndex';
import type { ClientFeatures } from './clientFeatures';
import { Commands } from './commands';

/**
 * Code lenses on .env files: sync or deploy, what the server lacks (when its list is known), and the value cloak
 * toggle. Counts and names only. Codicons and our client's commands only for a client that announced them; any
 * other editor gets plain, informational lenses (an empty command id: a label, nothing to run).
 */
export function envCodeLenses(
  file: EnvFileState,
  project: ProjectState,
  client: Pick<ClientFeatures, 'codicons' | 'clientCommands'>,
): CodeLens[] {
  const lens = (title: string, command = '', icon?: string): CodeLens => ({
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    command: {
      title: icon !== undefined && client.codicons ? `$(${icon}) ${title}` : title,
      command: client.clientCommands ? command : '',
    },
  });
  const lenses: CodeLens[] = [];
  if (file.environment && client.clientCommands)
    lenses.push(
      file.environment === 'development'
        ? lens('Sync to development (+ eval)', Commands.sync, 'cloud-upload')
        : lens('Deploy to production', Commands.deploy, 'rocket'),
    );
  else if (file.environment)
    lenses.push(lens(file.environment === 'development' ? 'Feeds development (+ eval)' : 'Feeds production'));
  const remote = file.environment ? project.remote[file.environment] : undefined;
  if (remote && remote.state !== 'unknown') {
    const notOnServer = [...file.keys.keys()].filter((key) => !remote.names.has(key)).length;
    const remoteOnly = [...remote.names].filter((key) => !file.keys.has(key)).length;
    lenses.push(
      lens(
        `${countOf(notOnServer, 'key')} not on the server yet · ${remoteOnly} remote-only kept (${describeRemote(remote)})`,
        Commands.showStatus,
      ),
    );
  }
  // Value cloaking is our client's own feature: there is nothing to toggle elsewhere.
  if (client.clientCommands) lenses.push(lens('Show / hide values', Commands.toggleCloak, 'eye-closed'));
  return lenses;
}
