import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { symlinkSync } from 'node:fs';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { testStateDir } from '../support/stateDir';
import { startServer } from '../support/apiHelpers';
import { CLI_JS, runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// `struere-secrets mcp` over real stdio, driven by the SDK's own client: the tool names are a contract, every
// answer carries names, states and paths but no value in any form, bad input is a tool error, and the server
// ends when its stdin closes.

/** Canary values: random, so no fixed string in the code can match by chance. */
const canary = (tag: string) => `cnry${tag}${randomBytes(8).toString('hex')}`;
const VALUES = {
  PLAIN: canary('plain'),
  QUOTED: canary('quoted'),
  DB_PASSWORD: `Zp9${canary('db')}Qx7`,
  BROKEN: canary('broken'),
  PROD_ONLY: canary('prod'),
  REMOTE: canary('remote'),
};
const API_KEY = `sk_dev_${canary('apikey')}`;

/** Every form a value must not take in a result: itself, a prefix or suffix, its hashes, its base64. */
function valueForms(value: string): Record<string, string> {
  const sha256 = createHash('sha256').update(value).digest('hex');
  return {
    value,
    prefix: value.slice(0, 12),
    suffix: value.slice(-12),
    sha256,
    'sha256 prefix': sha256.slice(0, 16),
    base64: Buffer.from(value).toString('base64').replace(/=+$/, ''),
  };
}

/** Names of each canary form found in `text`: "PLAIN sha256", …; empty when clean. */
function canariesIn(text: string): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries({ ...VALUES, API_KEY }))
    for (const [form, shape] of Object.entries(valueForms(value)))
      if (text.includes(shape)) found.push(`${name} ${form}`);
  return found;
}

/** Property names that would say a value's shape ("length": 40, "hash": …), anywhere in a result. */
function shapeProperties(result: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object')
      for (const [name, child] of Object.entries(node)) {
        if (/^(value|length|hash|sha256|prefix|digest)$/i.test(name)) found.push(name);
        visit(child);
      }
  };
  visit(result);
  return found;
}

function project() {
  return tempWorkspace({
    'struere.json': '{"name":"canaried"}',
    '.gitignore': '.env*\n',
    '.env.development': [
      `PLAIN=${VALUES.PLAIN}`,
      `QUOTED="${VALUES.QUOTED}"`,
      `DB_PASSWORD=${VALUES.DB_PASSWORD}`,
      `1BAD=${VALUES.BROKEN}`,
      `${VALUES.BROKEN} is not a line`,
      '',
    ].join('\n'),
    '.env.production': `PLAIN=${VALUES.PLAIN}\nPROD_ONLY=${VALUES.PROD_ONLY}\n`,
    'agents/support.md': 'Use {{secrets.PLAIN}} and {{secrets.NOT_SET}}.\n',
    'tools/lookup.ts': 'export const f = (context) => context.secrets.QUOTED + context.secrets["PROD_ONLY"];\n',
    'docs/notes.md': `The database password is ${VALUES.DB_PASSWORD}\n`,
  });
}

interface ToolCall {
  name: string;
  arguments?: Record<string, unknown>;
}

interface ToolAnswer {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

/** A client on `mcp DIR`; every tool result it gets is kept in `results` for the canary sweep. */
async function connect(
  t: { after: (fn: () => Promise<void>) => void },
  dir: string,
  env: Record<string, string> = {},
): Promise<{ call(request: ToolCall): Promise<ToolAnswer>; client: Client; results: unknown[]; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI_JS, 'mcp', dir],
    // The state folder of this test process (test/support/stateDir.ts): secrets_plan opens the sync journal.
    env: { PATH: process.env.PATH ?? '', STRUERE_SECRETS_STATE_DIR: testStateDir(), ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'struere-test', version: '0.0.0' });
  await client.connect(transport);
  t.after(() => client.close());
  const results: unknown[] = [];
  return {
    client,
    results,
    stderr: () => stderr,
    call: async (request) => {
      const answer = (await client.callTool(request)) as ToolAnswer;
      results.push(answer);
      return answer;
    },
  };
}

const textOf = (answer: ToolAnswer) => answer.content.map((part) => part.text ?? '').join('\n');

void test('mcp lists exactly the contracted tools', async (t) => {
  const workspace = project();
  t.after(() => workspace.dispose());
  const { client } = await connect(t, workspace.dir);
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((tool) => tool.name).sort(), [
    'secrets_check',
    'secrets_plan',
    'secrets_request',
    'secrets_status',
  ]);
});

