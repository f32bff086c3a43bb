import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { hookCases, hookWork, ROOT } from '../support/hookRepos';

// The plain .git/hooks/pre-commit of the README, with the CLI installed from its packed tarball: needs git and npm
// only. The same cases through the pre-commit framework are test/hooks/ (`npm run test:hooks`, which provisions it).

const work = hookWork();

hookCases(work, 'plain .git/hooks/pre-commit from the README', (dir) => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const hook = /<!-- plain-git-hook -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(hook, 'README.md has no plain git hook block');
  writeFileSync(path.join(dir, '.git/hooks/pre-commit'), hook, { mode: 0o755 });
});
