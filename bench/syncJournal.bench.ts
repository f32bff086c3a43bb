import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createLocalApiServer, type LocalApiServer } from '../local-api/server';
import { createApiClient, type ApiClient } from '../engine/api/apiClient';
import { prepareSync } from '../engine/sync/syncFlow';
import { everyKey, syncProject } from '../engine/sync/syncProject';
import { errorText } from '../engine/core/base/errorText';

/**
 * What the sync journal saves at 2,000 keys, through the whole flow (syncProject) against the local API: the
 * requests and keys sent by a first sync, a sync with nothing changed (goal: no upsert) and a sync after one local
 * edit (goal: one key in one upsert). Counts come from the local API's request log; names and counts only.
 *
 *   node --import tsx bench/syncJournal.bench.ts
 */

const SECRETS = 2_000;

interface Step {
  readonly label: string;
  readonly gets: number;
  readonly puts: number;
  readonly keysSent: number;
  readonly ms: number;
}

export async function benchSyncJournal(): Promise<void> {
  const server = await createLocalApiServer();
  const client = createApiClient({ baseUrl: server.url, apiKey: 'sk_dev_local' });
  const root = mkdtempSync(path.join(tmpdir(), 'struere-bench-journal-'));
  const stateDir = path.join(root, 'state');
  const project = path.join(root, 'project');
  try {
    const values = new Map<string, string>();
    for (let index = 0; index < SECRETS; index++)
      values.set(`SECRET_${String(index).padStart(4, '0')}`, `value-${index}-${'x'.repeat(32)}`);
    writeProject(project, values);
    const steps = [await step('first sync (all new)', server, client, project, stateDir)];
    steps.push(await step('no change', server, client, project, stateDir));
    values.set('SECRET_1000', 'edited');
    writeProject(project, values);
    steps.push(await step('one key changed', server, client, project, stateDir));

    const noChange = steps[1]!;
    const oneKey = steps[2]!;
    const lines = [
      `sync journal benchmark: ${SECRETS.toLocaleString('en-US')} secrets, the whole flow (syncProject), local API`,
      ...steps.map(
        (s) =>
          `  ${s.label.padEnd(22)} ${String(s.gets).padStart(2)} GET  ${String(s.puts).padStart(2)} PUT  ${String(s.keysSent).padStart(5)} keys sent  ${Math.round(s.ms).toLocaleString('en-US').padStart(6)} ms`,
      ),
      `  no change: ${noChange.puts} upserts (goal 0)  ${noChange.puts === 0 ? 'PASS' : 'FAIL'}`,
      `  one key changed: ${oneKey.keysSent} key in ${oneKey.puts} upsert (goal 1 key, 1 request)  ${oneKey.keysSent === 1 && oneKey.puts === 1 ? 'PASS' : 'FAIL'}`,
    ];
    console.log(lines.join('\n'));
    if (noChange.puts !== 0 || oneKey.keysSent !== 1 || oneKey.puts !== 1) process.exitCode = 1;
  } finally {
    await client.close();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

function writeProject(project: string, values: ReadonlyMap<string, string>): void {
  mkdirSync(project, { recursive: true });
  writeFileSync(path.join(project, 'struere.json'), '{}');
  writeFileSync(path.join(project, '.env.development'), [...values].map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
}

async function step(
  label: string,
  server: LocalApiServer,
  client: ApiClient,
  project: string,
  stateDir: string,
): Promise<Step> {
  server.log.clear();
  const started = performance.now();
  const prepared = await prepareSync({ projectRoot: project, environment: 'development', apiKey: 'sk_dev_local' });
  const outcome = await syncProject(prepared, client, { confirm: async (plan) => everyKey(plan), stateDir });
  const ms = performance.now() - started;
  if (outcome.kind !== 'ran' || !outcome.described.ok) throw new Error(`${label}: the sync did not finish`);
  const entries = server.log.entries();
  return {
    label,
    gets: entries.filter((e) => e.method === 'GET').length,
    puts: entries.filter((e) => e.method === 'PUT').length,
    // Keys in the PUT bodies the API received, retries included.
    keysSent: entries.filter((e) => e.method === 'PUT').reduce((sum, e) => sum + (e.keys?.length ?? 0), 0),
    ms,
  };
}

if (require.main === module) {
  benchSyncJournal().catch((error: unknown) => {
    console.error(errorText(error));
    process.exitCode = 1;
  });
}
