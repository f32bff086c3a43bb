// One build for the three front ends. Type-checking is separate (`tsc --noEmit`): esbuild only strips types.
// Exits non-zero on any error so CI and `npm test` never run a stale bundle.
import * as esbuild from 'esbuild';
import { NODE_BUNDLE } from './scripts/bundleOptions.mjs';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');

/** @type {import('esbuild').BuildOptions} */
const base = {
  ...NODE_BUNDLE,
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  legalComments: 'none',
};

const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js' },
  { entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['cli/src/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The local API server speaks API.md on 127.0.0.1: the embedded default for `npm start` and the tests.
  { entryPoints: ['local-api/main.ts'], outfile: 'dist/local-api.js', banner: { js: '#!/usr/bin/env node' } },
];

/** Reports the end of each rebuild in watch mode, in the problem-matcher-friendly shape. */
const watchReporter = {
  name: 'watch-reporter',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

try {
  if (watch) {
    const contexts = await Promise.all(
      entries.map((entry) => esbuild.context({ ...base, ...entry, plugins: [watchReporter] })),
    );
    await Promise.all(contexts.map((context) => context.watch()));
  } else {
    await Promise.all(entries.map((entry) => esbuild.build({ ...base, ...entry })));
  }
} catch (error) {
  // esbuild has already printed the diagnostics; the exit code is what matters here.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
