// `npm run pack:cli [-- --out DIR]`: the CLI as its own npm package, artifacts/struere-secrets-VERSION.tgz. The
// package is two self-contained bundles (esbuild inlines dotenv, undici, …), so installing it pulls no dependency
// and works offline: cli.js from cli/src/main.ts (bin `struere-secrets`) and server.js, the language server
// from server/src/main.ts that the extension runs too (bin `struere-secrets-lsp`, for Neovim, Helix, Zed). It is bundled here, not copied from dist/, so packing never rewrites a
// bundle that tests or an editor are running. Its package.json comes from cli/package.template.json with the
// extension's version; its README from cli/README.md; the LICENSE is the repository's.
import { execFileSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { NODE_BUNDLE } from './bundleOptions.mjs';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
const artifacts = outIndex === -1 ? path.join(root, 'artifacts') : path.resolve(process.argv[outIndex + 1]);

const template = JSON.parse(readFileSync(path.join(root, 'cli', 'package.template.json'), 'utf8'));
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const manifest = { ...template, version };
if ('dependencies' in manifest) throw new Error('the CLI package must not declare dependencies: it is one bundle');

const staging = mkdtempSync(path.join(tmpdir(), 'struere-cli-package-'));
try {
  writeFileSync(path.join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // The server is its own bundle and its own process, not a command of cli.js: its V8 heap tuning must apply
  // before anything else loads (server/src/heapTuning.ts), and loading the CLI's bundle first had already grown
  // the young generation from 1 MB to 8 MB. It also keeps cli/ from importing server/ (the layout's lint rule).
  const bundles = [
    { entry: path.join(root, 'cli', 'src', 'main.ts'), outfile: 'cli.js' },
    { entry: path.join(root, 'server', 'src', 'main.ts'), outfile: 'server.js' },
  ];
  await Promise.all(
    bundles.map(({ entry, outfile }) =>
      esbuild.build({
        ...NODE_BUNDLE,
        entryPoints: [entry],
        outfile: path.join(staging, outfile),
        minify: true,
        legalComments: 'eof', // the bundled libraries' licence notices travel with them
        banner: { js: '#!/usr/bin/env node' },
      }),
    ),
  );
  copyFileSync(path.join(root, 'cli', 'README.md'), path.join(staging, 'README.md'));
  copyFileSync(path.join(root, 'LICENSE'), path.join(staging, 'LICENSE'));
  mkdirSync(artifacts, { recursive: true });
  const output = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', artifacts], {
    cwd: staging,
    encoding: 'utf8',
  });
  const [{ filename, size, entryCount }] = JSON.parse(output);
  console.log(
    `${path.relative(process.cwd(), path.join(artifacts, filename))} (${entryCount} files, ${(size / 1024).toFixed(0)} KB packed)`,
  );
} finally {
  rmSync(staging, { recursive: true, force: true });
}
