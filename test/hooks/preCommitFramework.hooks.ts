import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before } from 'node:test';
import { hookCases, hookWork, must, ROOT } from '../support/hookRepos';

// The hook through the real pre-commit (Debian's package, provisioned by test/hooks/provision.sh) reading this
// repository's .pre-commit-hooks.yaml. Run by `npm run test:hooks` and .ci/run, not by `npm test`: a fresh machine
// with Node passes `npm test` without it.

const work = hookWork();
const hooksRepo = () => path.join(work.dir, 'hooks-repo');

before(() => {
  // A repository holding this working tree's .pre-commit-hooks.yaml, as pre-commit would clone ours.
  mkdirSync(hooksRepo());
  copyFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), path.join(hooksRepo(), '.pre-commit-hooks.yaml'));
  must(work, 'git', ['init', '-q'], hooksRepo());
  must(work, 'git', ['add', '.'], hooksRepo());
  must(work, 'git', ['commit', '-qm', 'hooks'], hooksRepo());
});

hookCases(work, 'pre-commit framework', (dir) => {
  const rev = must(work, 'git', ['rev-parse', 'HEAD'], hooksRepo()).trim();
  writeFileSync(
    path.join(dir, '.pre-commit-config.yaml'),
    `repos:\n  - repo: ${hooksRepo()}\n    rev: ${rev}\n    hooks:\n      - id: struere-secrets\n`,
  );
  must(work, 'pre-commit', ['install'], dir);
});
