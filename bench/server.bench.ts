import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CompletionRequest } from 'vscode-languageserver-protocol';
import { scanReferences } from '../engine/core/references';
import { IndexStatsRequest } from '../engine/protocol';
import { fileUri, LspTestClient } from '../test/support/lspClient';
import { goalLine, median, percentile } from './stats';

const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const KEYS = 2_000;
const FLIP_COLUMN = 'Escalate {{secrets.'.length;

/**
 * The server over stdio on a generated workspace: 10,000 prompt files (~2 KB, 3 references each) and 2,000 keys
 * per env file. Every prompt references one key absent from development, so every file gets a diagnostic and
 * "all diagnostics" is observable. The reference line is a raw read + scan of the same files in this process.
 */
export async function benchServer(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'struere-bench-'));
  try {
    const { promptPaths } = generateWorkspace(dir);
    console.log(`\n== server over stdio: ${FILES} prompt files, ${KEYS} keys per env file ==`);

    const rawStart = performance.now();
    let rawReferences = 0;
    for (const file of promptPaths) rawReferences += scanReferences(readFileSync(file, 'utf8')).length;
    const rawMs = performance.now() - rawStart;
    console.log(
      `reference: read + scan all files in one process, sync:   ${rawMs.toFixed(0)} ms (${rawReferences} references)`,
    );

    // Declared like VS Code: completion lists share one edit range instead of repeating it per item. Launched as
    // our VS Code client launches it (client/src/extension.ts): `--max-semi-space-size=2` on the command line.
    // BENCH_NODE_ARGS="" measures a plain `node dist/server.js` launch instead.
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '--max-semi-space-size=2').split(' ').filter(Boolean);
    console.log(`server launched as: node ${[...nodeArgs, 'dist/server.js', '--stdio'].join(' ')}`);
    const client = await LspTestClient.start({ folders: [dir], waitLimitMs: 120_000, itemDefaults: true, nodeArgs });
    try {
      await client.waitFor(() => client.diagnostics.size >= FILES, 'all diagnostics');
      const indexMs = client.lastPublishAt - client.initializedAt;
      const afterIndex = (await client.connection.sendRequest(IndexStatsRequest.type)).memory;

      // Completion in an open prompt, at a reference.
      const openUri = fileUri(promptPaths[0]);
      const openText = readFileSync(promptPaths[0], 'utf8');
      await client.open(openUri, openText, 'markdown');
      const line = openText.split('\n').findIndex((l) => l.includes('{{secrets.'));
      const character = openText.split('\n')[line].indexOf('{{secrets.') + '{{secrets.'.length;
      const completionMs: number[] = [];
      for (let i = 0; i < 300; i++) {
        const start = performance.now();
        await client.connection.sendRequest(CompletionRequest.type, {
          textDocument: { uri: openUri },
          position: { line, character },
        });
        if (i >= 20) completionMs.push(performance.now() - start);
      }

      const afterCompletion = (await client.connection.sendRequest(IndexStatsRequest.type)).memory;
      // didChange on a 200 KB prompt: the edit flips one reference between two missing keys.
      const bigUri = fileUri(path.join(dir, 'agents', 'big-prompt.md'));
      const bigText = makeBigPrompt();
      await client.open(bigUri, bigText, 'markdown');
      await client.waitForDiagnostics(bigUri, (d) => d.length > 0);
      const editLine = bigText.split('\n').length - 2;
      const changeMs: number[] = [];
      for (let i = 0; i < 120; i++) {
        const key = i % 2 === 0 ? 'FLIP_B' : 'FLIP_A';
        const start = performance.now();
        await client.change(bigUri, [
          {
            range: {
              start: { line: editLine, character: FLIP_COLUMN },
              end: { line: editLine, character: FLIP_COLUMN + 6 },
            },
            text: key,
          },
        ]);
        await client.waitForDiagnostics(bigUri, (d) => d.some((x) => (x.data as { key?: string }).key === key));
        if (i >= 20) changeMs.push(performance.now() - start);
      }

      const afterChange = (await client.connection.sendRequest(IndexStatsRequest.type)).memory;
      // An .env edit: add/remove a key referenced by many files; wait until all of them are re-diagnosed.
      const envUri = fileUri(path.join(dir, '.env.development'));
      const envText = readFileSync(path.join(dir, '.env.development'), 'utf8');
      await client.open(envUri, envText, 'dotenv');
      const envLines = envText.split('\n').length - 1;
      const affected = promptPaths.filter((_, i) => i % 20 === 0).map(fileUri); // files referencing NOT_YET_SET
      const envEditMs: number[] = [];
      for (let i = 0; i < 30; i++) {
        const adding = i % 2 === 0;
        const start = performance.now();
        await client.change(envUri, [
          adding
            ? {
                range: { start: { line: envLines, character: 0 }, end: { line: envLines, character: 0 } },
                text: 'NOT_YET_SET=1\n',
              }
            : {
                range: { start: { line: envLines, character: 0 }, end: { line: envLines + 1, character: 0 } },
                text: '',
              },
        ]);
        await client.waitFor(
          () =>
            affected.every(
              (uri) =>
                client.diagnostics.get(uri)!.some((d) => (d.data as { key?: string }).key === 'NOT_YET_SET') !== adding,
            ),
          'affected files re-diagnosed',
        );
        envEditMs.push(performance.now() - start);
      }

      const rssMb = readRssMb(client.process.pid!);
      console.log(`affected files per .env edit: ${affected.length}`);
      const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
      const goals = [
        goalLine('initialized → all diagnostics', indexMs, 'ms', 2000),
        goalLine('completion p95', percentile(completionMs, 95), 'ms', 10) +
          `   (median ${median(completionMs).toFixed(2)} ms)`,
        goalLine('didChange 200 KB prompt → diagnostics p95', percentile(changeMs, 95), 'ms', 15) +
          `   (median ${median(changeMs).toFixed(2)} ms)`,
        goalLine('.env edit → affected files re-diagnosed p95', percentile(envEditMs, 95), 'ms', 100) +
          `   (median ${median(envEditMs).toFixed(2)} ms)`,
        goalLine('server RSS (end of run)', rssMb, 'MB', 150),
      ];
      console.log(goals.join('\n'));
      console.log(
        `initialized → all diagnostics is ${(indexMs / rawMs).toFixed(2)}× the in-process read + scan reference`,
      );
      const afterEnvEdits = (await client.connection.sendRequest(IndexStatsRequest.type)).memory;
      for (const [phase, memory] of [
        ['indexing', afterIndex],
        ['completion', afterCompletion],
        ['200 KB edits', afterChange],
        ['.env edits', afterEnvEdits],
      ] as const) {
        console.log(
          `after ${phase}: rss ${mb(memory.rss)} MB, V8 heap used ${mb(memory.heapUsed)} MB, external ${mb(memory.external)} MB`,
        );
      }
      if (goals.some((line) => /\bFAIL\b/.test(line))) process.exitCode = 1;
    } finally {
      await client.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function generateWorkspace(dir: string): { promptPaths: string[] } {
  writeFileSync(path.join(dir, 'struere.json'), '{"name":"bench"}');
  writeFileSync(path.join(dir, '.gitignore'), '.env*\n');
  const env = (prefix: string) =>
    Array.from({ length: KEYS }, (_, i) => `KEY_${i}="${prefix}-value-${i}"`).join('\n') + '\n';
  writeFileSync(path.join(dir, '.env.development'), env('dev'));
  writeFileSync(path.join(dir, '.env.production'), env('prod'));
  const promptPaths: string[] = [];
  const filler =
    'You are a helpful agent. Answer briefly, cite the policy, and never reveal internal identifiers. '.repeat(6);
  for (let folder = 0; folder < 100; folder++) {
    const folderPath = path.join(dir, 'agents', `group-${folder}`);
    mkdirSync(folderPath, { recursive: true });
    for (let file = 0; file < FILES / 100; file++) {
      const n = folder * (FILES / 100) + file;
      const missing = n % 20 === 0 ? 'NOT_YET_SET' : `MISSING_${n % 50}`;
      const text = `# Prompt ${n}\n${filler}\nUse {{secrets.KEY_${n % KEYS}}} for the API.\n${filler}\nGreet with <<secrets.KEY_${(n * 7) % KEYS}>>.\n${filler}\nEscalate to {{ secrets.${missing} }}.\n${filler}\n`;
      const filePath = path.join(folderPath, `prompt-${n}.md`);
      writeFileSync(filePath, text);
      promptPaths.push(filePath);
    }
  }
  if (readdirSync(path.join(dir, 'agents')).length !== 100) throw new Error('workspace generation failed');
  return { promptPaths };
}

function makeBigPrompt(): string {
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < 200 * 1024; i++) {
    lines.push(
      `Line ${i}: follow the policy {{secrets.KEY_${i % KEYS}}} and keep the answer short, friendly and accurate for the customer.`,
    );
  }
  lines.push('Escalate {{secrets.FLIP_A}} now.');
  return lines.join('\n') + '\n';
}

function readRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  benchServer().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
