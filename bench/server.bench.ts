import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CompletionRequest,
  WorkspaceDiagnosticRequest,
  type TextDocumentContentChangeEvent,
  type WorkspaceDiagnosticReport,
  type WorkspaceDiagnosticReportPartialResult,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol';
import { StreamMessageReader } from 'vscode-languageserver-protocol/node';
import { scanReferences } from '../engine/core/model/references';
import { DEFAULT_SETTINGS } from '../engine/core/model/settings';
import { WorkspaceHost } from '../engine/host/workspaceHost';
import { IndexStatsRequest, type IndexStatsResult, VSCODE_SERVER_EXEC_ARGV } from '../engine/protocol';
import { LeanLspClient, occurrences, type Publish } from './leanClient';
import { fileUri, LspTestClient } from '../test/support/lspClient';
import { collectBenchGarbage, goalLine, median, percentile, settleDisk, withQuietBenchCollector } from './stats';

/** The curve: BENCH_SCALES="10000" measures one scale while iterating; `npm run bench` measures all three. */
const SCALES = (process.env.BENCH_SCALES ?? '1000,10000,50000').split(',').map(Number);
/** The scale where a client without completion item defaults (Neovim 0.7, Helix) is measured as well. */
const PLAIN_CLIENT_SCALE = 10_000;
const KEYS = 2_000;
/** Env values that look like credentials: leak detection has a real dictionary to search every file with. */
const CREDENTIAL_KEYS = 50;
/** Even, so the measured edits still alternate adding and removing from an adding one. */
const ENV_EDIT_WARMUP = 4;
/**
 * Measured .env edits per phase. With 30, the p95 was the second-slowest edit, and one collection in the server
 * moved it by half (10k push: 20.7–33.3 ms across five runs of one day, medians 10–13 ms); with 60 it was the
 * fourth-slowest, and a few collections still decided it. With 200 it is the eleventh.
 */
const ENV_EDITS = 200;
/**
 * Timed completion requests per phase (after 20 of warm-up). The p95 of a ~0.6 ms request is its tail, made of
 * whatever else happened on the machine in those moments. Over 280 requests the same server's p95 moved between
 * 0.41 and 1.67 ms from one block to the next, so the 50k-vs-1k ratio of two of them ranged 0.46–1.67 with
 * nothing changed; over 1,980 requests it stayed within 0.80–1.21 (six blocks, two pairs of servers).
 */
const COMPLETION_REQUESTS = 2_000;
/** The same for the 200 KB prompt's edits (~2 ms each): over 100, the p95 was the sixth-slowest. */
const PROMPT_CHANGES = 600;
/** Untimed requests and prompt edits before each phase's timed ones: they meet the server's code unoptimised. */
const WARMUP = 20;
/** The timed requests of the clients whose answers are ~300 KB (no item defaults): their goal has a wide margin. */
const PLAIN_COMPLETION_REQUESTS = 280;
const FLIP_COLUMN = 'Escalate {{secrets.'.length;
interface ScaleResult {
  readonly files: number;
  readonly referenceMs: number;
  readonly coldReferenceMs: number;
  /** The least any push server must do for init→all, in a fresh process (bench/initFloor.ts). */
  readonly floorMs: number;
  readonly indexMs: number;
  readonly rssMb: number;
  readonly completionP95: number;
  readonly plainCompletionP95: number | undefined;
  readonly changeP95: number;
  readonly envEditP95: number;
  /** The same .env edits seen by a pull client (VS Code): its held workspace pull answered with the affected files. */
  readonly pullEnvEditP95: number | undefined;
  readonly affected: number;
}

/**
 * The server over stdio on generated workspaces of 1k, 10k and 50k prompt files (~2 KB, 3 references each) with
 * 2,000 keys per env file. Every prompt references one key absent from development, so every file gets a
 * diagnostic and "all diagnostics" is observable. The reference is a raw read + scan of the same files in this
 * process (best of three). The server is launched plain (`node dist/server.js --stdio`), as other editors
 * launch it; BENCH_NODE_ARGS adds V8 flags for experiments.
 */
export async function benchServer(): Promise<void> {
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  console.log(`\n== server over stdio: ${SCALES.join(' / ')} prompt files, ${KEYS} keys per env file ==`);
  console.log(`server launched as: node ${[...nodeArgs, 'dist/server.js', '--stdio'].join(' ')}`);
  const results: ScaleResult[] = [];
  await withQuietBenchCollector(async () => {
    for (const files of SCALES) results.push(await benchScale(files, nodeArgs));
  });
  printCurve(results);
  const goals = [...scaleGoals(results), ...linearityGoals(results), await nestedProjectsGoal()];
  console.log(goals.join('\n'));
  if (goals.some((line) => /\bFAIL\b/.test(line))) process.exitCode = 1;
}

