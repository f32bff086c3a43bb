import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import fc from 'fast-check';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';
import { describeFailure, FUZZ_RUNS, fuzzSeed } from './fuzzSettings';

/**
 * Model-based fuzzing of the built server over stdio, the way trusted language servers are tested: random
 * sequences of open / change / close / requests / notifications, at random positions, with random and wrongly
 * typed params and random file contents (binary, huge lines, CRLF mixes, dropped keys). Invariants after every
 * step: the process is alive, every request is answered (a result or an error) within REQUEST_BOUND_MS, and no
 * canary value appears in any message the server sent. `npm test` runs a bounded number of sequences;
 * `npm run fuzz` (STRUERE_FUZZ_RUNS) a long run. A failure prints fast-check's seed and shrunk sequence.
 */

/** Every value written into an env file carries this; it must never come back from the server. */
const CANARY = 'cnry9x';
const REQUEST_BOUND_MS = 10_000;

const FILES = [
  '.env.development',
  '.env.production',
  '.env.local',
  '.env',
  'agents/support.ts',
  'prompts/p.md',
  'tools/t.ts',
  'notes.txt',
  '../outside.env',
  'deep/struere.json',
  // A committed template linking out of the project: no edit the server returns may target it.
  '.env.example',
  // Names that end a line and forge a workflow command after it.
  'prompts/line\n::error file=forged::name.md',
  '.env.x\u2028::warning::name',
] as const;

// ---- random content ----

const key = fc.oneof(
  fc.constantFrom('A', 'KEY', 'API_TOKEN', '__proto__', 'constructor', '1BAD', 'my-key', 'ÄÖ', ''),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/),
);
const value = fc
  .tuple(fc.nat(9999), fc.constantFrom('', '"', "'", '`'))
  .map(([n, quote]) => `${quote}${CANARY}${n}${quote}`);
const eol = fc.constantFrom('\n', '\r\n', '\r');
const envLine = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(key, value).map(([k, v]) => `${k}=${v}`) },
  { weight: 1, arbitrary: fc.tuple(key, value).map(([k, v]) => `export ${k} = ${v} # note`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).filter((s) => !s.includes(CANARY)) },
  { weight: 1, arbitrary: fc.constantFrom('# comment', '', '   ', 'KEY="open', '\u0000\u0001\u00ff') },
);
const referenceLine = fc.oneof(
  key.map((k) => `{{secrets.${k}}}`),
  key.map((k) => `<<secrets.${k}>>`),
  key.map((k) => `context.secrets.${k}`),
  key.map((k) => `context.secrets["${k}"]`),
  fc.string({ maxLength: 30 }).filter((s) => !s.includes(CANARY)),
);
const content = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.tuple(envLine, eol), { maxLength: 30 }).map((ls) => ls.flat().join('')) },
  { weight: 3, arbitrary: fc.array(fc.tuple(referenceLine, eol), { maxLength: 30 }).map((ls) => ls.flat().join('')) },
  // Huge lines: one long value, one long reference line.
  {
    weight: 1,
    arbitrary: fc.nat(200_000).map((n) => `BIG=${CANARY}${'x'.repeat(n)}\n{{secrets.${'K'.repeat(n % 5000)}}}`),
  },
  // Binary.
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 2000 })
      .map((bytes) => Buffer.from(bytes).toString('latin1').replaceAll(CANARY, '')),
  },
);

const position = fc.record({
  line: fc.oneof(fc.nat(40), fc.integer({ min: -5, max: 2 ** 31 })),
  character: fc.oneof(fc.nat(200), fc.integer({ min: -5, max: 2 ** 31 })),
});
/** Wrongly typed params: any JSON, including nothing at all. */
const junk = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined));

// ---- commands ----

type Command =
  | { kind: 'open'; file: number; text: string }
  | { kind: 'change'; file: number; text: string; range?: { start: Pos; end: Pos } }
  | { kind: 'close'; file: number }
  | { kind: 'request'; method: string; params: unknown }
  | { kind: 'notify'; method: string; params: unknown };
interface Pos {
  line: number;
  character: number;
}

const fileIndex = fc.nat(FILES.length - 1);
const REQUESTS = [
  'textDocument/hover',
  'textDocument/completion',
  'textDocument/definition',
  'textDocument/references',
  'textDocument/documentHighlight',
  'textDocument/documentSymbol',
  'textDocument/prepareRename',
  'textDocument/rename',
  'textDocument/codeAction',
  'textDocument/codeLens',
  'textDocument/diagnostic',
  'completionItem/resolve',
  'workspace/symbol',
  'struere/secretStatus',
  'struere/indexStats',
  'struere/noSuchMethod',
] as const;
const NOTIFICATIONS = [
  'textDocument/didOpen',
  'textDocument/didChange',
  'textDocument/didClose',
  'textDocument/didSave',
  'workspace/didChangeConfiguration',
  'workspace/didChangeWatchedFiles',
  'struere/setEnvironment',
  'struere/setRemoteNames',
  '$/cancelRequest',
] as const;

