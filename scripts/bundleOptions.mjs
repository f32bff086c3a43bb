import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * What every bundle of ours is (esbuild.mjs for dist/, scripts/packCli.mjs for the CLI package): one place, so
 * the package never ships bundles built otherwise than the ones the tests ran. Each caller adds its own output,
 * minification, source maps and licence comments.
 * - jsonc-parser's default entry is a UMD build whose dynamic requires esbuild cannot follow, so its ESM build is
 *   bundled instead (the CLI package once crashed at start: "Cannot find module './impl/format'").
 * - node20: the oldest Node the CLI and the tests run on; VS Code's extension host runs a newer one.
 */
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  alias: {
    'jsonc-parser': path.join(root, 'node_modules', 'jsonc-parser', 'lib', 'esm', 'main.js'),
  },
  logLevel: 'warning',
};
