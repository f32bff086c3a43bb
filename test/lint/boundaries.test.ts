import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

// The layout's import rules (ARCHITECTURE.md, "Layout": front ends, doors, the pure core) are ESLint errors. Each row lints one import as if it
// were written in that file; the allowed rows are the controls that show the rule is not simply always on.
const REPO = path.resolve(__dirname, '../..');
const cases: { file: string; source: string; allowed: boolean }[] = [
  { file: 'client/src/extension.ts', source: "import '../../server/src/server';", allowed: false },
  { file: 'client/src/extension.ts', source: "import '../../cli/src/io';", allowed: false },
  { file: 'client/src/extension.ts', source: "import '../../local-api/store';", allowed: false },
  { file: 'client/src/extension.ts', source: "import '../../engine/core';", allowed: true },
  { file: 'client/src/extension.ts', source: "import '../../engine/core/model/environments';", allowed: false },
  { file: 'client/src/extension.ts', source: "import '../../engine/sync/syncFlow';", allowed: false },
  { file: 'client/src/extension.ts', source: "import '../../engine/sync';", allowed: true },
  { file: 'client/src/extension.ts', source: "import '../../engine/tools/checkAnswer';", allowed: false },
  { file: 'client/src/extension.ts', source: "import '../../engine/tools';", allowed: true },
  { file: 'engine/tools/checkAnswer.ts', source: "import '../host/workspaceHost';", allowed: false },
  { file: 'engine/tools/checkAnswer.ts', source: "import '../host';", allowed: true },
  { file: 'engine/core/base/uris.ts', source: "import '../../tools';", allowed: false },
  { file: 'server/src/server.ts', source: "import '../../engine/core/service';", allowed: false },
  { file: 'server/src/server.ts', source: "import '../../engine/host';", allowed: true },
  { file: 'cli/src/main.ts', source: "import '../../engine/api/apiClient';", allowed: false },
  { file: 'cli/src/main.ts', source: "import '../../engine/api';", allowed: true },
  { file: 'engine/sync/syncFlow.ts', source: "import '../core/rules/validation';", allowed: false },
  { file: 'engine/sync/syncFlow.ts', source: "import '../core';", allowed: true },
  { file: 'engine/host/discover.ts', source: "import '../api/apiClient';", allowed: false },
  { file: 'engine/sync/syncFlow.ts', source: "import './syncPlan';", allowed: true },
  { file: 'server/src/server.ts', source: "import '../../client/src/extension';", allowed: false },
  { file: 'server/src/server.ts', source: "import 'vscode';", allowed: false },
  { file: 'server/src/server.ts', source: "import '../../engine/protocol';", allowed: true },
  { file: 'cli/src/main.ts', source: "import '../../server/src/server';", allowed: false },
  { file: 'cli/src/main.ts', source: "import '../../engine/host/workspaceHost';", allowed: false },
  { file: 'engine/core/base/uris.ts', source: "import 'node:fs';", allowed: false },
  { file: 'engine/core/base/uris.ts', source: "import '../../host/readText';", allowed: false },
  { file: 'engine/core/base/uris.ts', source: "import '../../sync/syncPlan';", allowed: false },
  { file: 'engine/core/base/uris.ts', source: "import '../../protocol';", allowed: false },
  { file: 'engine/core/base/uris.ts', source: "import './text';", allowed: true },
  { file: 'engine/sync/syncPlan.ts', source: "import '../../cli/src/io';", allowed: false },
  { file: 'engine/sync/syncPlan.ts', source: "import 'node:fs';", allowed: true },
];

test('import boundaries are lint errors when broken, and allowed imports pass', async () => {
  const eslint = new ESLint({ cwd: REPO });
  for (const { file, source, allowed } of cases) {
    const [result] = await eslint.lintText(`${source}\n`, { filePath: path.join(REPO, file) });
    const broken = result!.messages.filter((message) => message.ruleId === 'no-restricted-imports');
    assert.equal(
      broken.length === 0,
      allowed,
      `${file}: ${source} → ${broken.map((m) => m.message).join('; ') || 'allowed'}`,
    );
  }
});