async function benchScale(files: number, nodeArgs: string[]): Promise<ScaleResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'struere-bench-'));
  try {
    const { promptPaths } = generateWorkspace(dir, files);
    const referenceMs = Math.min(...[0, 1, 2].map(() => readAndScan(promptPaths)));
    console.log(`\n-- ${files} files: reference (read + scan all files in one process, best of 3): ${ms(referenceMs)}`);
    const coldReferenceMs = coldReadAndScan(promptPaths);
    console.log(
      `   the same read + scan once in a fresh process (code not yet optimised, median of 3): ${ms(coldReferenceMs)}`,
    );
    const floorMs = await initFloor(dir, files);
    console.log(
      `   the floor: walk, parse .env.development, read + scan, one publish per file to the client's last byte, ` +
        `in a fresh process (median of 3): ${ms(floorMs)} = ${(floorMs / coldReferenceMs).toFixed(2)}× the cold reference`,
    );
    // Two launches that only index, and the measured one below: init→all is their median, as its divisor is.
    const initRuns = [await indexOnce(dir, files, nodeArgs), await indexOnce(dir, files, nodeArgs)];
    const affected = promptPaths.filter((_, i) => i % 20 === 0).map(fileUri); // the files referencing NOT_YET_SET
    const bigPrompt = fileUri(path.join(dir, 'agents', 'big-prompt.md'));
    const watch = new WatchedDiagnostics(files, [...affected, bigPrompt]);
    const { client, initMs } = await launchIndexed(dir, nodeArgs, watch);
    try {
      initRuns.push(initMs);
      const indexMs = median(initRuns);
      console.log(`   init→all diagnostics, three launches: ${initRuns.map((run) => ms(run)).join(' / ')}`);
      const afterIndex = await memoryOf(client);
      const completionMs = await measureCompletion(client, promptPaths[0]!);
      const afterCompletion = await memoryOf(client);
      const changeMs = await measureBigPromptChanges(client, watch, bigPrompt);
      const afterChange = await memoryOf(client);
      const envEditMs = await measureEnvEdits(client, watch, dir, affected);
      const rssMb = readRssMb(client.process.pid!);
      const afterEnvEdits = await memoryOf(client);
      for (const [phase, memory] of [
        ['indexing', afterIndex],
        ['completion', afterCompletion],
        ['200 KB edits', afterChange],
        ['.env edits', afterEnvEdits],
      ] as const)
        console.log(`   after ${phase.padEnd(12)} ${memory}`);
      const plainCompletionP95 =
        files === PLAIN_CLIENT_SCALE ? await plainClientCompletion(dir, promptPaths[0]!) : undefined;
      const pull = files >= PLAIN_CLIENT_SCALE ? await pullClientEnvEdits(dir, affected, nodeArgs) : undefined;
      const pullEnvEditMs = pull?.samples;
      const spread = (times: readonly number[]) =>
        `median ${ms(median(times), 1)}, p95 ${ms(percentile(times, 95), 1)}`;
      console.log(
        `   .env edit → ${affected.length} files re-diagnosed: push client ${spread(envEditMs)}` +
          (pullEnvEditMs ? `; pull client ${spread(pullEnvEditMs)}` : ''),
      );
      if (pull)
        console.log(
          `   the pull client's server, launched as VS Code launches it (${VSCODE_SERVER_EXEC_ARGV.join(' ')}): ` +
            `RSS ${pull.rssMb.toFixed(1)} MB after its edits (not a goal: the RSS goal is the plain launch's)`,
        );
      return {
        files,
        referenceMs,
        coldReferenceMs,
        floorMs,
        indexMs,
        rssMb,
        completionP95: percentile(completionMs, 95),
        plainCompletionP95,
        changeP95: percentile(changeMs, 95),
        envEditP95: percentile(envEditMs, 95),
        pullEnvEditP95: pullEnvEditMs && percentile(pullEnvEditMs, 95),
        affected: affected.length,
      };
    } finally {
      await client.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What the timing client remembers of the server's diagnostics: which files got any (the end of indexing) and,
 * for the files a phase watches, the keys their latest diagnostics name. Nothing else is kept, as an editor keeps
 * its own copy and not the protocol's objects.
 */
class WatchedDiagnostics {
  readonly files = new Set<string>();
  lastPublishAt = 0;
  private readonly keys = new Map<string, readonly (string | undefined)[]>();

  /** `watched`: the files whose keys are kept, from their first publish on. */
  constructor(
    private readonly expectedFiles: number,
    watched: readonly string[],
  ) {
    for (const uri of watched) this.keys.set(uri, []);
  }

  /** Whether every file has had its diagnostics. */
  get indexed(): boolean {
    return this.files.size >= this.expectedFiles;
  }

  publish({ uri, keys }: Publish): void {
    if (this.files.size < this.expectedFiles) this.files.add(uri);
    this.lastPublishAt = performance.now();
    if (this.keys.has(uri)) this.keys.set(uri, keys);
  }

  names(uri: string, key: string): boolean {
    return this.keys.get(uri)!.includes(key);
  }
}

function readAndScan(promptPaths: readonly string[]): number {
  const start = performance.now();
  let references = 0;
  for (const file of promptPaths) references += scanReferences(readFileSync(file, 'utf8')).length;
  if (references !== promptPaths.length * 3) throw new Error(`reference scan found ${references} references`);
  return performance.now() - start;
}

/**
 * The reference's work done once in a new process (bench/coldScan.ts), timed inside it after its modules loaded:
 * the same work with the code still cold, as a server meets it on every start. The init goal divides by this
 * (issue 23); the warm ratio stays in the table. Median of three fresh processes, so one slice of load from other
 * processes does not move the goal's divisor.
 */
function coldReadAndScan(promptPaths: readonly string[]): number {
  // Outside the workspace: the server must not index the list.
  const listDir = mkdtempSync(path.join(tmpdir(), 'struere-bench-list-'));
  const list = path.join(listDir, 'prompt-paths.txt');
  writeFileSync(list, promptPaths.join('\n'));
  try {
    return median([0, 1, 2].map(() => runColdScan(list)));
  } finally {
    rmSync(listDir, { recursive: true, force: true });
  }
}

function runColdScan(list: string): number {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'coldScan.ts'), list], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`cold scan failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}

/**
 * A server launched over `dir` and waited for until every file has had its diagnostics (`watch` hears them):
 * the time from `initialized` to the last of them. A launch that fails is stopped.
 */
async function launchIndexed(
  dir: string,
  nodeArgs: string[],
  watch: WatchedDiagnostics,
): Promise<{ client: LeanLspClient; initMs: number }> {
  const client = await LeanLspClient.start({
    folders: [dir],
    itemDefaults: true,
    nodeArgs,
    onPublish: (publish) => watch.publish(publish),
  });
  try {
    await client.waitFor(() => watch.indexed, 'all diagnostics');
  } catch (error) {
    await client.stop();
    throw error;
  }
  return { client, initMs: watch.lastPublishAt - client.initializedAt };
}

/** A launch that only indexes (see launchIndexed), then stops. */
async function indexOnce(dir: string, files: number, nodeArgs: string[]): Promise<number> {
  const { client, initMs } = await launchIndexed(dir, nodeArgs, new WatchedDiagnostics(files, []));
  await client.stop();
  return initMs;
}

/**
 * The floor under the init goal (bench/initFloor.ts), median of three fresh processes: timed as init→all is, from
 * the byte that starts it to the last byte of the last file's publish, each message framed and counted as it
 * arrives. What the server does beyond this is its own cost; the init goal's 2× of the cold reference is met only
 * if the server's own cost fits in what the floor leaves of it.
 */
async function initFloor(dir: string, files: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < 3; run++) times.push(await runInitFloor(dir, files));
  return median(times);
}

function runInitFloor(dir: string, files: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'initFloor.ts'), dir], {
    stdio: 'pipe',
  });
  const reader = new StreamMessageReader(child.stdout);
  return new Promise<number>((resolve, reject) => {
    let start = 0;
    let messages = 0;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (start === 0 && stderr.includes('ready\n')) {
        start = performance.now();
        child.stdin.write('go');
      }
    });
    reader.listen(() => {
      if (++messages === files) resolve(performance.now() - start);
    });
    child.once('exit', (code) =>
      messages === files ? undefined : reject(new Error(`the floor sent ${messages} of ${files} (${code}): ${stderr}`)),
    );
  }).finally(() => {
    reader.dispose();
    child.kill();
  });
}

/**
 * Completion in an open prompt, at a reference: `requests` timed requests after WARMUP. Timed until the answer's
 * last byte arrived; each answer is checked for its 2,000 items in its bytes, unparsed (see LeanLspClient). With
 * `echo`, every request is followed by one round trip of the same number of bytes through the bare pipe, timed
 * into `echoSamples`: the transport's share, measured in the same moments as the requests.
 */
async function measureCompletion(
  client: LeanLspClient,
  promptPath: string,
  echo?: { pipe: PipeEcho; samples: number[] },
  requests = COMPLETION_REQUESTS,
): Promise<number[]> {
  const { uri, line, character } = completionPlace(promptPath);
  client.open(uri, readFileSync(promptPath, 'utf8'), 'markdown');
  const samples: number[] = [];
  collectBenchGarbage();
  for (let i = 0; i < WARMUP + requests; i++) {
    const start = performance.now();
    const answer = await client.requestRaw(CompletionRequest.method, {
      textDocument: { uri },
      position: { line, character },
    });
    if (i >= WARMUP) samples.push(performance.now() - start);
    const items = occurrences(answer, '"label":');
    if (items !== KEYS) throw new Error(`completion answered ${items} items, expected ${KEYS}`);
    if (echo) {
      const echoed = await echo.pipe.roundTrip(answer.length);
      if (i >= WARMUP) echo.samples.push(echoed);
    }
  }
  return samples;
}

/** Where the bench completes: right after the first `{{secrets.` of the prompt, before the key written there. */
function completionPlace(promptPath: string): { uri: string; line: number; character: number } {
  const lines = readFileSync(promptPath, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes('{{secrets.'));
  return { uri: fileUri(promptPath), line, character: lines[line]!.indexOf('{{secrets.') + '{{secrets.'.length };
}

/**
 * A client that does not announce completion item defaults (Neovim 0.7, Helix): each item carries its edit, and
 * the answer is ~300 KB. Two figures beside the goal's, from the same run: the same bytes echoed through a pipe
 * by a bare process, one round trip after each request (the transport's share, no server work in it), and the
 * same requests from a client that parses each answer into objects in Node (vscode-jsonrpc, as a JavaScript
 * editor does).
 */
async function plainClientCompletion(dir: string, promptPath: string): Promise<number> {
  const client = await LeanLspClient.start({ folders: [dir], itemDefaults: false });
  const echo = { pipe: PipeEcho.start(), samples: [] as number[] };
  let samples: number[];
  try {
    samples = await measureCompletion(client, promptPath, echo, PLAIN_COMPLETION_REQUESTS);
  } finally {
    echo.pipe.stop();
    await client.stop();
  }
  const parsed = await parsingClientCompletion(dir, promptPath);
  const line = (name: string, times: readonly number[]) =>
    `${name} median ${ms(median(times), 2)}, p95 ${ms(percentile(times, 95), 2)}`;
  console.log(
    `   ${line('client without item defaults: completion', samples)} (${(echo.pipe.lastBytes / 1024).toFixed(0)} KB per answer)\n` +
      `     ${line('the same bytes through a pipe from a bare process, after each request:', echo.samples)}\n` +
      `     ${line('a Node client parsing each answer (vscode-jsonrpc):', parsed)}`,
  );
  return percentile(samples, 95);
}

/** The plain client's requests from a client that turns every answer into objects: the test client. */
async function parsingClientCompletion(dir: string, promptPath: string): Promise<number[]> {
  const client = await LspTestClient.start({ folders: [dir], waitLimitMs: 300_000, recordReceived: false });
  try {
    const { uri, line, character } = completionPlace(promptPath);
    await client.open(uri, readFileSync(promptPath, 'utf8'), 'markdown');
    const samples: number[] = [];
    collectBenchGarbage();
    for (let i = 0; i < WARMUP + PLAIN_COMPLETION_REQUESTS; i++) {
      const start = performance.now();
      const answer = await client.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri },
        position: { line, character },
      });
      if (i >= WARMUP) samples.push(performance.now() - start);
      const items = Array.isArray(answer) ? answer : (answer?.items ?? []);
      if (items.length !== KEYS) throw new Error(`completion answered ${items.length} items, expected ${KEYS}`);
    }
    return samples;
  } finally {
    await client.stop();
  }
}

/**
 * A bare Node process over the same kind of pipe as the server's: each line on its stdin names a byte count, and
 * it writes that many bytes to its stdout.
 */
class PipeEcho {
  lastBytes = 0;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {}

  static start(): PipeEcho {
    // One buffer per size, made once: a round trip is the pipe's work and nothing else, as the server writes its
    // encoding of an unchanged list without making it again.
    const script =
      "const made = new Map(); require('readline').createInterface({ input: process.stdin }).on('line', (n) => {" +
      ' if (!made.has(n)) made.set(n, Buffer.alloc(Number(n), 97)); process.stdout.write(made.get(n)); });';
    return new PipeEcho(spawn(process.execPath, ['-e', script], { stdio: 'pipe' }));
  }

  /** Milliseconds from asking for `bytes` bytes until the last of them arrived. */
  roundTrip(bytes: number): Promise<number> {
    this.lastBytes = bytes;
    const start = performance.now();
    return new Promise((resolve) => {
      let received = 0;
      const onData = (chunk: Buffer) => {
        received += chunk.length;
        if (received < bytes) return;
        this.child.stdout.off('data', onData);
        resolve(performance.now() - start);
      };
      this.child.stdout.on('data', onData);
      this.child.stdin.write(`${bytes}\n`);
    });
  }

  stop(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

/** didChange on a 200 KB prompt: each edit flips one reference between two missing keys. */
async function measureBigPromptChanges(
  client: LeanLspClient,
  watch: WatchedDiagnostics,
  uri: string,
): Promise<number[]> {
  const text = makeBigPrompt();
  client.open(uri, text, 'markdown');
  await client.waitFor(() => watch.names(uri, 'FLIP_A'), 'the big prompt diagnosed');
  const line = text.split('\n').length - 2;
  const samples: number[] = [];
  collectBenchGarbage();
  for (let i = 0; i < WARMUP + PROMPT_CHANGES; i++) {
    const key = i % 2 === 0 ? 'FLIP_B' : 'FLIP_A';
    const start = performance.now();
    client.change(uri, [
      { range: { start: { line, character: FLIP_COLUMN }, end: { line, character: FLIP_COLUMN + 6 } }, text: key },
    ]);
    await client.waitFor(() => watch.names(uri, key), `${key} diagnosed`);
    if (i >= WARMUP) samples.push(performance.now() - start);
  }
  return samples;
}

/** Opens the bench's .env.development; the returned `edit(i)` adds NOT_YET_SET for an even i, removes it for an odd. */
async function openEnvForEdits(
  client: {
    open(uri: string, text: string, languageId: string): unknown;
    change(uri: string, changes: TextDocumentContentChangeEvent[]): unknown;
  },
  dir: string,
): Promise<(i: number) => Promise<void>> {
  const uri = fileUri(path.join(dir, '.env.development'));
  const text = readFileSync(path.join(dir, '.env.development'), 'utf8');
  await client.open(uri, text, 'dotenv');
  const lastLine = text.split('\n').length - 1;
  const at = (line: number) => ({ line, character: 0 });
  return async (i) => {
    await client.change(uri, [
      i % 2 === 0
        ? { range: { start: at(lastLine), end: at(lastLine) }, text: 'NOT_YET_SET=1\n' }
        : { range: { start: at(lastLine), end: at(lastLine + 1) }, text: '' },
    ]);
  };
}

/**
 * An .env edit: add/remove a key referenced by 1 file in 20; wait until all of them are re-diagnosed. The first
 * four are warm-up, as in the other phases: they met the edit path's code unoptimised (2–4× the later edits).
 */
async function measureEnvEdits(
  client: LeanLspClient,
  watch: WatchedDiagnostics,
  dir: string,
  affected: readonly string[],
): Promise<number[]> {
  const edit = await openEnvForEdits(client, dir);
  const samples: number[] = [];
  collectBenchGarbage();
  for (let i = 0; i < ENV_EDIT_WARMUP + ENV_EDITS; i++) {
    const adding = i % 2 === 0;
    const start = performance.now();
    await edit(i);
    // Checked after every message: drop the settled files from the front so a check is not a pass over all of
    // them (that made the client's own bookkeeping quadratic in the affected files).
    let next = 0;
    await client.waitFor(() => {
      while (next < affected.length && watch.names(affected[next]!, 'NOT_YET_SET') !== adding) next++;
      return next === affected.length;
    }, 'affected files re-diagnosed');
    if (i >= ENV_EDIT_WARMUP) samples.push(performance.now() - start);
  }
  return samples;
}

/**
 * The .env edits of measureEnvEdits as a pull client (VS Code) sees them: the client keeps a workspace pull open
 * with the reports it holds, and the server answers it when an edit changes files. Timed from the edit to the
 * answer's last byte, which comes after every partial result of the pull (the reports, as VS Code asks for them);
 * all of them are checked afterwards to name every affected file with its new diagnostics. The pull is made (and
 * held) before the clock starts. The server is launched with the flags our VS Code client gives it.
 */
async function pullClientEnvEdits(
  dir: string,
  affected: readonly string[],
  nodeArgs: readonly string[],
): Promise<{ samples: number[]; rssMb: number }> {
  // Each pull's partial results, by its token (as VS Code asks for them).
  const partials = new Map<string, WorkspaceDocumentDiagnosticReport[]>();
  let firstPartialAt = 0;
  const client = await LeanLspClient.start({
    folders: [dir],
    pull: true,
    nodeArgs: [...VSCODE_SERVER_EXEC_ARGV, ...nodeArgs],
    onProgress: (token, value) => {
      firstPartialAt ||= performance.now();
      partials.get(String(token))?.push(...(value as WorkspaceDiagnosticReportPartialResult).items);
    },
  });
  try {
    const held = new Map<string, string>();
    let pulls = 0;
    /** A pull; `answer` resolves with the last byte of its answer, `items` then has every report it sent. */
    const pull = () => {
      const partialResultToken = `pull-${++pulls}`;
      const items: WorkspaceDocumentDiagnosticReport[] = [];
      partials.set(partialResultToken, items);
      const answer = client.requestRaw(WorkspaceDiagnosticRequest.method, {
        previousResultIds: [...held].map(([uri, value]) => ({ uri, value })),
        partialResultToken,
      });
      return { answer, items, token: partialResultToken };
    };
    /** Parses the answer (after the clock stopped: the parse is the client's) and holds every report's id. */
    const hold = async ({ answer, items, token }: ReturnType<typeof pull>) => {
      const bytes = await answer;
      partials.delete(token);
      items.push(...(JSON.parse(bytes.toString('utf8')) as { result: WorkspaceDiagnosticReport }).result.items);
      for (const { uri, resultId } of items) held.set(uri, resultId!);
      return items;
    };
    const firstStart = performance.now();
    const first = pull();
    await first.answer;
    console.log(
      `   a pull client's first workspace pull: the first reports after ${ms(firstPartialAt - firstStart)}, ` +
        `all ${(await hold(first)).length} after ${ms(performance.now() - firstStart)}`,
    );
    const edit = await openEnvForEdits(client, dir);
    const samples: number[] = [];
    collectBenchGarbage();
    for (let i = 0; i < ENV_EDIT_WARMUP + ENV_EDITS; i++) {
      const adding = i % 2 === 0;
      const waiting = pull();
      // Answers come in order: once a later request is answered, the pull has reached the server and waits.
      await client.request(IndexStatsRequest.method, null);
      const start = performance.now();
      await edit(i);
      await waiting.answer;
      if (i >= ENV_EDIT_WARMUP) samples.push(performance.now() - start);
      const sent = new Map((await hold(waiting)).map((item) => [item.uri, item]));
      for (const file of affected) {
        const item = sent.get(file);
        const flagged =
          item?.kind === 'full' && item.items.some((d) => (d.data as { key?: string }).key === 'NOT_YET_SET');
        if (item === undefined || flagged === adding)
          throw new Error(`the pull's answer to .env edit ${i} missed ${file}`);
      }
    }
    return { samples, rssMb: readRssMb(client.process.pid!) };
  } finally {
    await client.stop();
  }
}

