import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { ownGit } from '../support/ownGit';
import { runCli } from '../support/runCli';
import { createLocalApiServer, type LocalApiServer } from '../../local-api/server';
import { describeFailure, FUZZ_RUNS, fuzzSeed } from './fuzzSettings';

/**
 * The CLI over random project trees: names with control characters and invalid UTF-8, FIFOs, folders where
 * files are expected, links inside, outside, to nothing and to themselves, links to files git tracks, folders
 * 30 deep, hostile .gitignore patterns, git indexes real, garbled or a FIFO, random contents with canary values;
 * and an API that drips its answers. Invariants: every command ends within RUN_BOUND_MS with 0 or 1 (never a
 * crash), JSON stays parseable, no raw control character reaches the terminal, and no canary value appears in
 * any output.
 */

const CANARY = 'cnry7q';
const RUN_BOUND_MS = 20_000;

type Kind = 'file' | 'fifo' | 'dir' | 'link-inside' | 'link-outside' | 'link-tracked' | 'dangling' | 'loop';
interface Entry {
  segments: Buffer[];
  kind: Kind;
  text: string;
}

const name = fc
  .oneof(
    {
      weight: 5,
      arbitrary: fc
        .constantFrom(
          '.env.development',
          '.env.production',
          '.env',
          '.env.local',
          'struere.json',
          '.gitignore',
          'a.ts',
          'p.md',
          'agents',
          'sub',
          '.env.example',
        )
        .map((s) => Buffer.from(s)),
    },
    { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 8 }).map((s) => Buffer.from(s.replaceAll('/', '_'))) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('\u001b[2J', '\u009b31m', 'tab\there', 'new\nline', '\u202eevil')
        .map((s) => Buffer.from(`${s}.ts`)),
    },
    // Names that end a line and forge a workflow command after it: folders, env files, prompts.
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          'n\n::error file=forged::folder',
          '.env.x\n::error file=forged::env',
          '.env.y\r::warning::cr',
          'p\u2028::warning::ls.md',
          'q\u0085::notice::nel.md',
          '.env.z\u2029::error::ps',
        )
        .map((s) => Buffer.from(s)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(Buffer.from([0x70, 0xff, 0xfe]), Buffer.from([0x2e, 0x65, 0x6e, 0x76, 0xc3])),
    },
  )
  .filter((b) => b.length > 0 && !b.includes(0) && b.toString() !== '.' && b.toString() !== '..' && !b.includes(0x2f));

