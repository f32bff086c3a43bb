import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { startServer } from '../support/apiHelpers';

// The CLI as its own npm package: packed by `npm run pack:cli`'s script, installed from the tarball into an
// empty folder with a fresh npm cache and the registry pointed at a closed loopback port, so the install can only
// succeed if it needs nothing from a registry; then run there with npx as the README says.

const ROOT = path.resolve(__dirname, '../..');

function run(command: string, args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
  });
  if (result.error) throw result.error;
  return result;
}

void test('the packed CLI installs offline with no dependency and `npx struere-secrets check` works there', async (t) => {
  const work = mkdtempSync(path.join(tmpdir(), 'struere-cli-package-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const out = path.join(work, 'artifacts');
  const packed = run(process.execPath, [path.join(ROOT, 'scripts/packCli.mjs'), '--out', out], { cwd: ROOT });
  assert.equal(packed.status, 0, packed.stderr);
  const [tarball] = readdirSync(out);
  assert.match(tarball!, /^struere-secrets-\d+\.\d+\.\d+\.tgz$/);

  // A registry that refuses every connection, an empty cache, no retries: any fetch fails the install at once.
  const closed = await startServer(t);
  const registry = `${closed.url}/`;
  await closed.close();
  const npmEnv = {
    npm_config_registry: registry,
    npm_config_cache: path.join(work, 'npm-cache'),
    npm_config_fetch_retries: '0',
    npm_config_update_notifier: 'false',
  };
  const project = path.join(work, 'project');
  cpSync(path.join(ROOT, 'examples/support-agent'), project, { recursive: true });
  const installed = run('npm', ['install', '--no-audit', '--no-fund', path.join(out, tarball!)], {
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
  assert.deepEqual(Object.keys(manifest.bin), ['struere-secrets']);

  const check = run('npx', ['struere-secrets', 'check', '--env', 'production'], { cwd: project, env: npmEnv });
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /agents\/billing\.ts\n.*SANDBOX_CUSTOMER_ID is not set in production/);
  assert.match(check.stdout, /✖ \d+ problems \(0 errors, 1 warning, \d+ info\) \(1 project, environment production\)/);

  // Control: the same install with a dependency that must come from the registry fails, so the guard is real.
  const guarded = run('npm', ['install', '--no-audit', '--no-fund', 'left-pad@1.3.0'], { cwd: project, env: npmEnv });
  assert.notEqual(guarded.status, 0);
});