function command(uris: readonly string[]): fc.Arbitrary<Command> {
  const wellFormedParams = fc
    .record({ file: fileIndex, position, newName: key, query: fc.string({ maxLength: 5 }) })
    .map(({ file, position: at, newName, query }) => ({
      textDocument: { uri: uris[file] },
      position: at,
      range: { start: at, end: at },
      context: {
        includeDeclaration: true,
        diagnostics: [
          {
            range: { start: at, end: at },
            message: '',
            source: 'struere',
            code: 'missing-secret',
            data: { key: newName },
          },
        ],
      },
      newName,
      query,
      projectUri: uris[file],
      label: newName,
      data: { uri: uris[file] },
    }));
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('open' as const), file: fileIndex, text: content }) },
    {
      weight: 4,
      arbitrary: fc.record(
        {
          kind: fc.constant('change' as const),
          file: fileIndex,
          text: fc.oneof(content, envLine, referenceLine),
          range: fc.record({ start: position, end: position }),
        },
        { requiredKeys: ['kind', 'file', 'text'] },
      ),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('close' as const), file: fileIndex }) },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('request' as const),
        method: fc.constantFrom(...REQUESTS),
        params: fc.oneof({ weight: 3, arbitrary: wellFormedParams }, { weight: 1, arbitrary: junk }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('notify' as const),
        method: fc.constantFrom(...NOTIFICATIONS),
        params: fc.oneof(
          junk,
          fc.record({ environment: fc.oneof(fc.constantFrom('production', 'eval', 'nope'), junk) }),
          fc.record({ settings: fc.record({ struere: junk }) }),
          fileIndex.map((file) => ({ textDocument: { uri: uris[file] } })),
        ),
      }),
    },
  );
}