function printCurve(results: readonly ScaleResult[]): void {
  console.log(
    '\nfiles     reference  cold ref   floor   init→all   ×ref  ×cold  ×floor   per file    RSS MB   compl p95  didChange p95  .env edit p95 (affected)',
  );
  for (const r of results)
    console.log(
      `${String(r.files).padEnd(9)} ${ms(r.referenceMs).padStart(9)} ${ms(r.coldReferenceMs).padStart(9)} ${ms(r.floorMs).padStart(7)} ${ms(r.indexMs).padStart(10)} ${(r.indexMs / r.referenceMs).toFixed(2).padStart(6)} ${(r.indexMs / r.coldReferenceMs).toFixed(2).padStart(6)} ${(r.indexMs / r.floorMs).toFixed(2).padStart(7)} ${(r.indexMs / r.files).toFixed(3).padStart(7)} ms ${r.rssMb.toFixed(1).padStart(8)} ${ms(r.completionP95, 2).padStart(11)} ${ms(r.changeP95, 2).padStart(14)} ${ms(r.envEditP95, 1).padStart(14)} (${r.affected})`,
    );
}

/** Issue 12's goals, each at the scales it names (RSS and .env edits per scale; the others at every scale). */
function scaleGoals(results: readonly ScaleResult[]): string[] {
  const lines: string[] = [];
  const k = (files: number) => `${files / 1000}k`;
  for (const r of results) {
    // Issue 23 restated the goal against the cold reference: the server meets its code unoptimised on every start.
    const ratioGoal = r.files <= 1_000 ? 3 : 2;
    lines.push(
      goalLine(`init→all diagnostics ÷ cold reference, ${k(r.files)}`, r.indexMs / r.coldReferenceMs, '×', ratioGoal),
      // Not a goal: how much of the goal's budget the least possible work takes, and how far the server is above it.
      `  of which the floor: ${(r.floorMs / r.coldReferenceMs).toFixed(2)} × the cold reference; ` +
        `init→all is ${(r.indexMs / r.floorMs).toFixed(2)} × the floor`,
    );
    const rssGoal = r.files === 10_000 ? 100 : r.files === 50_000 ? 250 : undefined;
    if (rssGoal) lines.push(goalLine(`server RSS, plain launch, ${k(r.files)}`, r.rssMb, 'MB', rssGoal));
    lines.push(goalLine(`completion p95 (item defaults), ${k(r.files)}`, r.completionP95, 'ms', 3));
    if (r.plainCompletionP95 !== undefined)
      lines.push(goalLine(`completion p95 (no item defaults), ${k(r.files)}`, r.plainCompletionP95, 'ms', 5));
    lines.push(goalLine(`didChange 200 KB prompt p95, ${k(r.files)}`, r.changeP95, 'ms', 5));
    const envGoal = r.files === 10_000 ? 30 : r.files === 50_000 ? 100 : undefined;
    if (envGoal) lines.push(goalLine(`.env edit → re-diagnosed p95, ${k(r.files)}`, r.envEditP95, 'ms', envGoal));
    if (envGoal && r.pullEnvEditP95 !== undefined)
      lines.push(
        goalLine(`.env edit → re-diagnosed p95 (pull client), ${k(r.files)}`, r.pullEnvEditP95, 'ms', envGoal),
      );
  }
  return lines;
}

