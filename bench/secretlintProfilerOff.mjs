// Preloaded (`node --import`) into secretlint's CLI by bench/leaks.bench.ts: switches its profiler's marks off, as
// engine/core/secretScan.ts does for our scans, so the two are timed alike. The CLI resolves the same module file.
import { secretLintProfiler } from '@secretlint/profiler';

secretLintProfiler.mark = () => undefined;