void test('mcp tools answer with names, states and paths, and no canary in any form reaches a result', async (t) => {
  const workspace = project();
  t.after(() => workspace.dispose());
  const { call, results } = await connect(t, workspace.dir);

  const status = await call({ name: 'secrets_status' });
  assert.equal(status.isError, undefined, textOf(status));
  const [statusProject] = (status.structuredContent as { projects: StatusProject[] }).projects;
  const row = (key: string) => statusProject!.keys.find((candidate) => candidate.key === key)!;
  assert.deepEqual(row('PLAIN').referencedIn, ['agents/support.md']);
  assert.deepEqual(row('PLAIN').environments.development, { local: true, remote: 'unknown' });
  assert.deepEqual(row('PROD_ONLY').environments.development, { local: false, remote: 'unknown' });
  assert.deepEqual(row('NOT_SET').environments.production, { local: false, remote: 'unknown' });
  assert.equal(
    statusProject!.keys.some((candidate) => candidate.key === '1BAD'),
    false,
  );
  assert.match(textOf(status), /NOT_SET: agents\/support\.md/);

  const check = await call({ name: 'secrets_check' });
  assert.equal(check.isError, undefined, textOf(check));
  const codes = new Set(
    (check.structuredContent as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code),
  );
  for (const code of ['invalid-key', 'malformed-line', 'missing-secret', 'leaked-value'])
    assert.ok(codes.has(code), `check reports ${code}: ${[...codes].join(', ')}`);

  const production = await call({ name: 'secrets_check', arguments: { paths: ['tools'], environment: 'production' } });
  const files = (production.structuredContent as { diagnostics: { file: string; code: string }[] }).diagnostics;
  assert.ok(
    files.every((d) => d.file.startsWith('tools/')),
    JSON.stringify(files.map((d) => d.file)),
  );
  assert.equal((production.structuredContent as { environment: string }).environment, 'production');

  const request = await call({
    name: 'secrets_request',
    arguments: { key: 'NOT_SET', environment: 'eval', reason: 'the support prompt needs it' },
  });
  assert.equal(request.isError, undefined, textOf(request));
  assert.match(textOf(request), /struere-secrets set NOT_SET --env development/);
  assert.match(textOf(request), /Struere: Set Secret…/);

  // Without a key the plan is refused; the refusal names lines and keys, not values.
  const plan = await call({ name: 'secrets_plan' });
  assert.equal(plan.isError, undefined, textOf(plan));
  assert.equal((plan.structuredContent as { projects: { outcome: string }[] }).projects[0]!.outcome, 'refused');

  // A value passed where a key goes (an agent pasting it) is described, never repeated.
  const pasted = await call({
    name: 'secrets_request',
    arguments: { key: VALUES.PLAIN.replace('cnry', 'cnry-'), environment: 'development', reason: 'x' },
  });
  assert.equal(pasted.isError, true);
  assert.match(textOf(pasted), /not a valid secret name/);
  assert.ok(!textOf(pasted).includes('cnry-'), 'the bad key is not echoed');

  const sweep = results.map((answer) => ({
    canaries: canariesIn(JSON.stringify(answer)),
    shapes: shapeProperties(answer),
  }));
  assert.deepEqual(
    sweep.filter((found) => found.canaries.length > 0 || found.shapes.length > 0),
    [],
    'no tool result carries a value, a part of one, its hash or its shape',
  );
  // Control: the same sweep over a real result with a value's hash planted in it finds it.
  const planted = structuredClone(status) as unknown as { structuredContent: { projects: StatusProject[] } };
  planted.structuredContent.projects[0]!.keys[0]!.referencedIn.push(valueForms(VALUES.QUOTED).sha256);
  assert.deepEqual(canariesIn(JSON.stringify(planted)), ['QUOTED sha256', 'QUOTED sha256 prefix']);
});

void test('the canary sweep catches a planted value in every form (control)', () => {
  const clean = JSON.stringify({ content: [{ type: 'text', text: 'PLAIN is set in development' }] });
  assert.deepEqual(canariesIn(clean), []);
  for (const [form, shape] of Object.entries(valueForms(VALUES.DB_PASSWORD)))
    assert.ok(canariesIn(clean.replace('is set', `is ${shape}`)).includes(`DB_PASSWORD ${form}`), form);
  assert.deepEqual(shapeProperties({ structuredContent: { keys: [{ key: 'A', length: 40 }] } }), ['length']);
});

