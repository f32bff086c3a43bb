import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ENVIRONMENTS } from '../../engine/core/environments';
import { DEFAULT_SETTINGS } from '../../engine/core/settings';
import { openSecretsService } from '../../engine/host/serviceHost';
import { WorkspaceHost } from '../../engine/host/workspaceHost';
import { apiSettingsFrom } from './apiSettings';
import { collectDiagnostics, formatDiagnosticsText } from './diagnosticsReport';
import { CliUsageError, oneOf, type CliIo } from './io';
import { fillRemoteNames } from './remoteNames';

export interface CheckOptions {
  dir: string;
  env: string | undefined;
  format: string | undefined;
}

/** `check`: every diagnostic of every project under DIR; exit 1 when any is an error. */
export async function runCheck(options: CheckOptions, io: CliIo): Promise<number> {
  const environment = oneOf('env', options.env, ENVIRONMENTS, 'development');
  const format = oneOf('format', options.format, ['text', 'json'] as const, 'text');
  const root = path.resolve(options.dir);
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new CliUsageError(`${options.dir} is not a folder`);

  const settings = { ...DEFAULT_SETTINGS, environment };
  const host = new WorkspaceHost(settings);
  await host.loadFolder(root);
  const projects = host.index.allProjects().length;
  if (projects === 0) {
    io.err(`struere-secrets: no Struere project (struere.json) under ${options.dir}`);
    return 1;
  }
  // "Set" means local ∪ remote, as in the editor: with a key the remote lists count, without one they are unknown.
  const service = openSecretsService(host);
  service.configure(settings);
  await fillRemoteNames(service, apiSettingsFrom(io.env), io, root);
  const diagnostics = collectDiagnostics(service, root);
  io.out(
    format === 'json'
      ? JSON.stringify({ diagnostics }, null, 2)
      : formatDiagnosticsText(diagnostics, environment, projects),
  );
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error') ? 1 : 0;
}
