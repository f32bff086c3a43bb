import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  // Open VSX takes the same .vsix only with a licence file in it (and its namespace = the publisher).
  for (const needed of [
    'extension/media/icon.png',
    'extension/changelog.md',
    'extension/dist/server.js',
    'extension/LICENSE.txt',
  ])
    assert.ok(files.includes(needed), `${needed} is missing`);
  // Control: the allow-list check catches what must never ship.
  assert.deepEqual(
    outsideAllowList(['extension/dist/extension.js.map', 'extension/test/cli/run.test.ts', 'extension/.cache/x']),
    ['extension/dist/extension.js.map', 'extension/test/cli/run.test.ts', 'extension/.cache/x'],
  );
});

void test("CHANGELOG.md has a section for package.json's version, in Keep a Changelog's form", () => {
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const changelog = readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
  assert.match(changelog, /^## \[Unreleased\]$/m);
  assert.match(changelog, new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
  assert.match(changelog, new RegExp(`^\\[${version.replace(/\./g, '\\.')}\\]: https://`, 'm'));
});