/**
 * Whether each figure grows linearly with the files: per-file indexing cost, RSS above the smallest scale per
 * file, .env edit per affected file between the two largest scales within 1.5×; completion and didChange do not
 * depend on the file count, so they should stay within 1.5× of the smallest scale's.
 */
function linearityGoals(results: readonly ScaleResult[]): string[] {
  if (results.length < 2) return [];
  const small = results[0]!;
  const large = results[results.length - 1]!;
  const middle = results[results.length - 2]!;
  const growth = (name: string, ratio: number) =>
    goalLine(`${name}, ${large.files / 1000}k vs ${middle.files / 1000}k`, ratio, '×', 1.5);
  const lines = [
    growth('indexing per file', large.indexMs / large.files / (middle.indexMs / middle.files)),
    growth('.env edit per affected file', large.envEditP95 / large.affected / (middle.envEditP95 / middle.affected)),
    goalLine(
      `completion p95, ${large.files / 1000}k vs ${small.files / 1000}k`,
      large.completionP95 / small.completionP95,
      '×',
      1.5,
    ),
    goalLine(
      `didChange p95, ${large.files / 1000}k vs ${small.files / 1000}k`,
      large.changeP95 / small.changeP95,
      '×',
      1.5,
    ),
  ];
  if (middle !== small)
    lines.push(
      growth(
        'RSS per file above the smallest scale',
        (large.rssMb - small.rssMb) /
          (large.files - small.files) /
          ((middle.rssMb - small.rssMb) / (middle.files - small.files)),
      ),
    );
  return lines;
}

