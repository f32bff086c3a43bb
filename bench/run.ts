import { benchEncodedForms } from './encodedForms.bench';
import { benchGitignore } from './gitignore.bench';
import { benchOffline } from './offline.bench';
import { benchLeaks } from './leaks.bench';
import { benchMcp } from './mcp.bench';
import { benchParse } from './parse.bench';
import { benchServer } from './server.bench';
import { benchSync } from './sync.bench';
import { benchSyncJournal } from './syncJournal.bench';

/**
 * `npm run bench`: every benchmark in one run, each printing its figures and its ratios against a reference
 * measured in the same run (dotenv.parse, a naive per-key sync, an in-process scan). Goals are checked here,
 * never in tests; a missed goal sets a non-zero exit code.
 */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const suites: [string, () => Promise<void>][] = [
    ['parse', benchParse],
    ['server', benchServer],
    ['sync', benchSync],
    ['sync-journal', benchSyncJournal],
    ['offline', benchOffline],
    ['leaks', benchLeaks],
    ['encoded', benchEncodedForms],
    ['gitignore', benchGitignore],
    ['mcp', benchMcp],
  ];
  for (const [name, run] of suites) {
    if (only.length > 0 && !only.includes(name)) continue;
    await run();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
