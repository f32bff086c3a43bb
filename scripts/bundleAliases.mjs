import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Module aliases every bundle of ours needs (esbuild.mjs and scripts/packCli.mjs): jsonc-parser's default entry is
 * a UMD build whose dynamic requires esbuild cannot follow, so its ESM build is bundled instead. One list, so the
 * CLI package can never be built without one (it once crashed at start: "Cannot find module './impl/format'").
 */
export const BUNDLE_ALIASES = {
  'jsonc-parser': path.join(root, 'node_modules', 'jsonc-parser', 'lib', 'esm', 'main.js'),
};
