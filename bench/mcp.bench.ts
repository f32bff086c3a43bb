import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { generateWorkspace } from './server.bench';
import { goalLine, median } from './stats';

/**
 * The MCP server's first answer against the CLI's `status` on the same tree: `mcp DIR` started by the SDK's own
 * client over stdio (as test/cli/mcp.test.ts does), timed from the spawn to the first `secrets_status` result, and
 * `status DIR` timed from its spawn to its exit. Both are the built CLI (dist/cli.js) with Node's start-up, both
 * read the same workspace from scratch; the runs alternate so load from other processes falls on both alike.
 * Without an API key, so neither waits on a network.
 *
 *   node --import tsx bench/mcp.bench.ts
 */

const FILES = Number(process.env.BENCH_MCP_FILES ?? 10_000);
const RUNS = 3;
const GOAL_RATIO = 2;
const CLI = path.resolve(__dirname, '../dist/cli.js');

export async function benchMcp(): Promise<void> {
  console.log(`\n== MCP: first secrets_status vs CLI status, ${FILES} prompt files ==`);
  const dir = mkdtempSync(path.join(tmpdir(), 'struere-bench-mcp-'));
  const stateDir = mkdtempSync(path.join(tmpdir(), 'struere-bench-mcp-state-'));
  const env = { PATH: process.env.PATH ?? '', STRUERE_SECRETS_STATE_DIR: stateDir };
  try {
    generateWorkspace(dir, FILES);
    const cli: number[] = [];
    const mcp: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      cli.push(await timeStatus(dir, env));
      mcp.push(await timeFirstMcpStatus(dir, env));
    }
    const show = (samples: number[]) => samples.map((ms) => ms.toFixed(0)).join(' / ');
    console.log(`cli status (spawn → exit):                 ${show(cli)} ms, median ${median(cli).toFixed(0)} ms`);
    console.log(`mcp (spawn → first secrets_status answer): ${show(mcp)} ms, median ${median(mcp).toFixed(0)} ms`);
    const line = goalLine(
      `MCP first secrets_status ÷ CLI status, ${FILES / 1000}k`,
      median(mcp) / median(cli),
      '×',
      GOAL_RATIO,
    );
    console.log(line);
    if (/\bFAIL\b/.test(line)) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** `status DIR` in text form, its output discarded; it must exit 0 or 1 (problems found), never fail. */
function timeStatus(dir: string, env: Record<string, string>): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'status', dir], { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`status exited with ${code}`));
      else resolve(performance.now() - started);
    });
  });
}

/** `mcp DIR` through the SDK client: spawn, handshake, one secrets_status call, which must name the project. */
async function timeFirstMcpStatus(dir: string, env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', dir], env });
  const client = new Client({ name: 'struere-bench', version: '0.0.0' });
  try {
    await client.connect(transport);
    const answer = (await client.callTool({ name: 'secrets_status', arguments: {} })) as {
      isError?: boolean;
      content: { text?: string }[];
    };
    const elapsed = performance.now() - started;
    const text = answer.content.map((part) => part.text ?? '').join('\n');
    if (answer.isError || !text.includes('KEY_0')) throw new Error(`secrets_status did not answer the status: ${text}`);
    return elapsed;
  } finally {
    await client.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  benchMcp().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
