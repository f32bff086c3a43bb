import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { apiSettingsFrom } from '../../cli/src/apiSettings';
import { registerSecretsTools } from '../../cli/src/mcpTools';
import { AGENT_TOOL_NAMES } from '../../engine/tools';

// The editor's language model tools and `struere-secrets mcp` are one contract: package.json's
// `contributes.languageModelTools` must name exactly the MCP server's tools, with the same input schemas (what an
// agent may pass), so an agent moving between Copilot's agent mode and another MCP client calls the same tools.

const ROOT = path.join(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { languageModelTools: Contribution[] };
};

interface Contribution {
  name: string;
  displayName?: string;
  modelDescription?: string;
  inputSchema?: Record<string, unknown>;
  [field: string]: unknown;
}

/** The MCP server's tools as its client sees them (tools/list), in process. */
async function mcpTools(): Promise<{ name: string; inputSchema: Record<string, unknown> }[]> {
  const server = new McpServer({ name: 'struere-secrets', version: '0.0.0' });
  const io = { out: () => undefined, err: () => undefined, env: {} };
  registerSecretsTools(server, { root: ROOT, api: apiSettingsFrom({}), io: io as never });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'manifest-test', version: '0.0.0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  try {
    return (await client.listTools()).tools;
  } finally {
    await client.close();
  }
}

/** A schema without the dialect marker the SDK adds: what remains is what an argument must satisfy. */
function withoutDialect(schema: Record<string, unknown> | undefined): unknown {
  if (schema === undefined) return undefined;
  return Object.fromEntries(Object.entries(schema).filter(([field]) => field !== '$schema'));
}

/** Every way the contribution differs from the MCP tools; empty when they agree. */
function differences(
  contributed: readonly Contribution[],
  served: readonly { name: string; inputSchema: Record<string, unknown> }[],
): string[] {
  const problems: string[] = [];
  const names = (list: readonly { name: string }[]) => list.map((tool) => tool.name).sort();
  if (JSON.stringify(names(contributed)) !== JSON.stringify(names(served)))
    problems.push(`names: package.json ${names(contributed).join(',')} ≠ mcp ${names(served).join(',')}`);
  for (const tool of served) {
    const own = contributed.find((each) => each.name === tool.name);
    if (own === undefined) continue;
    try {
      assert.deepStrictEqual(withoutDialect(own.inputSchema), withoutDialect(tool.inputSchema));
    } catch {
      problems.push(`${tool.name}: inputSchema differs from the MCP tool's`);
    }
    for (const field of ['displayName', 'modelDescription', 'userDescription', 'toolReferenceName'])
      if (typeof own[field] !== 'string' || (own[field] as string).trim() === '')
        problems.push(`${tool.name}: no ${field}`);
  }
  return problems;
}

test('package.json contributes exactly the MCP tools, with the same input schemas', async () => {
  const served = await mcpTools();
  assert.deepEqual(served.map((tool) => tool.name).sort(), [...AGENT_TOOL_NAMES].sort());
  assert.deepEqual(differences(manifest.contributes.languageModelTools, served), []);
});

test('control: a missing tool, a loosened bound or a missing description is each caught', async () => {
  const served = await mcpTools();
  const contributed = manifest.contributes.languageModelTools;
  const clone = () => JSON.parse(JSON.stringify(contributed)) as Contribution[];

  const missing = clone().filter((tool) => tool.name !== 'secrets_plan');
  assert.match(differences(missing, served).join('\n'), /names:/);

  const loosened = clone();
  const request = loosened.find((tool) => tool.name === 'secrets_request')!;
  (request.inputSchema!.properties as { key: { maxLength: number } }).key.maxLength = 1_000_000;
  assert.match(differences(loosened, served).join('\n'), /secrets_request: inputSchema differs/);

  const undescribed = clone();
  delete undescribed.find((tool) => tool.name === 'secrets_check')!.modelDescription;
  assert.match(differences(undescribed, served).join('\n'), /secrets_check: no modelDescription/);
});
