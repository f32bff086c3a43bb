import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

// The .vsix as the Marketplace gets it: `vsce package` on this checkout's bundles (what `npm run package` does, on
// the bundles npm test built), with no warning, and exactly the files the allow-list names.

const ROOT = path.resolve(__dirname, '../..');

/** Every file the .vsix may hold; a new file must be added here on purpose (no tests, maps, caches or sources). */
const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/(package\.json|package\.nls(\.[a-z-]+)?\.json|readme\.md|changelog\.md|LICENSE\.txt)$/,
  /^extension\/dist\/(extension|server|cli)\.js$/,
  /^extension\/syntaxes\/[a-zA-Z.-]+\.json$/,
  /^extension\/l10n\/bundle\.l10n\.[a-z-]+\.json$/,
  /^extension\/docs\/images\/[a-z-]+\.png$/,
  /^extension\/media\/icon\.png$/,
  /^extension\/media\/walkthrough\/[a-z-]+\.md$/,
];

function outsideAllowList(files: readonly string[]): string[] {
  return files.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)));
}

/** The entries of a zip file, from its central directory (the .vsix is a zip). */
function zipEntries(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'not a zip file');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    names.push(zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
    at += 46 + nameLength + extra + comment;
  }
  return names.sort();
}

void test('vsce packages the extension without a warning, and the .vsix holds only allowed files', (t) => {
  const out = mkdtempSync(path.join(tmpdir(), 'struere-vsix-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const vsix = path.join(out, 'struere-secrets.vsix');
  const packed = spawnSync(
    'npx',
    ['--no-install', 'vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '-o', vsix],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = `${packed.stdout}${packed.stderr}`;
  assert.equal(packed.status, 0, output.slice(-4000));
  assert.doesNotMatch(output, /WARNING/, 'vsce warned');
  const files = zipEntries(readFileSync(vsix));
  assert.deepEqual(outsideAllowList(files), []);
  assert.deepEqual(missingFromPackage(files), []);
  // Control: the allow-list check catches what must never ship.
  assert.deepEqual(
    outsideAllowList(['extension/dist/extension.js.map', 'extension/test/cli/run.test.ts', 'extension/.cache/x']),
    ['extension/dist/extension.js.map', 'extension/test/cli/run.test.ts', 'extension/.cache/x'],
  );
  // Control: a package without its icon or licence is caught.
  const withoutIcon = files.filter((file) => file !== 'extension/media/icon.png' && file !== 'extension/LICENSE.txt');
  assert.deepEqual(missingFromPackage(withoutIcon), ['extension/media/icon.png', 'extension/LICENSE.txt']);
});

/** The files the .vsix must hold: the icon, the CHANGELOG, both bundles the extension runs, and the licence Open VSX
 * requires (with its namespace = the publisher) so the same .vsix can go to both registries. */
function missingFromPackage(files: readonly string[]): string[] {
  return [
    'extension/media/icon.png',
    'extension/changelog.md',
    'extension/dist/extension.js',
    'extension/dist/server.js',
    'extension/LICENSE.txt',
  ].filter((needed) => !files.includes(needed));
}

/** What Keep a Changelog and a release need of CHANGELOG.md for `version`: an Unreleased section, the version's
 * dated section, and its link. */
function changelogProblems(changelog: string, version: string): string[] {
  const v = version.replace(/\./g, '\\.');
  return [
    [/^## \[Unreleased\]$/m, 'no [Unreleased] section'],
    [new RegExp(`^## \\[${v}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'), `no dated section for ${version}`],
    [new RegExp(`^\\[${v}\\]: https://`, 'm'), `no link for ${version}`],
  ].flatMap(([pattern, problem]) => ((pattern as RegExp).test(changelog) ? [] : [problem as string]));
}

interface Manifest {
  version: string;
  publisher?: string;
  icon?: string;
  license?: string;
  repository?: { url?: string };
  bugs?: { url?: string };
  homepage?: string;
  galleryBanner?: { color?: string };
  keywords?: string[];
  extensionKind?: string[];
  engines?: { vscode?: string };
  devDependencies?: Record<string, string>;
}

/** What the Marketplace and Open VSX show or need of package.json, and what the agent tools need of VS Code. */
function manifestProblems(manifest: Manifest, root: string): string[] {
  const problems: string[] = [];
  if (!manifest.icon || !existsSync(path.join(root, manifest.icon))) problems.push('no icon file');
  for (const [field, value] of [
    ['repository', manifest.repository?.url],
    ['bugs', manifest.bugs?.url],
    ['homepage', manifest.homepage],
  ] as const)
    if (!value?.startsWith('https://')) problems.push(`no ${field} URL`);
  if (!manifest.galleryBanner?.color) problems.push('no gallery banner');
  if (manifest.publisher !== 'struere') problems.push('publisher is not the Open VSX namespace struere');
  if (!manifest.license) problems.push('no licence');
  for (const word of ['dotenv', 'secrets', 'env', 'AI agents', 'MCP'])
    if (!manifest.keywords?.includes(word)) problems.push(`keyword ${word} missing`);
  // The server reads the project's files: in a remote window it must run where they are.
  if (JSON.stringify(manifest.extensionKind) !== '["workspace"]') problems.push('extensionKind is not workspace');
  // The language model tool API (vscode.lm.registerTool) is stable from 1.95; vsce holds @types/vscode to it.
  const engine = /^\^1\.(\d+)\.0$/.exec(manifest.engines?.vscode ?? '');
  if (!engine || Number(engine[1]) < 95) problems.push('engines.vscode is below 1.95');
  if (manifest.devDependencies?.['@types/vscode'] !== `~1.${engine?.[1]}.0`)
    problems.push('@types/vscode does not match engines.vscode');
  return problems;
}

const MANIFEST = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

void test("CHANGELOG.md has a section for package.json's version, in Keep a Changelog's form", () => {
  const changelog = readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
  assert.deepEqual(changelogProblems(changelog, MANIFEST.version), []);
  // Control: the same CHANGELOG checked for a version it has no section for.
  assert.deepEqual(changelogProblems(changelog, '9.9.9'), ['no dated section for 9.9.9', 'no link for 9.9.9']);
});

void test('package.json has what the registries show and need: icon, links, banner, keywords, kind, engine', () => {
  assert.deepEqual(manifestProblems(MANIFEST, ROOT), []);
  // Controls: an icon that does not exist, a dropped keyword, an engine without the tool API.
  const broken: Manifest = {
    ...MANIFEST,
    icon: 'media/no-such-icon.png',
    keywords: MANIFEST.keywords?.filter((word) => word !== 'MCP'),
    engines: { vscode: '^1.91.0' },
  };
  assert.deepEqual(manifestProblems(broken, ROOT), [
    'no icon file',
    'keyword MCP missing',
    'engines.vscode is below 1.95',
    '@types/vscode does not match engines.vscode',
  ]);
});
