import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

const EXAMPLE = path.resolve(__dirname, '../../examples/support-agent');

interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

async function checkJson(
  dir: string,
  ...flags: string[]
): Promise<{ code: number | null; diagnostics: JsonDiagnostic[]; stderr: string }> {
  const result = await runCli(['check', dir, '--format', 'json', ...flags]);
  return {
    code: result.code,
    diagnostics: (JSON.parse(result.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics,
    stderr: result.stderr,
  };
}

test('check on the example project: one missing secret per environment, exit 0 on warnings', async () => {
  const development = await checkJson(EXAMPLE);
  assert.equal(development.code, 0);
  assert.deepEqual(
    development.diagnostics.filter((d) => d.severity !== 'information').map((d) => [d.file, d.line, d.code]),
    [['agents/support.ts', 14, 'missing-secret']],
  );
  // Environment parity: each file has one key the other lacks.
  assert.deepEqual(
    development.diagnostics.filter((d) => d.code === 'env-parity').map((d) => [d.file, d.message.split(' ')[0]]),
    [
      ['.env.development', 'SANDBOX_CUSTOMER_ID'],
      ['.env.production', 'PAGERDUTY_ROUTING_KEY'],
    ],
  );
  const d = development.diagnostics.find((x) => x.code === 'missing-secret')!;
  assert.equal(d.column, 58);
  assert.equal(d.endColumn - d.column, 'PAGERDUTY_ROUTING_KEY'.length);
  const production = await checkJson(EXAMPLE, '--env', 'production');
  assert.deepEqual(
    production.diagnostics
      .filter((x) => x.code === 'missing-secret')
      .map((x) => [x.file, x.code, x.message.split(' ')[0]]),
    [['agents/billing.ts', 'missing-secret', 'SANDBOX_CUSTOMER_ID']],
  );
});

test('check text output names file, line and code; exit 1 on errors; paths relative to DIR', async () => {
  const ws = tempWorkspace({
    'apps/a/struere.json': '{}',
    'apps/a/.env.development': 'OK=1\n1BAD=2\n',
    'apps/a/p.md': '{{secrets.OK}} {{secrets.bad-name}}',
    '.gitignore': '.env*\n',
  });
  try {
    const result = await runCli(['check', ws.dir]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /apps\/a\/\.env\.development\n {2}2:1 {6}error {3}.*invalid-key/);
    assert.match(result.stdout, /apps\/a\/p\.md\n {2}1:26 {5}error/);
    assert.match(result.stdout, /2 problems \(2 errors, 0 warnings\)/);
    const json = await checkJson(ws.dir);
    assert.deepEqual(
      json.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}-${d.endLine}:${d.endColumn}:${d.code}`),
      ['apps/a/.env.development:2:1-2:5:invalid-key', 'apps/a/p.md:1:26-1:34:invalid-reference'],
    );
  } finally {
    ws.dispose();
  }
});

test('usage errors exit 2 with the usage text; a folder without projects exits 1', async () => {
  const bad = await runCli(['check', EXAMPLE, '--env', 'staging']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--env must be one of development, production, eval/);
  assert.equal((await runCli(['frobnicate'])).code, 2);
  const ws = tempWorkspace({ 'readme.md': 'no project here' });
  try {
    const none = await runCli(['check', ws.dir]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no Struere project/);
  } finally {
    ws.dispose();
  }
});

test('bad input: binary, huge, single long line, invalid UTF-8, NUL, CRLF, BOM, lone quote — no crash, sensible diagnostics', async () => {
  const bigLine = 'LONG=' + 'x'.repeat(1024 * 1024) + '\n';
  const huge = Buffer.alloc(20 * 1024 * 1024, 'A=1\n');
  const ws = tempWorkspace({
    '.gitignore': '.env*\n',
    'struere.json': '{}',
    '.env.development': Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('FIRST=1\r\nSECOND="two"\r\nLONE="\r\n'),
    ]),
    '.env.production': huge,
    '.env.local': Buffer.from([0x4b, 0x3d, 0xff, 0xfe, 0x0a, 0x00, 0x01, 0x4e, 0x55, 0x4c, 0x3d, 0x00, 0x0a]),
    '.env.long': bigLine,
    'image.png.md': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x7b, 0x7b]),
    'p.md': '{{secrets.FIRST}} {{secrets.SECOND}}',
  });
  try {
    const { code, diagnostics } = await checkJson(ws.dir);
    const byFile = (file: string) => diagnostics.filter((d) => d.file === file).map((d) => `${d.line}:${d.code}`);
    assert.equal(code, 1);
    assert.deepEqual(
      byFile('.env.development'),
      ['3:unterminated-quote'],
      'BOM and CRLF are handled; the lone quote is reported on its line',
    );
    assert.deepEqual(byFile('.env.production'), ['1:file-too-large']);
    assert.deepEqual(byFile('p.md'), [], 'keys after a BOM and CRLF resolve');
    assert.ok(byFile('.env.local').every((d) => d.endsWith('malformed-line') || d.endsWith('invalid-key')));
    assert.deepEqual(byFile('.env.long'), []);
    assert.deepEqual(byFile('image.png.md'), [], 'binary files are skipped');
  } finally {
    ws.dispose();
  }
});
