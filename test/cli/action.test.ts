import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { startServer } from '../support/apiHelpers';
import { CLI_JS } from '../support/runCli';

// The composite action as a runner would run it: action.yml is parsed and each step's `run` script is executed
// as written, with `${{ inputs.* }}` replaced as the runner does (defaults unless a case sets one), by bash with
// the runner's flags, in a temp checkout of the example project. Only the machine is stood in for: the global
// npm prefix is a temp folder, and the registry is a closed loopback port (the install must need none).

const ROOT = path.resolve(__dirname, '../..');

interface ActionStep {
  name: string;
  shell: string;
  run: string;
  env?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default: string }>;
  runs: { using: string; steps: ActionStep[] };
}

const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as Action;

/** `${{ inputs.NAME }}` → the input's value; any other expression would need a runner: the test refuses it. */
function substitute(text: string, inputs: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
    const match = /^inputs\.([\w-]+)$/.exec(expression);
    if (!match || !(match[1]! in inputs)) throw new Error(`action.yml uses \${{ ${expression} }}: not simulated`);
    return inputs[match[1]!]!;
  });
}

async function runAction(
  t: { after: (fn: () => void | Promise<void>) => void },
  overrides: Record<string, string>,
  edit?: (checkout: string) => void,
) {
  const work = mkdtempSync(path.join(tmpdir(), 'struere-action-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const checkout = path.join(work, 'checkout');
  cpSync(path.join(ROOT, 'examples/support-agent'), checkout, { recursive: true });
  edit?.(checkout);
  const closed = await startServer(t);
  await closed.close();
  const prefix = path.join(work, 'npm-global');
  const inputs = {
    ...Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, input.default])),
    ...overrides,
  };
  let stdout = '';
  for (const step of action.runs.steps) {
    assert.equal(step.shell, 'bash');
    const script = path.join(work, 'step.sh');
    writeFileSync(script, substitute(step.run, inputs));
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: checkout,
      encoding: 'utf8',
      env: {
        ...process.env,
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, substitute(value, inputs)])),
        GITHUB_ACTION_PATH: ROOT,
        PATH: `${path.join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
        npm_config_prefix: prefix,
        npm_config_registry: `${closed.url}/`,
        npm_config_fetch_retries: '0',
        npm_config_update_notifier: 'false',
      },
    });
    stdout = result.stdout;
    if (result.status !== 0) return { step: step.name, status: result.status, stdout, stderr: result.stderr, checkout };
  }
  return { step: undefined, status: 0, stdout, stderr: '', checkout };
}

void test('action.yml with its defaults: builds and installs the CLI, annotates the example project, passes', async (t) => {
  assert.equal(action.runs.using, 'composite');
  const result = await runAction(t, {});
  assert.equal(result.status, 0, `${result.step}: ${result.stderr}`);
  assert.ok(
    result.stdout
      .split('\n')
      .some((line) =>
        /^::warning file=agents\/billing\.ts,line=9,col=59,endLine=9,endColumn=\d+,title=Struere Secrets \(missing-secret\)::SANDBOX_CUSTOMER_ID is not set in production/.test(
          line,
        ),
      ),
    result.stdout,
  );
  assert.ok(!existsSync(path.join(result.checkout, 'results.sarif')));
});

void test('action.yml with an error in the checkout and sarif-file set: the step fails, annotations and SARIF are written', async (t) => {
  const result = await runAction(t, { 'sarif-file': 'results.sarif' }, (checkout) =>
    writeFileSync(path.join(checkout, '.env.production'), '1BAD=x\n', { flag: 'a' }),
  );
  assert.equal(result.step, 'Check secrets');
  assert.equal(result.status, 1);
  assert.match(
    result.stdout,
    /^::error file=\.env\.production,line=\d+,col=1,.*\(invalid-key\)::A 4-character name starting with a digit cannot be a secret name/m,
  );
  const sarif = JSON.parse(readFileSync(path.join(result.checkout, 'results.sarif'), 'utf8')) as {
    runs: { results: { ruleId: string }[] }[];
  };
  assert.ok(sarif.runs[0]!.results.some((r) => r.ruleId === 'invalid-key'));
});

void test('action.yml with a baseline accepting the error: the step passes and the accepted finding is not annotated', async (t) => {
  // The same error as above (the control: there it fails the step), accepted by a baseline written beforehand.
  const result = await runAction(
    t,
    { baseline: 'struere-baseline.json', 'sarif-file': 'results.sarif' },
    (checkout) => {
      writeFileSync(path.join(checkout, '.env.production'), '1BAD=x\n', { flag: 'a' });
      const written = spawnSync(
        process.execPath,
        [CLI_JS, 'check', '.', '--update-baseline', 'struere-baseline.json'],
        {
          cwd: checkout,
          encoding: 'utf8',
        },
      );
      assert.equal(written.status, 0, written.stderr);
    },
  );
  assert.equal(result.status, 0, `${result.step}: ${result.stderr}`);
  assert.doesNotMatch(result.stdout, /invalid-key/);
  const sarif = JSON.parse(readFileSync(path.join(result.checkout, 'results.sarif'), 'utf8')) as {
    runs: { results: { ruleId: string }[] }[];
  };
  assert.ok(!sarif.runs[0]!.results.some((r) => r.ruleId === 'invalid-key'));
});
