import { createHash, createHmac, randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WritableEnvironment } from '../core';
import type { ApiClient } from '../api';
import { ensurePrivateFolder, writePrivateStateFile } from '../host';

/**
 * The per-user sync journal (ARCHITECTURE.md "Sync and deploy"): for each (API base URL, environment, project) and
 * key, the platform's `updatedAt` seen right after this machine last wrote the key, and a fingerprint of the value
 * written. The plan compares the platform's own `updatedAt` values with it (never a local clock), so a value
 * rotated on the platform since is kept instead of overwritten, and a value nobody changed is not sent again.
 *
 * Invariants:
 * - Never a value, never an unkeyed hash of one: a fingerprint is HMAC-SHA256 under a random 32-byte local key
 *   (`journal.key`), over the key name and the value, so equal values of two keys do not match either.
 * - Files live in the user's state folder (0700, files 0600), written whole (temp file + rename) by
 *   engine/host's private-state writer; one journal file per scope.
 * - A journal that cannot be used (damaged, unreadable, from a newer version, a folder not the user's own) is "no
 *   journal" with a `problem` in words: every key the platform has is then unverified, never overwritten silently.
 */

export const JOURNAL_VERSION = 1;
const KEY_FILE = 'journal.key';
const FINGERPRINT_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Whose journal: the platform, the environment written, and the project's real path. */
export interface JournalScope {
  readonly apiUrl: string;
  readonly environment: WritableEnvironment;
  readonly projectRoot: string;
}

/** What this machine knows of one key: names, dates and keyed fingerprints only. */
export interface JournalEntry {
  /** The platform's updatedAt right after this machine's last acknowledged write; '' when never seen. */
  readonly updatedAt: string;
  /** Fingerprint of the value of that write; '' when none was acknowledged. */
  readonly fingerprint: string;
  /** Fingerprint of a later write whose outcome is unknown (lost answer, or the re-listing failed). */
  readonly pending?: string;
}

/** The journal as the plan reads it. */
export interface JournalView {
  readonly entries: ReadonlyMap<string, JournalEntry>;
  fingerprint(key: string, value: string): string;
}

export interface SyncJournal extends JournalView {
  /** Why the journal on disk is not used, in words (no value, no path outside the state folder); else undefined. */
  readonly problem: string | undefined;
  /** Merges `updates` into the journal as it is on disk now; a problem in words when it could not be written. */
  record(updates: ReadonlyMap<string, JournalEntry>): Promise<string | undefined>;
}

/**
 * The per-user state folder: STRUERE_SECRETS_STATE_DIR (tests), else $XDG_STATE_HOME/struere-secrets (default
 * ~/.local/state), ~/Library/Application Support on macOS, %LOCALAPPDATA% on Windows.
 */
export function stateDirectory(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const override = env.STRUERE_SECRETS_STATE_DIR;
  if (override) return path.resolve(override);
  if (platform === 'win32')
    return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'struere-secrets');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'struere-secrets');
  // XDG: a relative value is invalid and is ignored.
  const xdg = env.XDG_STATE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'state'), 'struere-secrets');
}

/** The journal file of one scope: a name derived from the scope, so scopes never share a file. */
export function journalFileName(scope: JournalScope): string {
  const id = JSON.stringify([scope.apiUrl, scope.environment, realProjectPath(scope.projectRoot)]);
  return `journal-${createHash('sha256').update(id).digest('hex').slice(0, 32)}.json`;
}

/** Opens the journal of `scope`; never throws for a journal it cannot use (see `problem`). */
export async function openJournal(scope: JournalScope, stateDir: string = stateDirectory()): Promise<SyncJournal> {
  try {
    await ensurePrivateFolder(stateDir);
  } catch (error) {
    return unusableJournal(`the journal cannot be used: ${errorWords(error)}`);
  }
  const secret = await readOrCreateKey(stateDir);
  if (typeof secret === 'string') return unusableJournal(secret);
  const file = journalFileName(scope);
  const read = await readJournalFile(path.join(stateDir, file), scope);
  const fingerprint = (key: string, value: string): string => fingerprintOf(secret, key, value);
  return {
    entries: read.entries,
    problem: read.problem,
    fingerprint,
    record: (updates) => recordEntries(stateDir, file, scope, updates),
  };
}

