import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { createLocalApiServer } from '../../local-api/server';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

// The CLI as its own npm package: packed by `npm run pack:cli`'s script, installed from the tarball into an
// empty folder with a fresh npm cache and the registry pointed at a closed loopback port, so the install can only
// succeed if it needs nothing from a registry; then run there with npx as the README says. The language server
// in the same package is started from a global install, with the command lines the README's editor snippets give.

const ROOT = path.resolve(__dirname, '../..');
const WORK = mkdtempSync(path.join(tmpdir(), 'struere-cli-package-'));
after(() => rmSync(WORK, { recursive: true, force: true }));

function run(command: string, args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
  });
  if (result.error) throw result.error;
  return result;
}

/** Packs once for every test here: the tarball's path, and npm settings that make any registry fetch fail. */
const packedOnce = (async () => {
  const out = path.join(WORK, 'artifacts');
  const packed = run(process.execPath, [path.join(ROOT, 'scripts/packCli.mjs'), '--out', out], { cwd: ROOT });
  assert.equal(packed.status, 0, packed.stderr);
  const [tarball] = readdirSync(out);
  assert.match(tarball!, /^struere-secrets-\d+\.\d+\.\d+\.tgz$/);
  // A registry that refuses every connection, an empty cache, no retries: any fetch fails the install at once.
  const closed = await createLocalApiServer();
  const registry = `${closed.url}/`;
  await closed.close();
  const npmEnv = {
    npm_config_registry: registry,
    npm_config_cache: path.join(WORK, 'npm-cache'),
    npm_config_fetch_retries: '0',
    npm_config_update_notifier: 'false',
  };
  return { tarball: path.join(out, tarball!), npmEnv };
})();
packedOnce.catch(() => undefined); // reported by the tests that await it

void test('the packed CLI installs offline with no dependency and `npx struere-secrets check` works there', async () => {
  const { tarball, npmEnv } = await packedOnce;
  const project = path.join(WORK, 'project');
  cpSync(path.join(ROOT, 'examples/support-agent'), project, { recursive: true });
  const installed = run('npm', ['install', '--no-audit', '--no-fund', tarball], {
    cwd: project,
    env: npmEnv,
  });
  assert.equal(installed.status, 0, installed.stderr);
  assert.deepEqual(
    readdirSync(path.join(project, 'node_modules')).filter((name) => !name.startsWith('.')),
    ['struere-secrets'],
  );
  const manifest = JSON.parse(
    run(process.execPath, ['-p', 'JSON.stringify(require("struere-secrets/package.json"))'], { cwd: project }).stdout,
  ) as {
    engines: { node: string };
    bin: Record<string, string>;
    dependencies?: unknown;
    license: string;
    repository: { url: string };
  };
  assert.equal(manifest.dependencies, undefined);
  assert.equal(manifest.license, 'MIT');
  assert.match(manifest.repository.url, /^https:\/\/github\.com\//);
  assert.equal(manifest.engines.node, '>=20');
  assert.deepEqual(manifest.bin, { 'struere-secrets': 'cli.js', 'struere-secrets-lsp': 'server.js' });

  const check = run('npx', ['struere-secrets', 'check', '--env', 'production'], { cwd: project, env: npmEnv });
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /agents\/billing\.ts\n.*SANDBOX_CUSTOMER_ID is not set in production/);
  assert.match(check.stdout, /✖ \d+ problems \(0 errors, 1 warning, \d+ info\) \(1 project, environment production\)/);

  // Control: the same install with a dependency that must come from the registry fails, so the guard is real.
  const guarded = run('npm', ['install', '--no-audit', '--no-fund', 'left-pad@1.3.0'], { cwd: project, env: npmEnv });
  assert.notEqual(guarded.status, 0);
});

