import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

// What README.md and CONTRIBUTING.md show, held to the repository: the example tree is examples/'s, every
// `npm run` names a script and every `node FILE` a file that exists (after the build `npm test` runs first), every
// link inside the repository leads to a file and a heading, and the README, which the .vsix ships without docs/
// or CONTRIBUTING.md, links to those only by absolute URL. Each check also runs on a planted mistake (controls).

const ROOT = path.resolve(__dirname, '../..');
const REPOSITORY = 'https://github.com/struere/struere-secrets/blob/main/';
const DOCS = ['README.md', 'CONTRIBUTING.md'] as const;
const text = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** Every file under `dir`, '/'-separated and relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

/** The files the README's project tree lists (the block after `<!-- example-tree -->`), '/'-separated. */
function treeFiles(readme: string): string[] {
  const block = /<!-- example-tree -->\n```\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README.md has no example tree');
  return block[1]!
    .split('\n')
    .slice(1) // the project folder itself
    .map((line) => line.trim().split(/\s+/)[0]!)
    .filter((name) => name.length > 0);
}

/** The shell lines of a document's ```sh blocks, comments cut. */
function shellLines(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
    block[1]!.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()),
  );
}

/** What a shell line names that must exist: `npm run X` scripts and `node FILE` files. */
function missingTargets(lines: readonly string[], scripts: Record<string, string>): string[] {
  const missing: string[] = [];
  for (const line of lines) {
    for (const [, script] of line.matchAll(/\bnpm run ([\w:-]+)/g))
      if (!Object.hasOwn(scripts, script!)) missing.push(`npm run ${script}`);
    for (const [, file] of line.matchAll(/\bnode (?:--[\w-]+ \S+ )*([\w./-]+\.(?:m?js|ts))\b/g))
      if (!existsSync(path.join(ROOT, file!))) missing.push(`node ${file}`);
  }
  return missing;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  return new Set([...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1]!)));
}

/** Links of `file` into this repository (relative, or absolute to its main branch) that lead nowhere. */
function brokenLinks(file: string, markdown: string): string[] {
  const broken: string[] = [];
  for (const [, target] of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    let local = target!;
    if (local.startsWith(REPOSITORY)) local = local.slice(REPOSITORY.length);
    else if (/^[a-z]+:/.test(local)) continue; // another site
    const [linked, anchor] = local.split('#') as [string, string | undefined];
    const linkedFile = linked === '' ? file : path.posix.join(path.posix.dirname(file), linked);
    if (!existsSync(path.join(ROOT, linkedFile))) broken.push(target!);
    else if (anchor !== undefined && linkedFile.endsWith('.md') && !anchorsOf(text(linkedFile)).has(anchor))
      broken.push(target!);
  }
  return broken;
}

/** Relative README links to what the .vsix does not ship (it ships docs/images/ only). */
function unshippedRelativeLinks(readme: string): string[] {
  return [...readme.matchAll(/\]\(((?:docs\/(?!images\/)|CONTRIBUTING\.md)[^)]*)\)/g)].map((match) => match[1]!);
}

void test("the README's example project tree is exactly examples/support-agent", () => {
  const actual = filesUnder(path.join(ROOT, 'examples/support-agent')).sort();
  assert.deepEqual(treeFiles(text('README.md')).sort(), actual);
  // Control: a tree naming a file examples/ lacks is caught.
  const planted = text('README.md').replace('  struere.json ', '  agents/legacy.ts\n  struere.json ');
  assert.notDeepEqual(treeFiles(planted).sort(), actual);
});

void test('every `npm run` script and `node FILE` the README and CONTRIBUTING.md show exists', () => {
  const { scripts } = JSON.parse(text('package.json')) as { scripts: Record<string, string> };
  for (const doc of DOCS) {
    const lines = shellLines(text(doc));
    assert.ok(
      lines.some((line) => line.startsWith('npm ')),
      `${doc} shows no npm command`,
    );
    assert.deepEqual(missingTargets(lines, scripts), [], doc);
  }
  // Control: a script or a file that is not there is named.
  assert.deepEqual(missingTargets(['npm run lint:docs', 'node dist/nothing.js --stdio', 'npm run build'], scripts), [
    'npm run lint:docs',
    'node dist/nothing.js',
  ]);
});

void test('links into the repository lead to a file and a heading; the README links docs/ by absolute URL', () => {
  for (const doc of DOCS) assert.deepEqual(brokenLinks(doc, text(doc)), [], doc);
  assert.deepEqual(unshippedRelativeLinks(text('README.md')), []);
  // Controls: a heading that does not exist, a missing file, and relative links the .vsix could not follow.
  assert.deepEqual(brokenLinks('README.md', '[a](#no-such-heading) [b](docs/NOPE.md) [c](#cli)'), [
    '#no-such-heading',
    'docs/NOPE.md',
  ]);
  assert.deepEqual(unshippedRelativeLinks('[a](docs/API.md) [b](docs/images/x.png) [c](CONTRIBUTING.md#x)'), [
    'docs/API.md',
    'CONTRIBUTING.md#x',
  ]);
});
