import { compareCodeUnits } from '../engine/core/base/text';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENVIRONMENTS, isEnvironment, type Environment } from '../engine/core/model/environments';

/** One stored secret. The value lives only here and in the persistence file, never in a log or a response. */
export interface StoredSecret {
  readonly value: string;
  readonly updatedAt: string;
}

export interface SecretWrite {
  readonly key: string;
  readonly value: string;
}

export interface WriteOutcome {
  readonly created: string[];
  readonly updated: string[];
}

const PERSIST_FORMAT_VERSION = 1;

/**
 * The local API's secrets, per environment. `apply` is atomic: it validates nothing (the server does that
 * before calling it) and cannot fail half-way, so a request is applied completely or not at all.
 */
export class SecretStore {
  private lastWriteMs = 0;
  private readonly environments = new Map<Environment, Map<string, StoredSecret>>(
    ENVIRONMENTS.map((environment) => [environment, new Map()]),
  );

  constructor(
    private readonly persistFile?: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (persistFile !== undefined) this.load(persistFile);
  }

  get(environment: Environment, key: string): string | undefined {
    return this.table(environment).get(key)?.value;
  }

  has(environment: Environment, key: string): boolean {
    return this.table(environment).has(key);
  }

  /** Names sorted by UTF-16 code unit, like the API listing. */
  names(environment: Environment): string[] {
    return [...this.table(environment).keys()].sort(compareCodeUnits);
  }

  size(environment: Environment): number {
    return this.table(environment).size;
  }

  /** Name and metadata only, sorted by name. */
  list(environment: Environment): { key: string; updatedAt: string }[] {
    return this.names(environment).map((key) => ({ key, updatedAt: this.table(environment).get(key)!.updatedAt }));
  }

  /** A copy of one environment's values, for tests comparing state; never serialise it into output. */
  values(environment: Environment): Map<string, string> {
    return new Map([...this.table(environment)].map(([key, secret]) => [key, secret.value]));
  }

  /**
   * Writes every item into each of `environments` (the first one decides created/updated) and persists.
   * All-or-nothing: the in-memory maps are only touched after the new state has been persisted.
   */
  apply(environments: readonly Environment[], items: readonly SecretWrite[]): WriteOutcome {
    const updatedAt = this.nextUpdatedAt();
    const primary = this.table(environments[0]!);
    const created: string[] = [];
    const updated: string[] = [];
    for (const { key } of items) (primary.has(key) ? updated : created).push(key);

    const next = new Map(this.environments);
    for (const environment of environments) {
      const table = new Map(this.table(environment));
      for (const { key, value } of items) table.set(key, { value, updatedAt });
      next.set(environment, table);
    }
    if (this.persistFile !== undefined) writeAtomically(this.persistFile, serialise(next));
    for (const [environment, table] of next) this.environments.set(environment, table);
    return { created: created.sort(compareCodeUnits), updated: updated.sort(compareCodeUnits) };
  }

  /**
   * TEST ONLY, not part of the API contract (API.md has no such endpoint): a person replacing one value on the
   * platform's dashboard, which the platform stores with a new updatedAt. The tests call it in-process to rotate a
   * value behind the sync's back; only `environment` is written (the dashboard edits one environment).
   */
  dashboardWrite(environment: Environment, key: string, value: string): string {
    this.apply([environment], [{ key, value }]);
    return this.table(environment).get(key)!.updatedAt;
  }

  /** The store's updatedAt for a key, for tests comparing the journal with the platform. */
  updatedAt(environment: Environment, key: string): string | undefined {
    return this.table(environment).get(key)?.updatedAt;
  }

  /**
   * Strictly increasing across writes, as a platform's record version would be: two writes in the same millisecond
   * still get different updatedAt values, so a write is never mistaken for the one before.
   */
  private nextUpdatedAt(): string {
    const now = this.now().getTime();
    this.lastWriteMs = Math.max(now, this.lastWriteMs + 1);
    return new Date(this.lastWriteMs).toISOString();
  }

  clear(): void {
    for (const environment of ENVIRONMENTS) this.environments.set(environment, new Map());
    if (this.persistFile !== undefined) writeAtomically(this.persistFile, serialise(this.environments));
  }

  private table(environment: Environment): Map<string, StoredSecret> {
    return this.environments.get(environment)!;
  }

  private load(file: string): void {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    // The file holds values: errors name the file and the problem, never its content.
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`local API: ${file} is not valid JSON`);
    }
    if (!isRecord(parsed) || parsed.version !== PERSIST_FORMAT_VERSION || !isRecord(parsed.environments)) {
      throw new Error(`local API: ${file} is not a version ${PERSIST_FORMAT_VERSION} store file`);
    }
    for (const [environment, secrets] of Object.entries(parsed.environments)) {
      if (!isEnvironment(environment) || !isRecord(secrets))
        throw new Error(`local API: ${file} has an invalid environment entry`);
      const table = new Map<string, StoredSecret>();
      for (const [key, secret] of Object.entries(secrets)) {
        if (!isRecord(secret) || typeof secret.value !== 'string' || typeof secret.updatedAt !== 'string') {
          throw new Error(`local API: ${file} has an invalid entry for ${environment}/${key}`);
        }
        table.set(key, { value: secret.value, updatedAt: secret.updatedAt });
      }
      this.environments.set(environment, table);
    }
  }
}

function serialise(environments: ReadonlyMap<Environment, ReadonlyMap<string, StoredSecret>>): string {
  const out: Record<string, Record<string, StoredSecret>> = {};
  for (const [environment, table] of environments) out[environment] = Object.fromEntries(table);
  return JSON.stringify({ version: PERSIST_FORMAT_VERSION, environments: out });
}

/** Write to a temporary file in the same folder, flush, then rename: a reader sees the old or the new file, never half. */
function writeAtomically(file: string, content: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.writeFileSync(fd, content, 'utf8');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
