import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CodeAction, WorkspaceEdit } from 'vscode-languageserver-types';
import { actionTargets, editTargets } from '../../engine/core/writableEdits';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';
import { describeFailure, FUZZ_RUNS, fuzzSeed } from './fuzzSettings';

/**
 * Model-based fuzzing of the built server over stdio, the way trusted language servers are tested: random
 * sequences of open / change / close / requests / notifications, at random positions, with random and wrongly
 * typed params and random file contents (binary, huge lines, CRLF mixes, dropped keys). Invariants after every
 * step: the process is alive, every request is answered (a result or an error) within REQUEST_BOUND_MS, and no
 * canary value appears in any message the server sent, and no quick fix or rename edits a file behind a link
 * (.env.example links to a file inside the project, .env.test to one outside it). `npm test` runs a bounded number of sequences;
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
  '.env.example',
  '.env.test',
] as const;
/** Codes with quick fixes that edit files; the well-formed code action requests carry one of them. */
const FIX_CODES = ['missing-secret', 'env-example', 'not-gitignored', 'invalid-key', 'duplicate-key'] as const;
/** Links a cloned repository could commit: edits the server returns must never target them. */
const LINKED = new Set(['.env.example', '.env.test']);

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
    .record({
      file: fileIndex,
      position,
      newName: key,
      query: fc.string({ maxLength: 5 }),
      diagnosticCode: fc.constantFrom(...FIX_CODES),
    })
    .map(({ file, position: at, newName, query, diagnosticCode }) => ({
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
            code: diagnosticCode,
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
    const ws = tempWorkspace({
      'struere.json': '{"name":"fuzz"}',
      '.gitignore': '.env.*\n',
      '.env.development': `A=${CANARY}1\nKEY=${CANARY}2\n`,
      '.env.production': `A=${CANARY}3\n`,
      'agents/support.ts': 'const p = `{{secrets.A}} {{secrets.KEY}}`;',
      'prompts/p.md': '<<secrets.MISSING>>',
    });
    const outside = mkdtempSync(path.join(tmpdir(), 'struere-fuzz-outside-'));
    t.after(() => {
      ws.dispose();
      rmSync(outside, { recursive: true, force: true });
    });
    writeFileSync(ws.path('config-template.env'), 'A=\nTEMPLATE_ONLY=\n');
    symlinkSync('config-template.env', ws.path('.env.example'));
    writeFileSync(path.join(outside, 'test.env'), 'OUT=1\n');
    symlinkSync(path.join(outside, 'test.env'), ws.path('.env.test'));
    const uris = FILES.map((name) => fileUri(ws.path(name)));
    const linkedUris = new Set(FILES.filter((name) => LINKED.has(name)).map((name) => fileUri(ws.path(name))));
    let edits = 0;
    /** The edits a code action or rename answer would make: none may target a linked file. */
    const assertNoLinkedTarget = (method: string, answer: unknown): void => {
      let targets: string[] = [];
      if (method === 'textDocument/codeAction' && Array.isArray(answer))
        targets = (answer as CodeAction[]).flatMap(actionTargets);
      else if (method === 'textDocument/rename' && answer) targets = editTargets(answer as WorkspaceEdit);
      edits += targets.length;
      for (const target of targets) assert.ok(!linkedUris.has(target), `${method} edits ${target}, a link`);
    };
    const client = await LspTestClient.start({ folders: [ws.dir], watchFiles: true, pull: false });
    t.after(() => (client.process.exitCode === null ? client.stop() : undefined));
    const versions = new Map<string, number>();
    let requests = 0;

    const answered = async (method: string, params: unknown): Promise<void> => {
      requests++;
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<'timeout'>(
        (resolve) => (timer = setTimeout(() => resolve('timeout'), REQUEST_BOUND_MS)),
      );
      const reply = client.connection.sendRequest(method, params).then(
        (answer: unknown) => ({ answer }),
        () => 'error' as const,
      );
      const outcome = await Promise.race([reply, bound]);
      clearTimeout(timer);
      assert.notEqual(outcome, 'timeout', `${method} was not answered within ${REQUEST_BOUND_MS} ms`);
      if (typeof outcome === 'object') assertNoLinkedTarget(method, outcome.answer);
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
    // Every fix of every code on every file once more (random sequences ask for few): the link check above then
    // sees real edits, so it does not hold vacuously.
    const before = edits;
    for (const uri of uris)
      for (const code of FIX_CODES) {
        const at = { line: 0, character: 0 };
        const diagnostic = {
          range: { start: at, end: at },
          message: '',
          source: 'struere',
          code,
          data: { key: 'NEW_KEY' },
        };
        await answered('textDocument/codeAction', {
          textDocument: { uri },
          range: diagnostic.range,
          context: { diagnostics: [diagnostic] },
        });
      }
    assert.ok(edits - before > 0, 'no code action edited anything: the link check saw nothing');
    // Control: the leak check reads what the server really sent (diagnostics naming keys), not an empty buffer.
    assert.ok(client.received.join('').includes('textDocument/publishDiagnostics'));
    t.diagnostic(
      `server fuzz: ${FUZZ_RUNS.server} sequences, ${requests} requests, ${edits} edit targets checked, ${client.received.length} message chunks`,
    );
  },
);
