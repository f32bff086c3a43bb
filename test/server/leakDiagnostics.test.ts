import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CodeActionRequest,
  type CodeAction,
  type TextDocumentEdit,
  type TextEdit,
} from 'vscode-languageserver-protocol';
import { VSCODE_CLIENT_FEATURES } from '../../engine/protocol';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

// Made-up credentials of realistic shape: the canaries no message may carry.
const STRIPE_LIKE = 'sk_live_CANARY4eC39HqLyjWDarjtT1zd';
const GITHUB_LIKE = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';

void test('leaked-value and hardcoded-secret over LSP: diagnostics without values, git-ignored files skipped, quick fix round trip', async () => {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.gitignore': '.env.development\nscratch/\n',
    '.env.development': `STRIPE_KEY=${STRIPE_LIKE}\nPORT=3000\n`,
    'agents/a.ts': `export const p = \`Pay with ${STRIPE_LIKE}\`;\nexport const t = { async handler() { return "${GITHUB_LIKE}"; } };\n`,
    'scratch/notes.md': `${STRIPE_LIKE} ${GITHUB_LIKE}\n`,
  });
  // Announces what our VS Code client runs: the Move to .env.development fix is a client command.
  const client = await LspTestClient.start({
    folders: [ws.dir],
    pull: false,
    itemDefaults: true,
    initializationOptions: { clientFeatures: VSCODE_CLIENT_FEATURES },
  });
  const agent = fileUri(ws.path('agents/a.ts'));
  try {
    // In the editor secretlint scans open buffers (after a pause in typing): open, then wait for both findings.
    const agentText = `export const p = \`Pay with ${STRIPE_LIKE}\`;\nexport const t = { async handler() { return "${GITHUB_LIKE}"; } };\n`;
    await client.open(agent, agentText, 'typescript');
    const diagnostics = await client.waitForDiagnostics(agent, (d) => d.length === 2);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]).sort(), [
      ['hardcoded-secret', 1],
      ['leaked-value', 0],
    ]);
    const wire = JSON.stringify(diagnostics);
    assert.ok(!wire.includes(STRIPE_LIKE) && !wire.includes(GITHUB_LIKE), 'no value on the wire');
    assert.match(wire, /STRIPE_KEY \(\.env\.development line 1\)/);
    // The ignored folder holds both, and gets nothing; a control file in the same state but committed did (above).
    const notes = fileUri(ws.path('scratch/notes.md'));
    await client.open(notes, `${STRIPE_LIKE} ${GITHUB_LIKE}\n`, 'markdown');

    // Quick fix round trip: the fix replaces the prompt text with a reference, at the open document's version.
    const leaked = diagnostics.find((d) => d.code === 'leaked-value')!;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: agent },
      range: leaked.range,
      context: { diagnostics: [leaked] },
    })) as CodeAction[];
    const fix = actions.find((action) => action.title === 'Replace with {{secrets.STRIPE_KEY}}');
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    const change = fix.edit!.documentChanges![0] as TextDocumentEdit;
    assert.equal(change.textDocument.version, 1);
    await client.change(
      agent,
      (change.edits as TextEdit[]).map((edit) => ({ range: edit.range, text: edit.newText })),
    );
    // The replaced Stripe key was also a secretlint finding (shown once, as leaked-value): it goes with the scan
    // after the typing pause, leaving the GitHub token.
    const after = await client.waitForDiagnostics(agent, (d) => d.length === 1 && d[0].code === 'hardcoded-secret');
    assert.deepEqual(
      after.map((d) => d.code),
      ['hardcoded-secret'],
    );

    // The hardcoded-secret fix is a client command carrying names and ranges only; .env.development is ignored already.
    const hardcoded = after[0];
    const moves = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: agent },
      range: hardcoded.range,
      context: { diagnostics: [hardcoded] },
    })) as CodeAction[];
    // The fix first; the inline ignore, which hides the finding instead, last.
    assert.deepEqual(
      moves.map((action) => [action.title, action.command?.command]),
      [
        ['Move to .env.development as GITHUB_TOKEN…', 'struere.moveSecretToEnv'],
        ['Ignore hardcoded-secret on this line (struere-secrets-ignore comment)', undefined],
      ],
    );
    const args = moves[0].command!.arguments![0] as {
      version: number;
      gitignoreUri?: string;
      referenceTemplate: string;
      parameterEdit?: { newText: string };
    };
    // The literal sits in `handler()`: the same edit adds the parameters that bring `context` into scope.
    assert.deepEqual(
      [args.version, args.gitignoreUri, args.referenceTemplate, args.parameterEdit?.newText],
      [2, undefined, 'context.secrets.KEY', '_args, context'],
    );
    assert.ok(!JSON.stringify(moves).includes(GITHUB_LIKE));

    // Removing the value from the env file rescans: pasting it back into the prompt is no leak any more.
    await client.change(agent, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `// ${STRIPE_LIKE}\n` },
    ]);
    await client.waitForDiagnostics(agent, (d) => d.some((x) => x.code === 'leaked-value'));
    const env = fileUri(ws.path('.env.development'));
    await client.open(env, `STRIPE_KEY=${STRIPE_LIKE}\nPORT=3000\n`, 'dotenv');
    await client.change(env, [
      {
        range: { start: { line: 0, character: 11 }, end: { line: 0, character: 11 + STRIPE_LIKE.length } },
        text: 'rotated',
      },
    ]);
    await client.waitForDiagnostics(agent, (d) => !d.some((x) => x.code === 'leaked-value'));
    // By now the server has handled the notes' open long ago (the agent's later diagnostics came after it).
    assert.equal(client.diagnostics.get(notes)?.length ?? 0, 0);
  } finally {
    await client.stop();
    ws.dispose();
  }
});
