import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { scanForSecrets } from '../../engine/core/leaks/secretScan';
import { runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

/*
 * secretlint's own rule fixtures, held to what secretlint 13's CLI reports in each (MIT, LICENSE beside them).
 * `<rule>/<case>/input*` is packages/@secretlint/secretlint-rule-<rule>/test/snapshots/<case>/input* at the commit
 * the folder names, a space in a case name written `-`. secretlint.expected.json records that report: made by
 * scripts/secretlintExpected.mjs with secretlint 13.0.6's CLI and the recommended preset 13.1.0 on Node 24 (13.x
 * declares Node 22 or newer), while our scan runs on the Node running these tests. Assertions name fixtures, rules
 * and positions only, never the text found.
 */
const THIRD_PARTY = path.join(__dirname, 'third-party');
const FOLDER = path.join(
  THIRD_PARTY,
  readdirSync(THIRD_PARTY).find((name) => name.startsWith('secretlint+secretlint@'))!,
);

interface ExpectedFinding {
  readonly ruleId: string;
  readonly messageId: string;
  readonly range: readonly [number, number];
  readonly line: number;
}

const expected = JSON.parse(readFileSync(path.join(__dirname, 'secretlint.expected.json'), 'utf8')) as {
  secretlint: string;
  preset: string;
  fixtures: Record<string, ExpectedFinding[]>;
};

/** Fixture files below the folder, '/'-separated and sorted; the LICENSE is not one. */
function fixtureFiles(prefix = ''): string[] {
  const files: string[] = [];
  for (const name of readdirSync(path.join(FOLDER, prefix)).sort()) {
    const relative = prefix === '' ? name : `${prefix}/${name}`;
    if (statSync(path.join(FOLDER, relative)).isDirectory()) files.push(...fixtureFiles(relative));
    else if (relative !== 'LICENSE') files.push(relative);
  }
  return files;
}

function fixtureText(file: string): string {
  return readFileSync(path.join(FOLDER, file), 'utf8');
}

function installedVersion(name: string): string {
  const manifest = path.resolve(__dirname, '../../node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** A finding as `rule:messageId:start-end`, sorted: what both sides must agree on. */
function signatures(findings: { ruleId: string; kind: string; start: number; end: number }[]): string[] {
  const short = (ruleId: string) => ruleId.replace(/^@secretlint\/secretlint-rule-/, '');
  return findings.map((f) => `${short(f.ruleId)}:${f.kind}:${f.start}-${f.end}`).sort();
}

function expectedSignatures(file: string): string[] {
  return signatures(
    expected.fixtures[file].map((f) => ({ ruleId: f.ruleId, kind: f.messageId, start: f.range[0], end: f.range[1] })),
  );
}

test('the expected list covers every fixture and was made with the preset we ship', () => {
  assert.deepEqual(Object.keys(expected.fixtures).sort(), fixtureFiles());
  // A new preset must be measured again (the script), and checked on Node 20 by this file.
  assert.equal(expected.preset, installedVersion('@secretlint/secretlint-rule-preset-recommend'));
  assert.match(expected.secretlint, /^13\./);
});

test("our scan finds in each fixture exactly what secretlint 13's CLI reports there", async () => {
  const files = fixtureFiles();
  let findings = 0;
  for (const file of files) {
    const ours = await scanForSecrets(fixtureText(file), path.posix.basename(file));
    assert.deepEqual(signatures(ours), expectedSignatures(file), file);
    findings += ours.length;
  }
  assert.ok(files.length >= 70 && findings >= 80, `${files.length} fixtures, ${findings} findings`);
});

/** Where the CLI reports `hardcoded-secret`, as `file:line:column` (1-based), for a workspace of `files`. */
async function hardcodedSecrets(files: Record<string, string>): Promise<string[]> {
  const ws = tempWorkspace({ 'struere.json': '{}', ...files });
  try {
    const result = await runCli(['check', ws.dir, '--format', 'json']);
    assert.ok(result.code === 0 || result.code === 1, `check exited ${result.code}`);
    const { diagnostics } = JSON.parse(result.stdout) as {
      diagnostics: { file: string; line: number; column: number; code: string }[];
    };
    return diagnostics
      .filter((d) => d.code === 'hardcoded-secret')
      .map((d) => `${d.file}:${d.line}:${d.column}`)
      .sort();
  } finally {
    ws.dispose();
  }
}

/** The 1-based line and column of a UTF-16 offset. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `${before.split('\n').length}:${offset - before.lastIndexOf('\n')}`;
}

test("the bundled CLI on this Node reports hardcoded-secret where secretlint 13's CLI does", async () => {
  // The fixtures `check` scans by default (files.include has .txt, not .json or extensionless names).
  const files = fixtureFiles().filter((file) => file.endsWith('.txt'));
  const texts = Object.fromEntries(files.map((file) => [file, fixtureText(file)]));
  const theirs = files
    .flatMap((file) => expected.fixtures[file].map((f) => `${file}:${position(texts[file], f.range[0])}`))
    .sort();
  assert.ok(theirs.length >= 80, `only ${theirs.length} findings`);
  assert.deepEqual(await hardcodedSecrets(texts), theirs);
});

/** Made-up keys of the two formats agent projects hold most, which secretlint 11.7.1's preset had no rule for. */
const GROQ_LIKE = 'gsk_' + 'MadeUpGroqKey0'.repeat(4).slice(0, 52);
const HUGGING_FACE_LIKE = 'hf_' + 'madeUpHuggingFaceToken'.repeat(2).slice(0, 34);

test('controls: Groq and Hugging Face keys (new in 13) are found; a file with no credential gives nothing', async () => {
  for (const [file, rule] of [
    ['groq/ng.secret/input.txt', 'groq'],
    ['huggingface/ng.secret/input.txt', 'huggingface'],
  ]) {
    const ours = signatures(await scanForSecrets(fixtureText(file), 'input.txt'));
    assert.ok(ours.length > 0 && ours.every((finding) => finding.startsWith(`${rule}:`)), file);
  }
  const template = `GROQ_API_KEY=${GROQ_LIKE}\nHF_TOKEN=${HUGGING_FACE_LIKE}\n`;
  assert.deepEqual(
    (await scanForSecrets(template, '.env.example')).map((f) => f.kind),
    ['GROQ_API_KEY', 'HUGGINGFACE_USER_ACCESS_TOKEN'],
  );
  // Negative: placeholders, a default local database URL (issue 19, item 3) and ordinary code.
  const clean = [
    'GROQ_API_KEY=',
    'HF_TOKEN=your-token-here',
    'DATABASE_URL=postgresql://postgres:postgres@localhost:5432/app',
    'const port = 3000; // gsk_ and hf_ tokens go in .env.development',
    '',
  ].join('\n');
  assert.deepEqual(await scanForSecrets(clean, '.env.example'), []);
  assert.deepEqual(await hardcodedSecrets({ '.env.example': clean, 'notes.txt': clean }), []);
});
