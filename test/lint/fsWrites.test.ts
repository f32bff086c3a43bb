import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

// Writes into a project go through engine/host/safeWrite.ts only: an fs write anywhere else in shipped code is a
// lint error (eslint.config.mjs, `fsWrites`). Each row lints a snippet as if it were that file; the allowed rows
// are the controls: the writer itself, the sync lock's per-user files, look-alikes that write nothing, and code
// that is not shipped.
const REPO = path.resolve(__dirname, '../..');
const cases: { file: string; source: string; allowed: boolean }[] = [
  {
    file: 'cli/src/exampleCommand.ts',
    source: "import { promises as fs } from 'node:fs';\nvoid fs.writeFile('x', 'y');",
    allowed: false,
  },
  {
    file: 'cli/src/exampleCommand.ts',
    source: "import * as fs from 'node:fs';\nfs.appendFileSync('x', 'y');",
    allowed: false,
  },
  {
    file: 'cli/src/exampleCommand.ts',
    source: "import * as fs from 'node:fs';\nfs.createWriteStream('x');",
    allowed: false,
  },
  {
    file: 'engine/host/readText.ts',
    source: "import { writeFileSync } from 'node:fs';\nwriteFileSync('x', 'y');",
    allowed: false,
  },
  {
    file: 'engine/host/readText.ts',
    source: "import { rename } from 'node:fs/promises';\nvoid rename('a', 'b');",
    allowed: false,
  },
  {
    file: 'server/src/server.ts',
    source: "import { promises as fs } from 'node:fs';\nvoid fs.rename('a', 'b');",
    allowed: false,
  },
  { file: 'server/src/server.ts', source: "import * as fs from 'node:fs';\nvoid fs.promises.rm('a');", allowed: false },
  {
    file: 'client/src/updateEnvExampleCommand.ts',
    source:
      "import * as vscode from 'vscode';\nvoid vscode.workspace.fs.writeFile(vscode.Uri.file('x'), new Uint8Array());",
    allowed: false,
  },
  {
    file: 'cli/src/redactCommand.ts',
    source: "import { constants, openSync } from 'node:fs';\nopenSync('x', constants.O_WRONLY | constants.O_CREAT);",
    allowed: false,
  },
  {
    file: 'cli/src/redactCommand.ts',
    source: "import { openSync } from 'node:fs';\nopenSync('data', 'a+');",
    allowed: false,
  },
  {
    file: 'engine/host/gitStatus.ts',
    source:
      "import { promises as fs } from 'node:fs';\nexport async function f() {\n  const h = await fs.open('p', 'r');\n  await h.writeFile('x');\n}",
    allowed: false,
  },
  {
    file: 'engine/sync/syncRun.ts',
    source: "import * as fs from 'node:fs/promises';\nvoid fs.mkdir('d');",
    allowed: false,
  },
  {
    // The journal writes through engine/host's writePrivateStateFile, never by itself.
    file: 'engine/sync/syncJournal.ts',
    source: "import * as fs from 'node:fs/promises';\nvoid fs.writeFile('journal.json', '{}');",
    allowed: false,
  },
  // Controls.
  {
    file: 'engine/host/safeWrite.ts',
    source: "import { promises as fs } from 'node:fs';\nvoid fs.writeFile('x', 'y');",
    allowed: true,
  },
  {
    file: 'engine/sync/syncLock.ts',
    source: "import * as fs from 'node:fs/promises';\nvoid fs.writeFile('x', 'y');",
    allowed: true,
  },
  { file: 'cli/src/redactCommand.ts', source: "process.stdout.write('settled text');", allowed: true },
  {
    file: 'cli/src/redactCommand.ts',
    source: "import { openSync } from 'node:fs';\nopenSync('/data/a/w', 'r');",
    allowed: true,
  },
  {
    file: 'engine/host/readText.ts',
    source: "import { constants, openSync } from 'node:fs';\nopenSync('x', constants.O_RDONLY | constants.O_NONBLOCK);",
    allowed: true,
  },
  {
    file: 'server/src/server.ts',
    source: "declare const service: { rename(a: string): void };\nservice.rename('x');",
    allowed: true,
  },
  { file: 'local-api/store.ts', source: "import * as fs from 'node:fs';\nfs.writeFileSync('x', 'y');", allowed: true },
  {
    file: 'test/unit/example.test.ts',
    source: "import * as fs from 'node:fs';\nfs.writeFileSync('x', 'y');",
    allowed: true,
  },
];

test('fs writes outside the safe writer are lint errors; the writer, the sync lock and look-alikes pass', async () => {
  const eslint = new ESLint({ cwd: REPO });
  for (const { file, source, allowed } of cases) {
    const [result] = await eslint.lintText(`${source}\n`, { filePath: path.join(REPO, file) });
    const writes = result!.messages.filter(
      (message) => message.ruleId === 'no-restricted-syntax' && message.message.includes('safeWrite'),
    );
    assert.equal(
      writes.length === 0,
      allowed,
      `${file}: ${source} → ${writes.map((m) => m.message).join('; ') || 'allowed'}`,
    );
  }
});