void test('mcp refuses paths outside DIR and wrong argument types as tool errors, and keeps answering', async (t) => {
  const workspace = project();
  const elsewhere = tempWorkspace({ 'struere.json': '{}', '.env.development': `PLAIN=${VALUES.PLAIN}\n` });
  t.after(() => {
    workspace.dispose();
    elsewhere.dispose();
  });
  symlinkSync(elsewhere.dir, workspace.path('linked'));
  const { call, results } = await connect(t, workspace.dir);

  for (const paths of [['..'], [elsewhere.dir], ['linked'], ['linked/.env.development'], ['does/not/exist']]) {
    const answer = await call({ name: 'secrets_check', arguments: { paths } });
    assert.equal(answer.isError, true, `${paths[0]}: ${textOf(answer)}`);
  }
  const wrongTypes: ToolCall[] = [
    { name: 'secrets_check', arguments: { paths: 'agents' } },
    { name: 'secrets_check', arguments: { paths: [42] } },
    { name: 'secrets_check', arguments: { environment: 'staging' } },
    // A value pasted into a field the schema rejects is not repeated in the error either.
    { name: 'secrets_check', arguments: { environment: VALUES.PLAIN } },
    { name: 'secrets_request', arguments: { key: 'A', environment: VALUES.QUOTED, reason: 'x' } },
    { name: 'secrets_request', arguments: { key: 7, environment: 'development', reason: 'x' } },
    { name: 'secrets_request', arguments: { key: 'A', environment: 'development' } },
    { name: 'secrets_request', arguments: { key: 'A', environment: 'development', reason: 'x'.repeat(100_000) } },
    { name: 'secrets_nonexistent', arguments: {} },
  ];
  for (const request of wrongTypes) {
    const answer = await call(request);
    assert.equal(answer.isError, true, `${JSON.stringify(request).slice(0, 120)}: ${textOf(answer).slice(0, 200)}`);
  }
  const after = await call({ name: 'secrets_status' });
  assert.equal(after.isError, undefined, 'the server still answers');
  assert.deepEqual(results.map((answer) => canariesIn(JSON.stringify(answer))).flat(), []);
});

void test('mcp checks paths inside a project under DIR and refuses those in none', async (t) => {
  const workspace = tempWorkspace({
    'app/struere.json': '{"name":"app"}',
    'app/.gitignore': '.env*\n',
    'app/.env.development': `PLAIN=${VALUES.PLAIN}\n`,
    'app/agents/support.md': 'Use {{secrets.NOT_SET}}.\n',
    'scratch/notes.md': 'no project here\n',
  });
  t.after(() => workspace.dispose());
  const { call, results } = await connect(t, workspace.dir);
  for (const paths of [['app'], ['app/agents'], ['app/agents/support.md']]) {
    const answer = await call({ name: 'secrets_check', arguments: { paths } });
    assert.equal(answer.isError, undefined, `${paths[0]}: ${textOf(answer)}`);
    const diagnostics = (answer.structuredContent as { diagnostics: { file: string; code: string }[] }).diagnostics;
    assert.ok(
      diagnostics.some((d) => d.file === 'app/agents/support.md' && d.code === 'missing-secret'),
      paths[0],
    );
  }
  for (const paths of [['scratch'], ['scratch/notes.md'], ['app', 'scratch']]) {
    const answer = await call({ name: 'secrets_check', arguments: { paths } });
    assert.equal(answer.isError, true, paths.join());
    assert.match(textOf(answer), /not in a Struere project of the workspace: scratch/);
  }
  // DIR inside a project: the project lies above DIR, so its files are outside too.
  const inner = await connect(t, workspace.path('app/agents'));
  const above = await inner.call({ name: 'secrets_check', arguments: { paths: ['support.md'] } });
  assert.equal(above.isError, true, textOf(above));
  assert.deepEqual([...results, ...inner.results].map((answer) => canariesIn(JSON.stringify(answer))).flat(), []);
});

void test('mcp writes nothing but protocol on stdout and exits 0 when stdin closes', async (t) => {
  const workspace = project();
  t.after(() => workspace.dispose());
  const initialize = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
  };
  // runCli ends stdin after the input: the server must answer, then exit on its own. limitMs only bounds a hang.
  const result = await runCli(['mcp', workspace.dir], { input: `${JSON.stringify(initialize)}\n`, limitMs: 60_000 });
  assert.equal(result.hung, undefined, 'the server exits when stdin closes');
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1);
  const response = JSON.parse(lines[0]!) as { id: number; result: { serverInfo: { name: string } } };
  assert.equal(response.id, 1);
  assert.equal(response.result.serverInfo.name, 'struere-secrets');
});

void test('mcp refuses a non-default, non-loopback STRUERE_API_URL before starting', async (t) => {
  const workspace = project();
  t.after(() => workspace.dispose());
  for (const url of ['https://api.example.com', 'https://user:pw@api.struere.dev.example.com', 'not a url']) {
    const result = await runCli(['mcp', workspace.dir], { env: { STRUERE_API_URL: url, STRUERE_API_KEY: API_KEY } });
    assert.equal(result.code, 2, url);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /mcp refuses STRUERE_API_URL/);
    assert.ok(!result.stderr.includes('example.com') && !result.stderr.includes('pw@'), 'the URL is not repeated');
    assert.deepEqual(canariesIn(result.stderr), []);
  }
  // Control: the default, given explicitly, starts and ends with its stdin.
  const explicitDefault = await runCli(['mcp', workspace.dir], {
    env: { STRUERE_API_URL: 'https://api.struere.dev' },
    limitMs: 60_000,
  });
  assert.equal(explicitDefault.code, 0, explicitDefault.stderr);
});