const content = fc.oneof(
  fc
    .array(fc.tuple(fc.constantFrom('A', 'KEY', '__proto__', 'bad-key', ''), fc.nat(99)), { maxLength: 8 })
    .map((pairs) => pairs.map(([k, n]) => `${k}=${CANARY}${n}`).join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0])),
  fc.constantFrom(
    '{{secrets.A}} <<secrets.MISSING>> context.secrets.KEY',
    '{"name":"x\u001b]0;t\u0007"}',
    '.env.*\n',
    '',
  ),
  // .gitignore patterns that backtrack in a regular-expression matcher, and their negations.
  fc
    .array(
      fc.constantFrom(
        `${'**/*/'.repeat(15)}a`,
        `${'*/**/'.repeat(12)}.env*`,
        `x/${'**/'.repeat(20)}b`,
        'y/**/y/**/y/**/y/**/.env.development',
        '!**/*/**/*/**/.env.production',
        '**/**/**/**/',
        '.env.*',
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((lines) => `${lines.join('\n')}\n`),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1').replaceAll(CANARY, '')),
);

/** 30 folders deep (a project and its env files there), where a backtracking .gitignore matcher stalls. */
const deep = fc
  .constantFrom('.env.development', '.env.production', 'struere.json', 'p.md')
  .map((leaf) => [...Array.from({ length: 30 }, () => Buffer.from('y')), Buffer.from(leaf)]);

const entry: fc.Arbitrary<Entry> = fc.record({
  segments: fc.oneof(
    { weight: 6, arbitrary: fc.array(name, { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: deep },
  ),
  kind: fc.constantFrom<Kind>(
    'file',
    'file',
    'file',
    'fifo',
    'dir',
    'link-inside',
    'link-outside',
    'link-tracked',
    'dangling',
    'loop',
  ),
  text: content,
});

/** The tree's git index: none (an empty .git), the real git's (with a tracked file), garbled bytes, or a FIFO. */
type IndexKind = 'none' | 'real' | 'real-v4' | 'garbled' | 'fifo';
const indexKind = fc.constantFrom<IndexKind>('none', 'real', 'real-v4', 'garbled', 'fifo');
/** What the API does: nothing (no key given), or answer with headers and drip the body, or drip the headers. */
type ApiKind = 'none' | 'drip-body' | 'drip-headers' | 'silent' | 'hostile-names';
const apiKind = fc.constantFrom<ApiKind>('none', 'drip-body', 'drip-headers', 'silent', 'hostile-names');

/** Names a hostile or broken API could list: line breaks forging workflow commands, a value pasted as a name. */
const HOSTILE_REMOTE_NAMES = [
  'GOOD_REMOTE',
  'R\n::error file=forged::remote',
  'R\r\n::warning::crlf',
  'R\u2028::notice::ls',
  `sk-proj-${CANARY}remote`,
];

/** The local API (local-api/) listing HOSTILE_REMOTE_NAMES, put straight into its store (its HTTP API refuses them). */
async function hostileNamesApi(): Promise<LocalApiServer> {
  const server = await createLocalApiServer();
  server.store.apply(
    ['development', 'eval'],
    HOSTILE_REMOTE_NAMES.map((key) => ({ key, value: `${CANARY}v` })),
  );
  return server;
}

/** Every way a reader may split lines. A line of ours never begins '::' outside --format github. */
const ANY_LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;
const WORKFLOW_COMMAND =
  /^::(error|warning|notice) file=[^,]*,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=Struere Secrets \([a-z-]+\)::/;

/** Lines that begin a workflow command and are not one of ours (github format) or begin one at all (others). */
function forgedLines(output: string, github: boolean): string[] {
  return output.split(ANY_LINE_BREAK).filter((line) => /^\s*::/.test(line) && !(github && WORKFLOW_COMMAND.test(line)));
}

function join(root: string, segments: readonly Buffer[]): Buffer {
  return Buffer.concat([Buffer.from(root), ...segments.flatMap((segment) => [Buffer.from('/'), segment])]);
}

/** Builds the tree; a path that clashes with an earlier one is left as it is (its creation fails harmlessly). */
function build(root: string, outside: string, entries: readonly Entry[], index: IndexKind): void {
  fs.writeFileSync(path.join(root, 'struere.json'), '{"name":"fuzz"}');
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'docs', 'app.yaml'), `TOKEN=${CANARY}sk_live_4eC39HqLyjWDarjtT1zdp7dc\n`);
  if (index === 'real' || index === 'real-v4') {
    // Our own repository: git runs here with no config of the tree's (the .git is made before any entry).
    ownGit(root, ['init', '-q']);
    ownGit(root, ['add', 'docs/app.yaml']);
    if (index === 'real-v4') ownGit(root, ['update-index', '--index-version', '4']);
  } else {
    fs.mkdirSync(path.join(root, '.git'));
    if (index === 'garbled')
      fs.writeFileSync(path.join(root, '.git', 'index'), Buffer.from('DIRC\0\0\0\x04\xff\xff\xff\xff'));
    if (index === 'fifo') execFileSync('mkfifo', [path.join(root, '.git', 'index')], { stdio: 'ignore' });
  }
  for (const { segments, kind, text } of entries) {
    const target = join(root, segments);
    try {
      fs.mkdirSync(join(root, segments.slice(0, -1)), { recursive: true });
      if (kind === 'file') writeWithoutBlocking(target, text);
      else if (kind === 'dir') fs.mkdirSync(target);
      else if (kind === 'fifo') makeFifo(root, target);
      else if (kind === 'link-inside') fs.symlinkSync(path.join(root, 'struere.json'), target);
      else if (kind === 'link-outside') fs.symlinkSync(outside, target);
      else if (kind === 'link-tracked') fs.symlinkSync(path.join(root, 'docs', 'app.yaml'), target);
      else if (kind === 'dangling') fs.symlinkSync(path.join(root, 'nothing-here'), target);
      else fs.symlinkSync(target, target);
    } catch (error) {
      // A clash with an earlier entry (a file where a folder was asked for, …): that is the tree now.
      if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
    }
  }
}

/**
 * mkfifo takes its path as a string, and a name that is not UTF-8 does not survive the conversion (the FIFO
 * went to a folder that does not exist, and the harness failed): made beside the tree under a plain name, then
 * hard-linked onto the raw-byte path, which fails with EEXIST on a clash like the other kinds.
 */
function makeFifo(root: string, target: Buffer): void {
  const temporary = `${root}.fifo`;
  execFileSync('mkfifo', [temporary], { stdio: 'ignore' });
  try {
    fs.linkSync(temporary, target);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * A write onto an earlier FIFO at the same path must fail (ENXIO), not wait for a reader forever; a write onto an
 * earlier link must fail (ELOOP), not follow it: the harness once wrote through a link to the outside file and
 * the test blamed the CLI for it.
 */
function writeWithoutBlocking(target: Buffer, text: string): void {
  const { O_WRONLY, O_CREAT, O_TRUNC, O_NONBLOCK, O_NOFOLLOW } = fs.constants;
  const fd = fs.openSync(target, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_NOFOLLOW, 0o644);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * An API on 127.0.0.1 that never answers in time: it drips its answer's body (or its headers) a byte every
 * 300 ms, or stays silent. Each connection's loop is bounded (100 ticks) and the server is closed after the test.
 */
async function slowApi(): Promise<{ url: (kind: ApiKind) => string; close: () => Promise<void> }> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const urls = new Map<ApiKind, string>();
  for (const kind of ['drip-body', 'drip-headers', 'silent'] as const) {
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.once('data', () => {
        const head = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n';
        if (kind === 'drip-body') socket.write(`${head}{"environment":"development","secrets":[`);
        let ticks = 0;
        const timer = setInterval(() => {
          if (socket.destroyed || ++ticks > 100) {
            clearInterval(timer);
            socket.destroy();
            return;
          }
          if (kind === 'drip-body') socket.write(' ');
          else if (kind === 'drip-headers') socket.write(head.charAt(ticks % head.length));
        }, 300);
        socket.on('close', () => clearInterval(timer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls.set(kind, `http://127.0.0.1:${(server.address() as { port: number }).port}`);
  }
  return {
    url: (kind) => urls.get(kind) ?? '',
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;

test(
  'CLI fuzz: random hostile trees end with 0 or 1, in bound, escaped, without values',
  { timeout: 600_000 },
  async () => {
    let commands = 0;
    const api = await slowApi();
    const hostile = await hostileNamesApi();
    const result = await fc.check(
      fc.asyncProperty(fc.array(entry, { maxLength: 12 }), indexKind, apiKind, async (entries, index, remote) => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-fuzz-'));
        const outside = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'struere-fuzz-out-')), 'secrets.env');
        fs.writeFileSync(outside, `OUTSIDE=${CANARY}out\n`);
        // Without an API key nothing waits on a network (sync still reads and judges the file before it refuses);
        // with one, the API drips or stays silent and --timeout must bound every attempt.
        const env: Record<string, string> =
          remote === 'none'
            ? {}
            : remote === 'hostile-names'
              ? { STRUERE_API_URL: hostile.url, STRUERE_API_KEY_DEVELOPMENT: 'sk_dev_local' }
              : { STRUERE_API_URL: api.url(remote), STRUERE_API_KEY_DEVELOPMENT: 'sk_dev_fuzz' };
        const limits = remote === 'none' ? [] : ['--retries', '0', '--timeout', '1'];
        try {
          build(root, outside, entries, index);
          const untouched = `OUTSIDE=${CANARY}out\n`;
          // The harness's own invariant, so that the check after the commands can only blame them.
          assert.equal(fs.readFileSync(outside, 'utf8'), untouched, 'building the tree wrote outside the project');
          for (const args of [
            ['check', root, '--format', 'json', ...limits],
            ['check', root, '--format', 'github', ...limits],
            ['status', root, ...limits],
            ['sync', root, '--dry-run', ...limits],
            ['example', root],
          ]) {
            commands++;
            const run = await runCli(args, { limitMs: RUN_BOUND_MS, env });
            const what = `${args[0]}: ${run.stderr.slice(0, 500)}`;
            assert.ok(!run.hung, `${what}: did not end within ${RUN_BOUND_MS} ms`);
            assert.ok(run.code === 0 || run.code === 1, `${what}: exit ${run.code}`);
            assert.doesNotMatch(run.stderr, /^\s+at /m, `${what}: a stack trace`);
            assert.ok(!(run.stdout + run.stderr).includes(CANARY), `${args[0]}: a value in the output`);
            assert.doesNotMatch(run.stdout + run.stderr, RAW_CONTROL, `${args[0]}: a raw control character`);
            if (args.includes('json') && run.code !== null) assert.doesNotThrow(() => JSON.parse(run.stdout), what);
            const forged = forgedLines(run.stdout + run.stderr, args.includes('github'));
            assert.deepEqual(forged, [], `${args[0]}: an output line begins a workflow command`);
          }
          // `example` writes through no link: the file outside the project is as it was.
          assert.equal(fs.readFileSync(outside, 'utf8'), untouched, 'a command wrote outside the project');
        } finally {
          fs.rmSync(root, { recursive: true, force: true });
          fs.rmSync(path.dirname(outside), { recursive: true, force: true });
        }
      }),
      { numRuns: FUZZ_RUNS.cli, seed: fuzzSeed(), endOnFailure: true },
    );
    await api.close();
    await hostile.close();
    assert.ok(!result.failed, describeFailure(result));
    assert.ok(commands >= FUZZ_RUNS.cli * 5);
  },
);
