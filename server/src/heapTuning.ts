import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings that keep the server's resident memory near what it holds, set by the server itself so that a plain
 * `node dist/server.js --stdio` (how other editors launch it) gets them too. Both are read by V8 each time it
 * decides, so they work after start-up, unlike `--max-semi-space-size`, which is read once when the heap is set up
 * (set at run time it has no effect). The figures behind the choice are in the commits that set them and in the
 * server bench's RSS lines:
 * - `--semi-space-growth-factor=1`: the young generation stays near its initial 2 × 1 MB (V8 may still double it
 *   once) instead of growing to 2 × 8 MB or more. The server's garbage is short-lived (file texts, scan results,
 *   JSON messages); a large nursery only holds more of it at once. Our VS Code client starts it at 8 MB instead
 *   (`VSCODE_SERVER_EXEC_ARGV`): a pull client's requests are not short-lived garbage.
 * - `--heap-growing-percent=60`: the next full collection comes when the old generation has grown 60% past what
 *   the last one kept, instead of up to 4×: an .env edit re-diagnoses hundreds of files and its garbage reaches
 *   the old generation, which otherwise grows large with mostly garbage before being collected. Lower settings
 *   collect often enough to slow typing in large prompts; higher ones give the memory back.
 */
export const HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=60'] as const;

// On import, and main.ts imports this module first: loading the server's dependencies allocates enough to grow
// the young generation once, which a call after the imports would come too late to prevent.
for (const flag of HEAP_FLAGS) setFlagsFromString(flag);