void test('mcp takes a loopback STRUERE_API_URL: the local API fills the platform column', async (t) => {
  const server = await startServer(t, { apiKeys: [API_KEY] });
  server.store.apply(['development', 'eval'], [{ key: 'REMOTE_ONLY', value: VALUES.REMOTE }]);
  const workspace = project();
  t.after(() => workspace.dispose());
  const { call, results, stderr } = await connect(t, workspace.dir, {
    STRUERE_API_URL: server.url,
    STRUERE_API_KEY: API_KEY,
  });
  const status = await call({ name: 'secrets_status' });
  assert.equal(status.isError, undefined, textOf(status));
  const [statusProject] = (status.structuredContent as { projects: StatusProject[] }).projects;
  assert.equal(statusProject!.remote.development!.state, 'fresh');
  const remoteOnly = statusProject!.keys.find((row) => row.key === 'REMOTE_ONLY');
  assert.deepEqual(remoteOnly?.environments.development, { local: false, remote: 'yes' });
  const check = await call({ name: 'secrets_check' });
  assert.equal(check.isError, undefined, textOf(check));
  assert.deepEqual(results.map((answer) => canariesIn(JSON.stringify(answer))).flat(), []);
  assert.deepEqual(canariesIn(stderr()), []);
  assert.ok(server.log.entries().length > 0, 'the local API was asked');
});

interface StatusProject {
  remote: Record<string, { state: string }>;
  keys: {
    key: string;
    referencedIn: string[];
    environments: Record<string, { local: boolean; remote: string }>;
  }[];
}

void test('secrets_plan is a dry run against the local API: names to create, update and keep, nothing sent', async (t) => {
  const server = await startServer(t, { apiKeys: [API_KEY] });
  server.store.apply(
    ['development', 'eval'],
    [
      { key: 'PLAIN', value: VALUES.REMOTE },
      { key: 'REMOTE_ONLY', value: VALUES.REMOTE },
    ],
  );
  const workspace = tempWorkspace({
    'struere.json': '{"name":"clean"}',
    '.gitignore': '.env*\n',
    '.env.development': `PLAIN=${VALUES.PLAIN}\nQUOTED="${VALUES.QUOTED}"\n`,
  });
  const broken = project();
  t.after(() => {
    workspace.dispose();
    broken.dispose();
  });
  const env = { STRUERE_API_URL: server.url, STRUERE_API_KEY: API_KEY };
  const { call, results } = await connect(t, workspace.dir, env);
  const plan = await call({ name: 'secrets_plan', arguments: { environment: 'development' } });
  assert.equal(plan.isError, undefined, textOf(plan));
  assert.deepEqual((plan.structuredContent as { projects: unknown[] }).projects, [
    // PLAIN was never written from this machine: unverified, which a sync sends only when named.
    {
      path: '.',
      outcome: 'planned',
      create: ['QUOTED'],
      update: [],
      remoteOnly: ['REMOTE_ONLY'],
      misread: [],
      unverified: ['PLAIN'],
    },
  ]);
  assert.match(
    textOf(plan),
    /1 to create \(QUOTED\), 0 to update, 1 remote-only kept \(REMOTE_ONLY\), 0 misread by dotenv, 1 unverified \(PLAIN\)/,
  );
  // Nothing was sent: only listings reached the API, and the platform still holds its own value.
  assert.deepEqual(
    server.log.entries().filter((entry) => entry.method !== 'GET'),
    [],
  );
  // assert.ok, not assert.equal: a failure names the key, never prints a value.
  assert.ok(server.store.get('development', 'PLAIN') === VALUES.REMOTE, 'PLAIN on the platform is unchanged');
  assert.ok(!server.store.has('development', 'QUOTED'), 'QUOTED was not created');

  // A file with blocking diagnostics: refused, naming lines, never values; a production key is missing.
  const other = await connect(t, broken.dir, env);
  const refused = await other.call({ name: 'secrets_plan' });
  assert.equal((refused.structuredContent as { projects: { outcome: string }[] }).projects[0]!.outcome, 'refused');
  const production = await other.call({ name: 'secrets_plan', arguments: { environment: 'production' } });
  assert.equal((production.structuredContent as { projects: { outcome: string }[] }).projects[0]!.outcome, 'refused');
  const wrong = await other.call({ name: 'secrets_plan', arguments: { environment: 'eval' } });
  assert.equal(wrong.isError, true);
  assert.deepEqual([...results, ...other.results].map((answer) => canariesIn(JSON.stringify(answer))).flat(), []);
});