/**
 * Discovery and indexing of a chain of nested projects (each level: struere.json, an env file, 5 prompts), in this
 * process: the cost per folder at depth 400 against depth 100. Quadratic work per level shows as a ratio near 4.
 */
async function nestedProjectsGoal(): Promise<string> {
  const perFolder: number[] = [];
  for (const depth of [100, 400]) {
    const root = mkdtempSync(path.join(tmpdir(), 'struere-bench-deep-'));
    try {
      let dir = root;
      for (let level = 0; level < depth; level++) {
        dir = path.join(dir, 'p');
        mkdirSync(dir);
        writeFileSync(path.join(dir, 'struere.json'), '{}');
        writeFileSync(path.join(dir, '.env.development'), `K${level}=v\n`);
        for (let i = 0; i < 5; i++) writeFileSync(path.join(dir, `a${i}.md`), `{{secrets.K${level}}}\n`);
      }
      const best = Math.min(
        ...(await sequential(3, async () => {
          const start = performance.now();
          const host = new WorkspaceHost(DEFAULT_SETTINGS, { scanAgentFilesOnRead: false });
          await host.loadFolder(root);
          if (host.index.allProjects().length !== depth) throw new Error('nested projects not all found');
          return performance.now() - start;
        })),
      );
      perFolder.push(best / depth);
      console.log(
        `nested projects, depth ${depth}: indexing ${ms(best)} (best of 3), ${ms(best / depth, 2)} per folder`,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  return goalLine('nested projects: per folder, depth 400 vs 100', perFolder[1]! / perFolder[0]!, '×', 2);
}

async function sequential(times: number, run: () => Promise<number>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) samples.push(await run());
  return samples;
}

export function generateWorkspace(dir: string, files: number): { promptPaths: string[] } {
  writeFileSync(path.join(dir, 'struere.json'), '{"name":"bench"}');
  writeFileSync(path.join(dir, '.gitignore'), '.env*\n');
  const env = (prefix: string) =>
    Array.from({ length: KEYS }, (_, i) =>
      i < CREDENTIAL_KEYS ? `KEY_${i}="${prefix}_${credentialLike(i)}"` : `KEY_${i}="${prefix}-value-${i}"`,
    ).join('\n') + '\n';
  writeFileSync(path.join(dir, '.env.development'), env('dev'));
  writeFileSync(path.join(dir, '.env.production'), env('prod'));
  const promptPaths: string[] = [];
  const filler =
    'You are a helpful agent. Answer briefly, cite the policy, and never reveal internal identifiers. '.repeat(6);
  const perFolder = files / 100;
  for (let folder = 0; folder < 100; folder++) {
    const folderPath = path.join(dir, 'agents', `group-${folder}`);
    mkdirSync(folderPath, { recursive: true });
    for (let file = 0; file < perFolder; file++) {
      const n = folder * perFolder + file;
      const missing = n % 20 === 0 ? 'NOT_YET_SET' : `MISSING_${n % 50}`;
      const text = `# Prompt ${n}\n${filler}\nUse {{secrets.KEY_${n % KEYS}}} for the API.\n${filler}\nGreet with <<secrets.KEY_${(n * 7) % KEYS}>>.\n${filler}\nEscalate to {{ secrets.${missing} }}.\n${filler}\n`;
      const filePath = path.join(folderPath, `prompt-${n}.md`);
      writeFileSync(filePath, text);
      promptPaths.push(filePath);
    }
  }
  if (readdirSync(path.join(dir, 'agents')).length !== 100) throw new Error('workspace generation failed');
  // Read once before settling: the first read of a new file dirties its inode (relatime), ~22 MB at 50k.
  for (const file of promptPaths) readFileSync(file);
  settleDisk();
  return { promptPaths };
}

/** A fixed pseudo-random 32-character token: high entropy, letters and digits mixed (credentials.ts). */
function credentialLike(seed: number): string {
  let state = (seed + 1) * 2654435761;
  let token = '';
  for (let i = 0; i < 32; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    token += 'abcdefghijklmnopqrstuvwxyz0123456789'[state % 36];
  }
  return token;
}

function makeBigPrompt(): string {
  const lines: string[] = [];
  for (let i = 0, size = 0; size < 200 * 1024; i++) {
    const line = `Line ${i}: follow the policy {{secrets.KEY_${i % KEYS}}} and keep the answer short, friendly and accurate for the customer.`;
    lines.push(line);
    size += line.length + 1;
  }
  lines.push('Escalate {{secrets.FLIP_A}} now.');
  return lines.join('\n') + '\n';
}

async function memoryOf(client: LeanLspClient): Promise<string> {
  const { memory } = (await client.request(IndexStatsRequest.method, null)) as IndexStatsResult;
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  return `rss ${mb(memory.rss)} MB, V8 heap used ${mb(memory.heapUsed)} MB, external ${mb(memory.external)} MB`;
}

function readRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function ms(value: number, digits = 0): string {
  return `${value.toFixed(digits)} ms`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  benchServer().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
