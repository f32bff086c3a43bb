import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { runCli } from '../support/runCli';
import { describeFailure, FUZZ_RUNS, fuzzSeed } from './fuzzSettings';

/**
 * The CLI over random project trees: names with control characters and invalid UTF-8, FIFOs, folders where
 * files are expected, links inside, outside, to nothing and to themselves, random contents with canary values.
 * Invariants: every command ends within RUN_BOUND_MS with 0 or 1 (never a crash), JSON stays parseable, no raw
 * control character reaches the terminal, no canary value appears in any output, and `example` (which writes)
 * changes nothing outside the tree, whatever links to a file or a folder outside stand in it.
 */

const CANARY = 'cnry7q';
const RUN_BOUND_MS = 20_000;

type Kind = 'file' | 'fifo' | 'dir' | 'link-inside' | 'link-outside' | 'link-outside-dir' | 'dangling' | 'loop';
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
          '.env.example',
          'struere.json',
          '.gitignore',
          'a.ts',
          'p.md',
          'agents',
          'sub',
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
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1').replaceAll(CANARY, '')),
);

const entry: fc.Arbitrary<Entry> = fc.record({
  segments: fc.array(name, { minLength: 1, maxLength: 3 }),
  kind: fc.constantFrom<Kind>(
    'file',
    'file',
    'file',
    'fifo',
    'dir',
    'link-inside',
    'link-outside',
    'link-outside-dir',
    'dangling',
    'loop',
  ),
  text: content,
});

function join(root: string, segments: readonly Buffer[]): Buffer {
  return Buffer.concat([Buffer.from(root), ...segments.flatMap((segment) => [Buffer.from('/'), segment])]);
}

/**
 * Half the trees get a project root with a source for `example` and, at `.env.example`, one of the things a
 * cloned repository can commit there: random trees alone reach that pair too rarely to test the writer.
 */
const exampleTarget = fc.option(
  fc.constantFrom<Kind>('link-outside', 'link-outside-dir', 'link-inside', 'fifo', 'dir', 'dangling', 'loop', 'file'),
  { freq: 2 },
);

function exampleEntries(kind: Kind): Entry[] {
  return [
    { segments: [Buffer.from('.env.development')], kind: 'file', text: `A=${CANARY}1\nB=${CANARY}2\n` },
    { segments: [Buffer.from('.env.example')], kind, text: '# template\nA=\n' },
  ];
}

/** Builds the tree; a path that clashes with an earlier one is left as it is (its creation fails harmlessly). */
function build(root: string, outside: string, entries: readonly Entry[]): void {
  fs.writeFileSync(path.join(root, 'struere.json'), '{"name":"fuzz"}');
  for (const { segments, kind, text } of entries) {
    const target = join(root, segments);
    try {
      fs.mkdirSync(join(root, segments.slice(0, -1)), { recursive: true });
      if (kind === 'file') writeWithoutBlocking(target, text);
      else if (kind === 'dir') fs.mkdirSync(target);
      else if (kind === 'fifo') makeFifo(root, target);
      else if (kind === 'link-inside') fs.symlinkSync(path.join(root, 'struere.json'), target);
      else if (kind === 'link-outside') fs.symlinkSync(outside, target);
      else if (kind === 'link-outside-dir') fs.symlinkSync(path.dirname(outside), target);
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

/** A write onto an earlier FIFO at the same path must fail (ENXIO), not wait for a reader forever. */
function writeWithoutBlocking(target: Buffer, text: string): void {
  const { O_WRONLY, O_CREAT, O_TRUNC, O_NONBLOCK } = fs.constants;
  const fd = fs.openSync(target, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK, 0o644);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;

test(
  'CLI fuzz: random hostile trees end with 0 or 1, in bound, escaped, without values',
  { timeout: 600_000 },
  async () => {
    let commands = 0;
    const result = await fc.check(
      fc.asyncProperty(fc.array(entry, { maxLength: 12 }), exampleTarget, async (randomEntries, example) => {
        const entries = example === null ? randomEntries : [...exampleEntries(example), ...randomEntries];
        const root = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-fuzz-'));
        const outside = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'struere-fuzz-out-')), 'secrets.env');
        fs.writeFileSync(outside, `OUTSIDE=${CANARY}out\n`);
        try {
          build(root, outside, entries);
          // The folder links point at, as the build left it (entries below a link to it were made in it).
          const outsideFiles = () =>
            fs
              .readdirSync(path.dirname(outside))
              .map((name) => `${name}:${fs.lstatSync(path.join(path.dirname(outside), name)).mtimeMs}`)
              .join('/');
          const outsideBefore = outsideFiles();
          const outsideText = fs.readFileSync(outside, 'utf8');
          for (const args of [
            ['check', root, '--format', 'json'],
            ['status', root],
            ['sync', root, '--dry-run'],
            ['example', root],
          ]) {
            commands++;
            // No API key: nothing waits on a network; sync still reads and judges the file before it refuses.
            const run = await runCli(args, { limitMs: RUN_BOUND_MS });
            const what = `${args[0]}: ${run.stderr.slice(0, 500)}`;
            assert.ok(!run.hung, `${what}: did not end within ${RUN_BOUND_MS} ms`);
            assert.ok(run.code === 0 || run.code === 1, `${what}: exit ${run.code}`);
            assert.doesNotMatch(run.stderr, /^\s+at /m, `${what}: a stack trace`);
            assert.ok(!(run.stdout + run.stderr).includes(CANARY), `${args[0]}: a value in the output`);
            assert.doesNotMatch(run.stdout + run.stderr, RAW_CONTROL, `${args[0]}: a raw control character`);
            if (args.includes('json') && run.code !== null) assert.doesNotThrow(() => JSON.parse(run.stdout), what);
          }
          // `example` wrote only inside the tree: the file and the folder that links point at are as they were.
          assert.equal(fs.readFileSync(outside, 'utf8'), outsideText, 'example wrote outside the tree');
          assert.equal(outsideFiles(), outsideBefore, 'a file outside the tree appeared or changed');
        } finally {
          fs.rmSync(root, { recursive: true, force: true });
          fs.rmSync(path.dirname(outside), { recursive: true, force: true });
        }
      }),
      { numRuns: FUZZ_RUNS.cli, seed: fuzzSeed(), endOnFailure: true },
    );
    assert.ok(!result.failed, describeFailure(result));
    assert.ok(commands >= FUZZ_RUNS.cli * 4);
  },
);
