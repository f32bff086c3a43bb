import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { getL10nJson } from '@vscode/l10n-dev';

// The localisation pipeline, complete for the second language (German): every `%key%` of package.json has its
// English text in package.nls.json and its German one in package.nls.de.json; every string the client passes to
// vscode.l10n.t — as VS Code's own extractor (@vscode/l10n-dev) finds them in client/src — has a German
// translation in l10n/bundle.l10n.de.json that keeps its {0} arguments and $(icons). No stale keys either.
// (That client text goes through l10n.t at all is the lint rule `no-restricted-syntax` in eslint.config.mjs.)

const ROOT = path.join(__dirname, '..', '..');
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
type Strings = Record<string, string>;

/** Every `%key%` placeholder anywhere in the manifest. */
function manifestKeys(manifest: unknown): Set<string> {
  const keys = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      const match = /^%(.+)%$/.exec(value);
      if (match) keys.add(match[1]!);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest);
  return keys;
}

function nlsProblems(manifest: unknown, files: Record<string, Strings>): string[] {
  const used = manifestKeys(manifest);
  const problems: string[] = [];
  for (const [file, strings] of Object.entries(files)) {
    for (const key of used) if (!strings[key]?.trim()) problems.push(`${file} has no text for %${key}%`);
    for (const key of Object.keys(strings)) if (!used.has(key)) problems.push(`${file}: ${key} is used nowhere`);
  }
  return problems;
}

/** `{0}` arguments and `$(icon)`s: a translation must keep exactly these. */
const markers = (text: string): string =>
  [...text.matchAll(/\{\d+\}|\$\([a-z-]+\)/g)]
    .map((m) => m[0])
    .sort()
    .join(' ');

function bundleProblems(extracted: Iterable<string>, bundle: Strings, file: string): string[] {
  const keys = new Set(extracted);
  const problems: string[] = [];
  for (const key of keys) {
    const translated = bundle[key];
    if (!translated?.trim()) problems.push(`${file} has no translation of ${JSON.stringify(key)}`);
    else if (markers(translated) !== markers(key))
      problems.push(`${file}: the translation of ${JSON.stringify(key)} has ${markers(translated) || 'no markers'}`);
  }
  for (const key of Object.keys(bundle)) if (!keys.has(key)) problems.push(`${file}: ${JSON.stringify(key)} is stale`);
  return problems;
}

async function extractClientStrings(extraSource?: string): Promise<string[]> {
  const dir = path.join(ROOT, 'client', 'src');
  const files = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => ({ extension: '.ts', contents: fs.readFileSync(path.join(dir, name), 'utf8') }));
  if (extraSource !== undefined) files.push({ extension: '.ts', contents: extraSource });
  return Object.keys(await getL10nJson(files));
}

const nlsFiles = (): Record<string, Strings> => ({
  'package.nls.json': readJson('package.nls.json') as Strings,
  'package.nls.de.json': readJson('package.nls.de.json') as Strings,
});
const GERMAN_BUNDLE = 'l10n/bundle.l10n.de.json';

test('package.json names its l10n folder, and every %key% has English and German text, none stale', () => {
  const manifest = readJson('package.json') as { l10n?: string };
  assert.equal(manifest.l10n, './l10n');
  assert.ok(manifestKeys(manifest).size > 30, 'the manifest uses %key% placeholders');
  assert.deepEqual(nlsProblems(manifest, nlsFiles()), []);
});

test('every vscode.l10n.t string of client/src has a German translation with the same arguments, none stale', async () => {
  const extracted = await extractClientStrings();
  assert.ok(extracted.length > 100, `the extractor finds the client's strings (${extracted.length})`);
  assert.deepEqual(bundleProblems(extracted, readJson(GERMAN_BUNDLE) as Strings, GERMAN_BUNDLE), []);
});

test('control: a manifest %key% without German text, and a German key the manifest does not use, are named', () => {
  const manifest = readJson('package.json') as { contributes: { commands: { title: string }[] } };
  manifest.contributes.commands[0]!.title = '%command.brandNew.title%';
  const files = nlsFiles();
  files['package.nls.json']!['command.brandNew.title'] = 'Brand New';
  assert.deepEqual(nlsProblems(manifest, files).sort(), [
    'package.nls.de.json has no text for %command.brandNew.title%',
    'package.nls.de.json: command.selectEnvironment.title is used nowhere',
    'package.nls.json: command.selectEnvironment.title is used nowhere',
  ]);
});

test('control: a new l10n.t string without a translation, and a translation that drops an argument, are named', async () => {
  const extracted = await extractClientStrings(
    "import * as vscode from 'vscode';\nvoid vscode.window.showInformationMessage(vscode.l10n.t('Struere: brand-new text {0}', 1));",
  );
  assert.ok(extracted.includes('Struere: brand-new text {0}'), 'the extractor sees the new string');
  const bundle = { ...(readJson(GERMAN_BUNDLE) as Strings), 'Struere: {0} refused: {1}': 'Struere: abgelehnt: {1}' };
  assert.deepEqual(bundleProblems(extracted, bundle, GERMAN_BUNDLE), [
    `${GERMAN_BUNDLE}: the translation of "Struere: {0} refused: {1}" has {1}`,
    `${GERMAN_BUNDLE} has no translation of "Struere: brand-new text {0}"`,
  ]);
});
