import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings that keep the server's resident memory near what it holds, set by the server itself so that a plain
 * `node dist/server.js --stdio` (how other editors launch it) gets them too. Both are read by V8 each time it
 * decides, so they work after start-up, unlike `--max-semi-space-size`, which is read once when the heap is set up
 * (set at run time it left the young generation free to grow to 2 × 16 MB: 134–172 MB RSS at the end of the
 * 10k-file benchmark, 90–92 MB with these):
 * - `--semi-space-growth-factor=1`: the young generation stays at its initial 2 × 1 MB. The server's garbage is
 *   short-lived (file texts, scan results, JSON messages); a large nursery only holds more of it at once.
 * - `--heap-growing-percent=60`: the next full collection comes when the old generation has grown 60% past what
 *   the last one kept, instead of up to 4×: an .env edit re-diagnoses hundreds of files and its garbage reaches
 *   the old generation, which otherwise grew to ~80 MB of mostly garbage before being collected (10k bench, RSS at
 *   the end: 139 MB with the first flag alone). 60% measured best of 30 / 60 / 100: at 30% the full collections
 *   came often enough to double didChange p95 on the 200 KB prompt (17–20 ms against 6–7 ms); at 100% the RSS
 *   was back near the 100 MB goal (97 MB against 90–92 MB).
 */
export const HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=60'] as const;

// On import, and main.ts imports this module first: loading the server's dependencies allocates enough to grow
// the young generation once, which a call after the imports would come too late to prevent.
for (const flag of HEAP_FLAGS) setFlagsFromString(flag);
