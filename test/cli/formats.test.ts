import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { DIAGNOSTIC_CODES } from '../../engine/core/rules/diagnosticRules';
import { escapeData, escapeProperty, formatGithub } from '../../cli/src/formats/github';
import { runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// check --format sarif|github as CI runs it: the built CLI, paths relative to where it runs.

/** The OASIS SARIF 2.1.0 schema (errata 01), vendored with its licence in test/fixtures/sarif/. */
const validateSarif = (() => {
  const schema = JSON.parse(
    readFileSync(path.resolve(__dirname, '../fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'),
  ) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
})();

interface SarifLog {
  version: string;
  runs: {
    tool: {
      driver: { name: string; rules: { id: string; help: { text: string }; shortDescription: { text: string } }[] };
    };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string; uriBaseId: string };
          region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
        };
      }[];
    }[];
  }[];
}

/** A project in a folder whose name needs escaping everywhere: a space, a comma, a colon, a percent sign. */
function awkwardProject(t: { after: (fn: () => void) => void }) {
  const ws = tempWorkspace({
    'odd dir, a:b %/struere.json': '{}',
    'odd dir, a:b %/.gitignore': '.env.development\n',
    'odd dir, a:b %/.env.development': 'GOOD=canary-value-x1\n1BAD=canary-value-x2\n',
    'odd dir, a:b %/prompts/p.md': 'Hi {{secrets.MISSING}}\n',
  });
  t.after(() => ws.dispose());
  return ws;
}

void test('SARIF: schema-valid 2.1.0, one rule per code with help, results with level, relative URI and region', async (t) => {
  const ws = awkwardProject(t);
  const result = await runCli(['check', '--format', 'sarif'], { cwd: ws.dir });
  assert.equal(result.code, 1, result.stderr); // the invalid key is an error
  const log = JSON.parse(result.stdout) as SarifLog;
  assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors, null, 2));
  assert.equal(log.version, '2.1.0');
  const [run] = log.runs;
  assert.deepEqual(
    run!.tool.driver.rules.map((rule) => rule.id),
    DIAGNOSTIC_CODES,
  );
  for (const rule of run!.tool.driver.rules) assert.ok(rule.help.text.length > 20 && rule.shortDescription.text);
  const invalid = run!.results.find((r) => r.ruleId === 'invalid-key')!;
  assert.equal(invalid.level, 'error');
  assert.equal(run!.tool.driver.rules[invalid.ruleIndex]!.id, 'invalid-key');
  assert.deepEqual(invalid.locations[0]!.physicalLocation, {
    artifactLocation: { uri: 'odd%20dir%2C%20a%3Ab%20%25/.env.development', uriBaseId: '%SRCROOT%' },
    region: { startLine: 2, startColumn: 1, endLine: 2, endColumn: 5 },
  });
  const missing = run!.results.find((r) => r.ruleId === 'missing-secret')!;
  assert.equal(missing.level, 'warning');
  assert.equal(missing.locations[0]!.physicalLocation.artifactLocation.uri, 'odd%20dir%2C%20a%3Ab%20%25/prompts/p.md');
  assert.ok(!result.stdout.includes('canary-value'), 'a value reached the SARIF log');
  assert.ok(!result.stdout.includes(ws.dir), 'an absolute path reached the SARIF log');
});

void test('SARIF control: the schema rejects documents that are broken in the ways a formatter could break them', () => {
  const valid = {
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'a', level: 'error', message: { text: 'm' } }] }],
  };
  assert.ok(validateSarif(valid)); // the control's baseline passes
  const broken = [
    { ...valid, version: '2.0.0' },
    { version: '2.1.0', runs: [{ tool: { driver: {} } }] },
    { ...valid, runs: [{ ...valid.runs[0], results: [{ ruleId: 'a', level: 'fatal', message: { text: 'm' } }] }] },
    {
      ...valid,
      runs: [
        {
          ...valid.runs[0],
          results: [
            {
              ruleId: 'a',
              message: { text: 'm' },
              locations: [{ physicalLocation: { region: { startLine: 0 } } }],
            },
          ],
        },
      ],
    },
  ];
  for (const document of broken) assert.equal(validateSarif(document), false, JSON.stringify(document));
});

void test('github: one workflow command per diagnostic, escaped properties and message, exit 1 on errors', async (t) => {
  const ws = awkwardProject(t);
  const result = await runCli(['check', '.', '--format', 'github'], { cwd: ws.dir });
  assert.equal(result.code, 1, result.stderr);
  const commands = result.stdout.split('\n').filter((line) => line.startsWith('::'));
  const file = 'odd dir%2C a%3Ab %25';
  assert.ok(
    commands.includes(
      `::error file=${file}/.env.development,line=2,col=1,endLine=2,endColumn=5,title=Struere Secrets (invalid-key)::` +
        'A 4-character name starting with a digit cannot be a secret name: use letters, digits and _ and do not start with a digit. Sync refuses this file until it is fixed.',
    ),
    commands.join('\n'),
  );
  assert.ok(commands.some((c) => c.startsWith(`::warning file=${file}/prompts/p.md,line=1,col=`)));
  assert.match(result.stdout.trimEnd().split('\n').at(-1)!, /✖ \d+ problems/);
  assert.ok(!result.stdout.includes('canary-value'));
});

void test('github escaping follows the runner: %, CR, LF in messages; also : and , in properties', () => {
  assert.equal(escapeData('100% done\r\nnext: a, b'), '100%25 done%0D%0Anext: a, b');
  assert.equal(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
  const [line] = formatGithub([
    {
      file: 'x,y.env',
      line: 1,
      column: 2,
      endLine: 3,
      endColumn: 4,
      severity: 'information',
      code: 'env-parity',
      message: 'two\nlines',
    },
  ]);
  assert.equal(
    line,
    '::notice file=x%2Cy.env,line=1,col=2,endLine=3,endColumn=4,title=Struere Secrets (env-parity)::two%0Alines',
  );
});

void test('check FILE…: only the files given are reported, judged within their project; files outside any project are named', async (t) => {
  const ws = tempWorkspace({
    'app/struere.json': '{}',
    'app/.gitignore': '.env*\n',
    'app/.env.development': 'A=1\n',
    'app/prompts/one.md': '{{secrets.A}} {{secrets.NOPE_ONE}}\n',
    'app/prompts/two.md': '{{secrets.NOPE_TWO}}\n',
    'README.md': 'not a project file\n',
  });
  t.after(() => ws.dispose());
  const result = await runCli(['check', 'app/prompts/one.md', 'README.md', '--format', 'json'], { cwd: ws.dir });
  assert.equal(result.code, 0, result.stderr);
  const diagnostics = (JSON.parse(result.stdout) as { diagnostics: { file: string; message: string }[] }).diagnostics;
  // A is set by the project's .env.development (loaded though not given); two.md is not reported.
  assert.deepEqual(
    diagnostics.map((d) => [d.file, d.message.split(' ')[0]]),
    [['app/prompts/one.md', 'NOPE_ONE']],
  );
  assert.match(result.stderr, /README\.md is in no Struere project: not checked/);
  const folder = await runCli(['check', 'app', '--format', 'json'], { cwd: ws.dir });
  assert.equal((JSON.parse(folder.stdout) as { diagnostics: unknown[] }).diagnostics.length, 2); // control
  const missing = await runCli(['check', 'nope.md'], { cwd: ws.dir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.md does not exist/);
});
