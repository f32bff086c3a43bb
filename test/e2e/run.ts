// `npm run test:e2e`: provision (idempotent), build + package + install the extension once, then run every
// test/e2e/*.e2e.ts with node's test runner, one file at a time (the machine has 2 cores; each file drives
// a real code-server and Chromium). The runner's own summary (`ℹ pass N` / `ℹ fail N`) closes the output.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ARTIFACTS, buildAndPackage, prepareEditor, writeStateFile } from './harness';
import { errorText } from '../../engine/core/base/errorText';

const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

fs.rmSync(ARTIFACTS, { recursive: true, force: true });
fs.mkdirSync(ARTIFACTS, { recursive: true });
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-e2e-run-'));

let exitCode = 1;
try {
  console.log('[e2e] provisioning (test/e2e/provision.sh)…');
  const editor = prepareEditor();
  console.log(`[e2e] editor ready after ${seconds()} s; building and packaging the extension…`);
  let extensionError: string | undefined;
  let extension;
  try {
    extension = buildAndPackage(editor, runDir);
    console.log(`[e2e] packaged ${path.basename(extension.installedFolder)} after ${seconds()} s`);
  } catch (error) {
    extensionError = errorText(error);
    console.log(`[e2e] the extension could not be prepared; scenarios that need it will fail with:\n${extensionError}`);
  }
  const stateFile = path.join(runDir, 'state.json');
  writeStateFile(stateFile, { editor, extension, extensionError });

  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.e2e.ts'))
    .sort()
    .map((f) => path.join('test', 'e2e', f));
  const only = process.argv.slice(2);
  const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...selected],
    {
      cwd: path.resolve(__dirname, '..', '..'),
      stdio: 'inherit',
      env: { ...process.env, STRUERE_E2E_STATE: stateFile },
      // A bound for the whole run that grows with it: every wait inside a scenario has its own limit, this only
      // stops a runner that hangs. (A fixed 15 min cut a loaded machine's full run off inside scenario 14, which
      // alone takes 4–5 min.)
      timeout: (15 + selected.length * 4) * 60_000,
    },
  );
  exitCode = result.status ?? 1;
  if (result.error) console.error(`[e2e] test runner: ${result.error.message}`);
} catch (error) {
  console.error(`[e2e] ${errorText(error)}`);
} finally {
  fs.rmSync(runDir, { recursive: true, force: true });
  console.log(`[e2e] whole run took ${seconds()} s; screenshots in test/e2e/artifacts/`);
}
process.exit(exitCode);
