// `npm run test:electron`: the core scenarios in desktop VS Code through @vscode/test-electron, on the
// minimum VS Code that package.json's engines.vscode allows and on the latest stable.
//
// Needs what a contributor's laptop or a hosted CI has: network access to download VS Code, and a display
// (on Linux without one: `xvfb-run -a npm run test:electron`). Where VS Code cannot be downloaded (these
// machines reach only the npm registry and Debian), it says so plainly and exits non-zero without claiming
// any result. It is not part of `npm test`; the real-editor suite there is `npm run test:e2e`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { build } from 'esbuild';
import { errorText } from '../../engine/core/base/errorText';

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.join(ROOT, '.cache', 'electron');

function minimumVersion(): string {
  const range = (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { vscode: string } }
  ).engines.vscode;
  const m = /(\d+\.\d+\.\d+)/.exec(range);
  if (!m) throw new Error(`cannot read a minimum version from engines.vscode "${range}"`);
  return m[1];
}

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', timeout: 5 * 60_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

async function main(): Promise<number> {
  const versions = [minimumVersion(), 'stable'];
  const executables = new Map<string, string>();
  const unavailable: string[] = [];
  for (const version of versions) {
    try {
      executables.set(
        version,
        await downloadAndUnzipVSCode({ version, cachePath: path.join(CACHE, 'vscode-test'), timeout: 20_000 }),
      );
    } catch (error) {
      unavailable.push(`VS Code ${version}: ${errorText(error)}`);
    }
  }
  if (unavailable.length > 0) {
    console.error('test:electron could NOT run: desktop VS Code could not be downloaded here.');
    for (const line of unavailable) console.error(`  ${line}`);
    console.error(
      'Nothing was tested. Run it where VS Code can be downloaded (a laptop, a hosted CI); here use `npm run test:e2e`.',
    );
    return 2;
  }

  sh(process.execPath, ['esbuild.mjs']);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-electron-'));
  try {
    const suite = path.join(tmp, 'suite', 'index.js');
    await build({
      entryPoints: [path.join(__dirname, 'suite', 'index.ts')],
      outfile: suite,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      logLevel: 'warning',
    });
    let failures = 0;
    for (const version of versions) {
      const workspace = path.join(tmp, `workspace-${version}`, 'support-agent');
      fs.cpSync(path.join(ROOT, 'examples', 'support-agent'), workspace, { recursive: true });
      spawnSync('git', ['init', '-q'], { cwd: workspace });
      console.log(`\n[electron] VS Code ${version}`);
      try {
        await runTests({
          vscodeExecutablePath: executables.get(version),
          extensionDevelopmentPath: ROOT,
          extensionTestsPath: suite,
          launchArgs: [
            workspace,
            '--disable-extensions',
            '--disable-workspace-trust',
            '--user-data-dir',
            path.join(tmp, `user-data-${version}`),
          ],
        });
      } catch (error) {
        failures++;
        console.error(`[electron] VS Code ${version} failed: ${errorText(error)}`);
      }
    }
    console.log(`${versions.length - failures} passed, ${failures} failed`);
    return failures === 0 ? 0 : 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test:electron could not run: ${errorText(error)}`);
    process.exit(2);
  },
);