test(
  'server fuzz: alive, every request answered in bound, no value in any message',
  { timeout: 600_000 },
  async (t) => {
    // Hostile git input besides: a .gitignore line that backtracks in a regular-expression matcher (with a project
    // 30 folders deep), and .env.local linking to a committed file of the project.
    const deep = Array.from({ length: 30 }, () => 'y').join('/');
    const ws = tempWorkspace({
      'struere.json': '{"name":"fuzz"}',
      '.gitignore': `.env.*\n${'**/*/'.repeat(15)}a\nx/**/y/**/y/**/y/**/b\n`,
      '.env.development': `A=${CANARY}1\nKEY=${CANARY}2\n`,
      '.env.production': `A=${CANARY}3\n`,
      'agents/support.ts': 'const p = `{{secrets.A}} {{secrets.KEY}}`;',
      'prompts/p.md': '<<secrets.MISSING>>',
      'docs/app.yaml': `A=${CANARY}4\n`,
      [`${deep}/struere.json`]: '{}',
      [`${deep}/.env.development`]: `A=${CANARY}5\n`,
    });
    t.after(() => ws.dispose());
    symlinkSync('docs/app.yaml', ws.path('.env.local'));
    const outside = mkdtempSync(path.join(tmpdir(), 'struere-fuzz-outside-'));
    t.after(() => rmSync(outside, { recursive: true, force: true }));
    writeFileSync(path.join(outside, 'victim.env'), `VICTIM=${CANARY}6\n`);
    symlinkSync(path.join(outside, 'victim.env'), ws.path('.env.example'));
    ws.write('prompts/line\n::error file=forged::name.md', '{{secrets.NOT_SET}}\n');
    ws.write('.env.x\u2028::warning::name', `X=${CANARY}7\n`);
    const uris = FILES.map((name) => fileUri(ws.path(name)));
    const client = await LspTestClient.start({ folders: [ws.dir], watchFiles: true, pull: false });
    t.after(() => (client.process.exitCode === null ? client.stop() : undefined));
    const versions = new Map<string, number>();
    let requests = 0;
    let editTargetsChecked = 0;

    const answered = async (method: string, params: unknown): Promise<void> => {
      requests++;
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<'timeout'>(
        (resolve) => (timer = setTimeout(() => resolve('timeout'), REQUEST_BOUND_MS)),
      );
      const reply = client.connection.sendRequest(method, params).then(
        (result: unknown) => {
          const targets = editTargets(result);
          editTargetsChecked += targets.length;
          assertNoLinkedTargets(targets, ws.dir, method);
          return 'result' as const;
        },
        () => 'error' as const,
      );
      const outcome = await Promise.race([reply, bound]);
      clearTimeout(timer);
      assert.notEqual(outcome, 'timeout', `${method} was not answered within ${REQUEST_BOUND_MS} ms`);
    };

    const run = async (step: Command): Promise<void> => {
      const uri = 'file' in step ? uris[step.file]! : '';
      switch (step.kind) {
        case 'open':
          versions.set(uri, 1);
          await client.connection.sendNotification('textDocument/didOpen', {
            textDocument: {
              uri,
              languageId: uri.includes('.env') ? 'dotenv' : 'typescript',
              version: 1,
              text: step.text,
            },
          });
          return;
        case 'change': {
          const version = (versions.get(uri) ?? 0) + 1;
          versions.set(uri, version);
          const change = step.range ? { range: step.range, text: step.text } : { text: step.text };
          await client.connection.sendNotification('textDocument/didChange', {
            textDocument: { uri, version },
            contentChanges: [change],
          });
          return;
        }
        case 'close':
          versions.delete(uri);
          await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
          return;
        case 'request':
          return answered(step.method, step.params);
        case 'notify':
          await client.connection.sendNotification(step.method, step.params);
          return;
      }
    };

    const result = await fc.check(
      fc.asyncProperty(fc.array(command(uris), { minLength: 1, maxLength: 25 }), async (steps) => {
        for (const step of steps) {
          await run(step);
          assert.equal(client.process.exitCode, null, `the server exited: ${client.stderr.join('').slice(-2000)}`);
        }
        // Notifications are not answered: a request after them proves the server survived them.
        await answered('struere/indexStats', undefined);
        // Each sequence starts from the files on disk, so a failure replays from its own steps.
        for (const uri of versions.keys()) await run({ kind: 'close', file: uris.indexOf(uri) });
        const sent = client.received.join('');
        assert.ok(!sent.includes(CANARY), 'a value crossed the connection');
      }),
      { numRuns: FUZZ_RUNS.server, seed: fuzzSeed(), endOnFailure: true },
    );
    assert.ok(!result.failed, describeFailure(result));
    // Quick fixes for the codes whose fixes edit other files (.env.example, .gitignore, an env file), asked for on
    // every file: the random sequences seldom hit a real diagnostic, these do.
    for (const uri of uris)
      for (const code of ['env-example', 'not-gitignored', 'missing-secret', 'leaked-value', 'hardcoded-secret'])
        for (const line of [0, 1]) {
          const range = { start: { line, character: 0 }, end: { line, character: 200 } };
          const diagnostics = [{ range, message: '', source: 'struere', code }];
          await answered('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics } });
        }
    assert.ok(editTargetsChecked > 0, 'control: some code action returned an edit to check');
    // Control: the leak check reads what the server really sent (diagnostics naming keys), not an empty buffer.
    assert.ok(client.received.join('').includes('textDocument/publishDiagnostics'));
    t.diagnostic(
      `server fuzz: ${FUZZ_RUNS.server} sequences, ${requests} requests, ${editTargetsChecked} edit targets checked, ${client.received.length} message chunks`,
    );
  },
);

test('control: the edit-target check catches an edit through a link', (t) => {
  const ws = tempWorkspace({ 'struere.json': '{}', 'real.txt': '' });
  t.after(() => ws.dispose());
  symlinkSync(ws.path('real.txt'), ws.path('.env.example'));
  const edit = { changes: { [fileUri(ws.path('.env.example'))]: [] } };
  assert.throws(() => assertNoLinkedTargets(editTargets([{ edit }]), ws.dir, 'codeAction'), /through a link/);
  assert.doesNotThrow(() =>
    assertNoLinkedTargets(
      editTargets([{ edit: { changes: { [fileUri(ws.path('real.txt'))]: [] } } }]),
      ws.dir,
      'codeAction',
    ),
  );
});

/** Every document URI a WorkspaceEdit in an answer touches (code actions, renames): changes and documentChanges. */
function editTargets(result: unknown): string[] {
  const edits: unknown[] = Array.isArray(result)
    ? result.map((action) => (action as { edit?: unknown })?.edit)
    : [result];
  const uris: string[] = [];
  for (const edit of edits) {
    if (typeof edit !== 'object' || edit === null) continue;
    const { changes, documentChanges } = edit as { changes?: object; documentChanges?: unknown[] };
    if (changes) uris.push(...Object.keys(changes));
    for (const change of documentChanges ?? []) {
      const c = change as { textDocument?: { uri?: string }; uri?: string; oldUri?: string; newUri?: string };
      for (const uri of [c.textDocument?.uri, c.uri, c.oldUri, c.newUri]) if (typeof uri === 'string') uris.push(uri);
    }
  }
  return uris;
}

/** No edit may target a link, or a path through a link, inside the workspace (the safe writer would refuse it). */
function assertNoLinkedTargets(uris: readonly string[], root: string, method: string): void {
  for (const uri of uris) {
    if (!uri.startsWith('file:')) continue;
    const file = fileURLToPath(uri);
    assert.ok(file.startsWith(root + path.sep), `${method}: an edit outside the workspace`);
    for (let current = file; current !== root; current = path.dirname(current)) {
      const stat = lstatOrUndefined(current);
      assert.ok(!stat?.isSymbolicLink(), `${method}: an edit through a link (${path.relative(root, current)})`);
    }
  }
}

function lstatOrUndefined(file: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