/** HMAC-SHA256 under the local key, over the key name and the value, base64url. */
function fingerprintOf(secret: Buffer, key: string, value: string): string {
  return createHmac('sha256', secret).update(key, 'utf8').update('\0').update(value, 'utf8').digest('base64url');
}

/** A journal that knows nothing and records nothing: every remote key is unverified. */
function unusableJournal(problem: string): SyncJournal {
  // Fingerprints under a throwaway key match nothing, and nothing is recorded under it.
  const secret = randomBytes(32);
  return {
    entries: new Map(),
    problem,
    fingerprint: (key, value) => fingerprintOf(secret, key, value),
    record: () => Promise.resolve(problem),
  };
}

/** The local key, created once (two processes racing both end with the winner's); a problem in words otherwise. */
async function readOrCreateKey(stateDir: string): Promise<Buffer | string> {
  const file = path.join(stateDir, KEY_FILE);
  for (let round = 0; round < 2; round++) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        return `the journal key ${file} cannot be read (${errorWords(error)}); the journal is not used`;
      try {
        await writePrivateStateFile(stateDir, KEY_FILE, randomBytes(32).toString('hex'), 'create');
      } catch (failure) {
        return `the journal key cannot be created (${errorWords(failure)}); the journal is not used`;
      }
      continue;
    }
    if (/^[0-9a-f]{64}$/.test(text)) return Buffer.from(text, 'hex');
    return `the journal key ${file} is damaged; the journal is not used (remove ${stateDir} to start a new one)`;
  }
  return `the journal key ${file} cannot be created; the journal is not used`;
}

interface JournalRead {
  readonly entries: Map<string, JournalEntry>;
  readonly problem: string | undefined;
  /** False for a file from a newer version: this version must not replace what it cannot read. */
  readonly writable: boolean;
}

/** Reads and checks one journal file; a missing file is an empty journal, anything else unusable is a problem. */
async function readJournalFile(file: string, scope: JournalScope): Promise<JournalRead> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { entries: new Map(), problem: undefined, writable: true };
    return unusable(`the journal ${file} cannot be read (${errorWords(error)})`, true);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return unusable(`the journal ${file} is damaged (not JSON)`, true);
  }
  if (!isRecord(parsed) || typeof parsed.version !== 'number')
    return unusable(`the journal ${file} is damaged (no version)`, true);
  if (parsed.version > JOURNAL_VERSION)
    return unusable(`the journal ${file} was written by a newer version (${parsed.version})`, false);
  const entries = parsed.version === JOURNAL_VERSION ? entriesOf(parsed, scope) : undefined;
  if (!entries) return unusable(`the journal ${file} is damaged (wrong shape or scope)`, true);
  return { entries, problem: undefined, writable: true };
}

function unusable(what: string, writable: boolean): JournalRead {
  return { entries: new Map(), problem: `${what}; every key the platform has is unverified`, writable };
}

/** The entries of a version-1 journal of exactly this scope; undefined when any part is malformed. */
function entriesOf(parsed: Record<string, unknown>, scope: JournalScope): Map<string, JournalEntry> | undefined {
  if (parsed.apiUrl !== scope.apiUrl || parsed.environment !== scope.environment || !isRecord(parsed.keys))
    return undefined;
  const entries = new Map<string, JournalEntry>();
  for (const [key, entry] of Object.entries(parsed.keys)) {
    if (!isEntry(entry)) return undefined;
    entries.set(key, entry);
  }
  return entries;
}

function isEntry(value: unknown): value is JournalEntry {
  if (!isRecord(value) || typeof value.updatedAt !== 'string' || typeof value.fingerprint !== 'string') return false;
  const fingerprints = [value.fingerprint, value.pending ?? ''].filter((f) => f !== '');
  return fingerprints.every((f) => typeof f === 'string' && FINGERPRINT_PATTERN.test(f));
}

/**
 * Re-reads the file (another process may have recorded other keys meanwhile), merges `updates` and replaces the
 * file whole. Callers hold the project's sync lock, so two syncs of one project never interleave here; a damaged
 * file is replaced, a newer version's is left alone.
 */
