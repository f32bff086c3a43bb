import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodeActionRequest, HoverRequest, type CodeAction, type Hover } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

// Over real LSP: a value pasted where a key name belongs is described in the diagnostic, the hover and the quick
// fix titles, and crosses the connection in no message of the server.

const PASTED = 'sk-proj-Q7vR2mXk9LpT4wZs8NcY3bHd6FgJ1aUe5iOq0rVt2yWx';

async function serverSees(name: string, envKey = name): Promise<{ received: string; hover: string; titles: string[] }> {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.gitignore': '.env.*\n',
    '.env.development': `${envKey}=1\n`,
    'p.md': `Use {{secrets.${name}}}.\n`,
  });
  const client = await LspTestClient.start({ folders: [ws.dir] });
  try {
    const prompt = fileUri(ws.path('p.md'));
    const env = fileUri(ws.path('.env.development'));
    const [reference] = await client.waitForDiagnostics(prompt, (d) => d.length > 0);
    const envDiagnostics = await client.waitForDiagnostics(env, (d) => d.length > 0);
    const hover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: prompt },
      position: reference!.range.start,
    })) as Hover | null;
    const actions: CodeAction[] = [];
    for (const [uri, diagnostics] of [
      [prompt, [reference!]],
      [env, envDiagnostics],
    ] as const)
      actions.push(
        ...((await client.connection.sendRequest(CodeActionRequest.type, {
          textDocument: { uri },
          range: diagnostics[0]!.range,
          context: { diagnostics: [...diagnostics] },
        })) as CodeAction[]),
      );
    return {
      received: client.received.join(''),
      hover: JSON.stringify(hover),
      titles: actions.map((action) => action.title),
    };
  } finally {
    await client.stop();
    ws.dispose();
  }
}

test('invalid-reference and invalid-key over LSP: described, never quoted, in no message of the server', async () => {
  const seen = await serverSees(PASTED);
  assert.ok(!seen.received.includes(PASTED), 'the pasted value crossed the connection');
  assert.match(seen.hover, new RegExp(`A ${PASTED.length}-character name with '-' in it cannot be a key`));
  assert.ok(seen.titles.length > 0 && seen.titles.every((title) => !title.toUpperCase().includes('Q7VR2MXK9')));
  assert.match(seen.received, /cannot be a secret name/, 'the invalid-key diagnostic was published');
});

test('control: a valid name in the same places crosses the connection, so the check above can fail', async () => {
  // Unset (missing-secret quotes it); the env file holds another, invalid key so both files have a diagnostic.
  const seen = await serverSees('VALID_BUT_UNSET', '9bad');
  assert.ok(seen.received.includes('VALID_BUT_UNSET'));
  assert.match(seen.hover, /VALID_BUT_UNSET/);
});