/** The command lines of the README's editor snippets ("Other editors"), each parsed the way its editor reads it. */
function editorCommandLines(): Record<string, string[]> {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const snippet = (editor: string): string => {
    const block = new RegExp(`<!-- lsp-config: ${editor} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(readme);
    assert.ok(block, `README.md has no ${editor} snippet`);
    return block[1]!;
  };
  const luaCmd = (lua: string): string[] => {
    const cmd = /\bcmd = \{([^}]*)\}/.exec(lua);
    assert.ok(cmd, 'no cmd = { … } in the Lua snippet');
    return [...cmd[1]!.matchAll(/'([^']*)'/g)].map((match) => match[1]!);
  };
  const helix = snippet('helix');
  const server = /\[language-server\.struere-secrets\]\ncommand = (".*")\nargs = (\[.*\])/.exec(helix);
  assert.ok(server, 'no [language-server.struere-secrets] table in the Helix snippet');
  const zed = JSON.parse(snippet('zed')) as { lsp: Record<string, { binary: { path: string; arguments: string[] } }> };
  const { binary } = zed.lsp['struere-secrets']!;
  return {
    'neovim 0.11': luaCmd(snippet('neovim')),
    'nvim-lspconfig': luaCmd(snippet('nvim-lspconfig')),
    helix: [JSON.parse(server[1]!) as string, ...(JSON.parse(server[2]!) as string[])],
    zed: [binary.path, ...binary.arguments],
  };
}

void test('the language server runs from the installed package with the command line of every editor snippet', async (t) => {
  const { tarball, npmEnv } = await packedOnce;
  // A global install, as the README says, into a prefix of its own; PATH holds its bin folder and node only.
  const prefix = path.join(WORK, 'global');
  const installed = run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', tarball], {
    cwd: WORK,
    env: npmEnv,
  });
  assert.equal(installed.status, 0, installed.stderr);
  const env = { ...process.env, PATH: [path.join(prefix, 'bin'), path.dirname(process.execPath)].join(path.delimiter) };

  const commands = editorCommandLines();
  assert.deepEqual(Object.keys(commands), ['neovim 0.11', 'nvim-lspconfig', 'helix', 'zed']);
  const distinct = [...new Set(Object.values(commands).map((line) => JSON.stringify(line)))];
  assert.deepEqual(distinct, [JSON.stringify(['struere-secrets-lsp', '--stdio'])], JSON.stringify(commands));
  const command = JSON.parse(distinct[0]!) as string[];

  const ws = tempWorkspace({
    'struere.json': '{}',
    '.env.development': 'PRESENT_KEY=1\n',
    'prompts/welcome.md': 'Hello {{secrets.PRESENT_KEY}} and {{secrets.ABSENT_KEY}}\n',
  });
  t.after(() => ws.dispose());
  const client = await LspTestClient.start({ folders: [ws.dir], command, env, waitLimitMs: 30_000 });
  try {
    const uri = fileUri(ws.path('prompts/welcome.md'));
    await client.open(uri, 'Hello {{secrets.PRESENT_KEY}} and {{secrets.ABSENT_KEY}}\n', 'markdown');
    const diagnostics = await client.waitForDiagnostics(uri, (list) => list.length > 0);
    assert.deepEqual(
      diagnostics.map(({ code, range }) => ({ code, line: range.start.line })),
      [{ code: 'missing-secret', line: 0 }],
    );
    assert.match(String(diagnostics[0]!.message), /ABSENT_KEY/);
  } finally {
    await client.stop();
  }
  // shutdown, then exit: the server ends by itself, with 0 (LSP: exit after shutdown).
  assert.equal(client.process.exitCode, 0, client.stderr.join(''));

  // Control: the same start with a command that is not the server (the CLI's bin) fails, so the start above is real.
  await assert.rejects(
    LspTestClient.start({ folders: [ws.dir], command: ['struere-secrets', '--stdio'], env, waitLimitMs: 30_000 }),
    /the server exited \(2\) before answering initialize/,
  );
});