async function recordEntries(
  stateDir: string,
  file: string,
  scope: JournalScope,
  updates: ReadonlyMap<string, JournalEntry>,
): Promise<string | undefined> {
  if (updates.size === 0) return undefined;
  const current = await readJournalFile(path.join(stateDir, file), scope);
  if (!current.writable) return current.problem;
  for (const [key, entry] of updates) current.entries.set(key, entry);
  const keys = Object.fromEntries([...current.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const text = JSON.stringify({ version: JOURNAL_VERSION, apiUrl: scope.apiUrl, environment: scope.environment, keys });
  try {
    await writePrivateStateFile(stateDir, file, text + '\n', 'replace');
    return undefined;
  } catch (error) {
    return `the journal could not be written (${errorWords(error)}); the keys just sent will show as unverified`;
  }
}

function realProjectPath(projectRoot: string): string {
  const resolved = path.resolve(projectRoot);
  try {
    return realpathSync(resolved);
  } catch {
    return resolved;
  }
}

/** An error in words without its stack; a code where the platform gives one. */
function errorWords(error: unknown): string {
  if (error instanceof Error && !('code' in error)) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What an upload wrote, as the journal needs it: names by outcome, and the values sent (never stored). */
export interface UploadOutcome {
  readonly values: ReadonlyMap<string, string>;
  readonly written: readonly string[];
  readonly unknown: readonly string[];
}

/**
 * Journals an upload: lists again and records, for each written key, the updatedAt the platform holds now and the
 * fingerprint of the value sent. A key whose outcome is unknown, or whose listing failed, keeps its old entry with
 * the new fingerprint as pending, so the next plan sends it again rather than calling our own write a rotation.
 * The listing is not cancellable: once values are written, recording them matters more than a prompt stop.
 */
export async function recordUpload(
  journal: SyncJournal,
  upload: UploadOutcome,
  client: Pick<ApiClient, 'listNames'>,
): Promise<string | undefined> {
  if (upload.written.length + upload.unknown.length === 0) return undefined;
  let listed: ReadonlyMap<string, string> | undefined;
  try {
    listed = new Map((await client.listNames()).secrets.map((secret) => [secret.key, secret.updatedAt]));
  } catch {
    listed = undefined;
  }
  const updates = new Map<string, JournalEntry>();
  const fingerprintOfSent = (key: string): string => journal.fingerprint(key, upload.values.get(key) ?? '');
  for (const key of upload.written) {
    const updatedAt = listed?.get(key);
    const fingerprint = fingerprintOfSent(key);
    updates.set(key, updatedAt !== undefined ? { updatedAt, fingerprint } : pendingEntry(journal, key, fingerprint));
  }
  for (const key of upload.unknown) updates.set(key, pendingEntry(journal, key, fingerprintOfSent(key)));
  return journal.record(updates);
}

function pendingEntry(journal: JournalView, key: string, pending: string): JournalEntry {
  const old = journal.entries.get(key);
  return { updatedAt: old?.updatedAt ?? '', fingerprint: old?.fingerprint ?? '', pending };
}

/**
 * Keys the platform changed after this machine last wrote them (ARCHITECTURE.md `status`): journalled keys whose
 * updatedAt on the platform is no longer the one recorded. A write of ours whose outcome is unknown (pending) is
 * left out: it may be ours. Empty without a usable journal.
 */
export async function changedOnPlatform(
  scope: JournalScope,
  listing: ReadonlyMap<string, string>,
  stateDir: string = stateDirectory(),
): Promise<{ key: string; updatedAt: string }[]> {
  const journal = await openJournal(scope, stateDir);
  const changed: { key: string; updatedAt: string }[] = [];
  for (const [key, entry] of journal.entries) {
    const updatedAt = listing.get(key);
    if (updatedAt !== undefined && updatedAt !== entry.updatedAt && entry.pending === undefined)
      changed.push({ key, updatedAt });
  }
  return changed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Whether this machine's journal knows any key of `scope` (so a listing to compare with it is worth a request). */
export async function isJournalled(scope: JournalScope, stateDir: string = stateDirectory()): Promise<boolean> {
  return (await openJournal(scope, stateDir)).entries.size > 0;
}
