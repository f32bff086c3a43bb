import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as dotenv from 'dotenv';
import { parseEnv, toValueMap } from '../../engine/core/model/envParser';
import { runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

/*
 * Env files no one here wrote, from public repositories under permissive licences, each folder named
 * `<owner>+<repo>@<commit>` with that repository's LICENSE beside the files. They are test data only: nothing in
 * test/ is shipped (.vscodeignore is an allow-list; the CLI package holds dist/cli.js alone).
 */
const THIRD_PARTY = path.join(__dirname, 'third-party');

interface CorpusFile {
  readonly name: string;
  readonly text: string;
}

/**
 * The env files: those directly in a folder. Credential fixtures sit in folders below theirs (secretlint's
 * `<rule>/<case>/input*`, see secretlint.test.ts) and are not env files.
 */
function corpus(): CorpusFile[] {
  const files: CorpusFile[] = [];
  for (const folder of readdirSync(THIRD_PARTY).sort()) {
    for (const file of readdirSync(path.join(THIRD_PARTY, folder)).sort()) {
      const full = path.join(THIRD_PARTY, folder, file);
      if (file === 'LICENSE' || !statSync(full).isFile()) continue;
      files.push({ name: `${folder}/${file}`, text: readFileSync(full, 'utf8') });
    }
  }
  return files;
}

test('every corpus folder names its repository and commit and carries its LICENSE', () => {
  const folders = readdirSync(THIRD_PARTY);
  assert.ok(folders.length >= 3);
  for (const folder of folders) {
    assert.match(folder, /^[\w.-]+\+[\w.-]+@[0-9a-f]{40}$/, folder);
    assert.ok(existsSync(path.join(THIRD_PARTY, folder, 'LICENSE')), `${folder} has no LICENSE`);
  }
});

test('our parser yields exactly the map dotenv.parse does for every corpus file', () => {
  const files = corpus();
  assert.ok(files.length >= 4);
  let keys = 0;
  for (const file of files) {
    const ours = Object.fromEntries(toValueMap(parseEnv(file.text)));
    // Compared key by key so a failure names the file and key, never a value.
    const theirs: Record<string, string> = { ...dotenv.parse(file.text) };
    assert.deepEqual(Object.keys(ours), Object.keys(theirs), file.name);
    for (const key of Object.keys(theirs)) assert.ok(ours[key] === theirs[key], `${file.name}: ${key} differs`);
    keys += Object.keys(theirs).length;
  }
  assert.ok(keys > 100, `only ${keys} keys`);
});

/** `check --format json` over a folder, as codes with their file and line. */
async function checkCodes(files: Record<string, string>): Promise<string[]> {
  const ws = tempWorkspace({ 'struere.json': '{}', '.gitignore': '.env.development\n.env.production\n', ...files });
  try {
    const result = await runCli(['check', ws.dir, '--format', 'json']);
    assert.ok(result.code === 0 || result.code === 1, `check exited ${result.code}`);
    const { diagnostics } = JSON.parse(result.stdout) as {
      diagnostics: { file: string; line: number; code: string }[];
    };
    return diagnostics.map((d) => `${d.file}:${d.line}:${d.code}`);
  } finally {
    ws.dispose();
  }
}

const FALSE_ALARM_CODES = /:(hardcoded-secret|leaked-value|missing-secret)$/;

/**
 * Values random on purpose (dotenv-expand's issue 80 fixtures: 64 random printable characters): credential-like by
 * any measure, so finding them verbatim is a true `leaked-value`, checked as a control below.
 */
const RANDOM_BY_DESIGN = /^DONT_CHOKE\d+$/;

test('check over the corpus: no hardcoded-secret, leaked-value or missing-secret false alarm', async () => {
  for (const file of corpus()) {
    // The file as the committed template; its ordinary entries as the environment's file, each value quoted in a
    // committed page.
    const lines = file.text.split('\n');
    const ordinary = lines.filter((line) => !RANDOM_BY_DESIGN.test(line.split('=')[0])).join('\n');
    const values = [...toValueMap(parseEnv(ordinary)).values()].filter((value) => value.length > 0);
    const codes = await checkCodes({
      '.env.example': file.text,
      '.env.development': ordinary,
      'docs/values.md': values.join('\n') + '\n',
    });
    assert.deepEqual(
      codes.filter((code) => FALSE_ALARM_CODES.test(code)),
      [],
      file.name,
    );
  }
});

test('control from the corpus: its random-by-design values are found verbatim in a committed page', async () => {
  const file = corpus().find((candidate) => candidate.text.includes('DONT_CHOKE1='))!;
  const random = file.text
    .split('\n')
    .filter((line) => RANDOM_BY_DESIGN.test(line.split('=')[0]))
    .join('\n');
  const values = [...toValueMap(parseEnv(random)).values()];
  assert.equal(values.length, 8);
  const codes = await checkCodes({ '.env.development': random, 'docs/values.md': values.join('\n') + '\n' });
  assert.deepEqual(
    codes.filter((code) => code.startsWith('docs/')),
    values.map((_, i) => `docs/values.md:${i + 1}:leaked-value`),
  );
});

test('check over our reproductions of issue 19: no false alarm; the controls beside them are reported', async () => {
  const reproductions = {
    '.env.example': [
      'DATABASE_URL=postgresql://postgres:postgres@localhost:5432/app',
      'DB_COLLATION=utf8mb4_unicode_ci',
      'LOCALES=src/i18n/locales',
      'VITE_APP_NAME="${APP_NAME}"',
      '',
    ].join('\n'),
    '.env.development': 'DB_COLLATION=utf8mb4_unicode_ci\nLOCALES=src/i18n/locales\n',
    'docs/ci.md':
      'Set `${{ secrets.TURBO_TOKEN }}` in the workflow; collation utf8mb4_unicode_ci in src/i18n/locales.\n',
  };
  assert.deepEqual(
    (await checkCodes(reproductions)).filter((code) => FALSE_ALARM_CODES.test(code)),
    [],
  );
  // Controls: a real-looking password in a URL, a credential-like value quoted, and our own reference form.
  const controls = await checkCodes({
    '.env.example': 'DATABASE_URL=postgresql://postgres:Xq7vR2mK9pLw@localhost:5432/app\n',
    '.env.development': 'API_TOKEN=Zq8Rt2Lm9Xv4Kp7Wn3Bd6Hs1Jf5Gc0Ty\n',
    'docs/ci.md': 'Token Zq8Rt2Lm9Xv4Kp7Wn3Bd6Hs1Jf5Gc0Ty and {{secrets.TURBO_TOKEN}}\n',
  });
  assert.deepEqual(controls.filter((code) => FALSE_ALARM_CODES.test(code)).sort(), [
    '.env.example:1:hardcoded-secret',
    'docs/ci.md:1:leaked-value',
    'docs/ci.md:1:missing-secret',
  ]);
});
