import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { IndexStatsRequest } from '../../engine/protocol';
import { LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

/**
 * The server keeps V8's young generation small whatever flags it was launched with (see server/src/heapTuning.ts):
 * a plain launch must not let it grow to 2 × 8 MB or more of resident garbage. Read from the real server after
 * indexing enough to make it grow; the control is the same server with its flag settings suppressed, where the
 * young generation does grow (so the measurement can fail).
 *
 * The bound is 2 × 2 MB, not the initial 2 × 1 MB: V8 still doubles the semispaces once on some runs of this
 * indexing even with `--semi-space-growth-factor=1` given on the command line from the start (so not because the
 * server sets it late), and which runs do depends on the bundle's code, not on this project's settings.
 */

const YOUNG_GENERATION_BYTES = 4 * 1024 * 1024;
const PROBE = pathToFileURL(path.resolve(__dirname, '../support/heapProbe.mjs')).href;

describe('heap tuning of the language server', () => {
  // ~12 MB of prompt text, each file referencing keys: indexing allocates far more than a 2 MB nursery.
  const filler = 'Answer the customer briefly and cite the policy. '.repeat(200);
  const files: Record<string, string> = { 'struere.json': '{}', '.env.development': 'A=1\n' };
  for (let i = 0; i < 1200; i++) files[`prompts/p${i}.md`] = `{{secrets.A}} ${filler} {{secrets.K${i}}}\n${filler}`;
  const ws = tempWorkspace(files);
  after(() => ws.dispose());

  async function youngGenerationAfterIndexing(untuned: boolean): Promise<number> {
    const out = ws.path(`heap-${untuned ? 'untuned' : 'tuned'}.json`);
    process.env.HEAP_PROBE_OUT = out;
    process.env.HEAP_PROBE_UNTUNED = untuned ? '1' : '0';
    const client = await LspTestClient.start({
      folders: [ws.dir],
      nodeArgs: ['--import', PROBE],
      waitLimitMs: 60_000,
    });
    try {
      await client.waitFor(() => client.diagnostics.size >= 1200, 'every prompt diagnosed');
      await client.connection.sendRequest(IndexStatsRequest.type);
      return (JSON.parse(readFileSync(out, 'utf8')) as Record<string, number>).new_space!;
    } finally {
      await client.stop();
      delete process.env.HEAP_PROBE_OUT;
      delete process.env.HEAP_PROBE_UNTUNED;
    }
  }

  let tuned = 0;
  let untuned = 0;
  before(async () => {
    tuned = await youngGenerationAfterIndexing(false);
    untuned = await youngGenerationAfterIndexing(true);
  });

  test('the young generation stays at 4 MB or less after indexing', () => {
    assert.ok(tuned > 0 && tuned <= YOUNG_GENERATION_BYTES, `young generation ${tuned} bytes`);
  });

  test('control: without the server setting its flags, the same indexing grows the young generation', () => {
    assert.ok(untuned > YOUNG_GENERATION_BYTES, `young generation ${untuned} bytes`);
  });
});
