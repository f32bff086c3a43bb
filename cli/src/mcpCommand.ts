import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { version } from '../../package.json';
import { agentApiSettingsFrom } from './apiSettings';
import { CliUsageError, type CliIo } from './io';
import { registerSecretsTools } from './mcpTools';
import type { RequestLimits } from './requestLimits';

export interface McpOptions {
  dir: string;
  limits?: RequestLimits;
}

const INSTRUCTIONS =
  'Struere secrets of this workspace by name: what is set where (secrets_status), what is wrong (secrets_check), and asking the human for a value (secrets_request). No tool returns a value; never ask for one in the chat.';

/**
 * `mcp`: an MCP server over stdio for AI agents, with the tools of mcpTools.ts on the projects under DIR. stdout
 * carries the protocol alone (any log goes to stderr); the server ends when its client closes stdin. The API
 * settings are checked before anything starts (agentApiSettingsFrom).
 */
export async function runMcp(options: McpOptions, io: CliIo): Promise<number> {
  const api = agentApiSettingsFrom(io.env);
  const root = await realFolder(options.dir);
  keepStdoutForProtocol();
  const server = new McpServer({ name: 'struere-secrets', version }, { instructions: INSTRUCTIONS });
  registerSecretsTools(server, {
    root,
    api,
    io: { ...io, out: io.err },
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const ended = sessionEnded(io.signal);
  await server.connect(new StdioServerTransport());
  await ended;
  await server.close();
  return 0;
}

/** DIR with its links resolved, so "inside DIR" compares real paths. */
async function realFolder(dir: string): Promise<string> {
  const real = await fs.realpath(path.resolve(dir)).catch(() => undefined);
  const stat = real === undefined ? undefined : await fs.stat(real);
  if (real === undefined || !stat?.isDirectory()) throw new CliUsageError(`${dir} is not a folder`);
  return real;
}

/**
 * Resolves when the client closes our stdin (the MCP stdio transport's end of a session) or on Ctrl-C: unlike a
 * sync, the server has nothing in flight worth finishing.
 */
function sessionEnded(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** A stray console.log from any dependency would corrupt the protocol stream: all console output goes to stderr. */
function keepStdoutForProtocol(): void {
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
}
