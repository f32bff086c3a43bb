import type { Position, Range } from 'vscode-languageserver-types';
import { DROPPED_KEYS, keyEndOf, parseEnv, type EnvEntry, type ParsedEnv } from './envParser';
import { ENV_FILE_NAMES, type Environment, type WritableEnvironment } from './environments';
import { rescanEditedLines, type LineEdit } from './lineEdits';
import { scanReferences, type SecretReference } from './references';
import { leakDictionary, ValueDictionary, type ValueHit } from '../leaks/dictionary';
import { allUnknown, type RemoteNameList } from './remoteNames';
import type { SecretFinding } from '../leaks/secretScan';
import { LineIndex } from '../base/text';
import { baseName, parentUri } from '../base/uris';
import { findInlineIgnores, IGNORE_MARKER, type InlineIgnore } from '../rules/inlineIgnores';

/**
 * The in-memory model of every project in a workspace: env files with their parsed keys, the secret
 * references of every scanned file, and the remote name lists. Pure data: the host reads files and feeds
 * text in; nothing here touches the disk or the network.
 */

export interface EnvKeyLocation {
  readonly key: string;
  readonly line: number;
  readonly keyRange: Range;
  readonly entryRange: Range;
}

export interface EnvFileState {
  readonly uri: string;
  readonly fileName: string;
  /** The environment this file feeds, when it is `.env.development` / `.env.production` at the project root. */
  readonly environment: WritableEnvironment | undefined;
  readonly parsed: ParsedEnv;
  readonly lineIndex: LineIndex;
  /** Last definition of each key (the one dotenv keeps); keys dotenv drops are not here: they are never set. */
  readonly keys: ReadonlyMap<string, EnvKeyLocation>;
  /** Set when the file was over the size limit and not read: its keys are unknown, not absent. */
  readonly skippedBytes?: number;
  /** Set when the file could not be read (not a regular file, permissions, a link out of the project): why. */
  readonly unreadable?: string;
  /** Its `# struere-secrets-ignore …` comments; usually none. */
  readonly ignores: readonly InlineIgnore[];
}

/**
 * What the index keeps of a reference: its key, kind and range. Not its offsets: they shift with every edit before
 * it and nothing reads them, and without them an unmoved reference survives an edit as the same object.
 */
export type IndexedReference = Omit<SecretReference, 'start' | 'end'>;

export interface AgentFileState {
  readonly uri: string;
  readonly references: readonly IndexedReference[];
  /**
   * Set for a path that should have been scanned but could not be read (a FIFO, permissions, a folder that cannot
   * be listed, a name that is not UTF-8): why. It holds no references and gets one unreadable-file diagnostic.
   */
  readonly unreadable?: string;
  /** Credential-like env values found in the text, with their ranges: rare, so usually empty. */
  readonly leaks: readonly LocatedHit<ValueHit>[];
  /** The project's `leakValuesVersion` the leaks were found with; older means the file needs a rescan. */
  readonly leaksVersion: number;
  /** The open buffer's version this state is of, when the front end said (see LineEdit); undefined otherwise. */
  readonly bufferVersion?: number;
  /** Its struere-secrets-ignore comments (any comment syntax); undefined or empty: none. */
  readonly ignores?: readonly InlineIgnore[];
}

/** A hit with its LSP range, computed when the file is scanned (the text is not kept). */
export type LocatedHit<T> = T & { readonly range: Range };

export interface ProjectState {
  /** The folder holding struere.json. */
  readonly rootUri: string;
  readonly envFiles: Map<string, EnvFileState>;
  readonly agentFiles: Map<string, AgentFileState>;
  /** key → URIs of the files that reference it, for re-diagnosing exactly what an .env edit affects. */
  readonly referencesByKey: Map<string, Set<string>>;
  /** The one string kept for each referenced key (see `keepReferences`). */
  readonly keyNames: Map<string, string>;
  remote: Record<Environment, RemoteNameList>;
  /** The credential-like values of the project's env files: what `leaked-value` looks for. */
  leakValues: ValueDictionary;
  /** Bumped whenever the set of leak values changes: every agent file scanned before must be rescanned. */
  leakValuesVersion: number;
  /** hardcoded-secret findings per file (agent files and env templates), filled asynchronously by the host. */
  readonly secretFindings: Map<string, readonly LocatedHit<SecretFinding>[]>;
}

export class WorkspaceIndex {
  private readonly projects = new Map<string, ProjectState>();
  /** The shortest project root's length: walking up from a file stops there. */
  private shortestRoot = Infinity;

  addProject(rootUri: string): ProjectState {
    const existing = this.projects.get(rootUri);
    if (existing) return existing;
    const project: ProjectState = {
      rootUri,
      envFiles: new Map(),
      agentFiles: new Map(),
      referencesByKey: new Map(),
      keyNames: new Map(),
      remote: { ...allUnknown() },
      leakValues: ValueDictionary.empty(),
      leakValuesVersion: 0,
      secretFindings: new Map(),
    };
    this.projects.set(rootUri, project);
    this.shortestRoot = Math.min(this.shortestRoot, rootUri.length);
    return project;
  }

  removeProject(rootUri: string): void {
    this.projects.delete(rootUri);
    this.shortestRoot = Math.min(Infinity, ...[...this.projects.keys()].map((root) => root.length));
  }

  allProjects(): ProjectState[] {
    return [...this.projects.values()];
  }

  getProject(rootUri: string): ProjectState | undefined {
    return this.projects.get(rootUri);
  }

  /** The nearest project enclosing `uri`: every file belongs to the nearest struere.json above it. */
  projectOf(uri: string): ProjectState | undefined {
    // Up the file's own folders, one map lookup each: the cost follows the file's depth below the shallowest
    // project, not the number of projects (a scan over every root made nested projects quadratic in depth).
    for (let folder = parentUri(uri); folder.length >= this.shortestRoot; folder = parentUri(folder)) {
      const project = this.projects.get(folder);
      if (project) return project;
      if (folder.lastIndexOf('/') < 0) break;
    }
    return undefined;
  }

  /** Records an env file's text; returns the keys whose presence changed (added or removed). */
  setEnvFile(uri: string, text: string): ReadonlySet<string> {
    return this.putEnvFile(uri, envFileState(uri, text, this.environmentOfFile(uri)));
  }

  /** Records an env file that was too large to read: its keys are unknown from now on. */
  setSkippedEnvFile(uri: string, bytes: number): ReadonlySet<string> {
    return this.putEnvFile(uri, { ...envFileState(uri, '', this.environmentOfFile(uri)), skippedBytes: bytes });
  }

  /** Records an env file that could not be read: its keys are unknown from now on, as for a skipped one. */
  setUnreadableEnvFile(uri: string, reason: string): ReadonlySet<string> {
    return this.putEnvFile(uri, { ...envFileState(uri, '', this.environmentOfFile(uri)), unreadable: reason });
  }

  deleteEnvFile(uri: string): ReadonlySet<string> {
    const project = this.projectOf(uri);
    const previous = project?.envFiles.get(uri);
    if (!project || !previous) return new Set();
    project.envFiles.delete(uri);
    project.secretFindings.delete(uri);
    refreshLeakValues(project);
    return new Set(previous.keys.keys());
  }

  getEnvFile(uri: string): EnvFileState | undefined {
    return this.projectOf(uri)?.envFiles.get(uri);
  }

  /** Records an agent file's text; `edit` says which lines changed since the last text (an open buffer's edit). */
  setAgentFile(uri: string, text: string, edit?: LineEdit): AgentFileState | undefined {
    const project = this.projectOf(uri);
    if (!project) return undefined;
    const previous = project.agentFiles.get(uri);
    if (edit && previous && this.applyLineEdit(project, previous, edit)) return project.agentFiles.get(uri);
    const state: AgentFileState = {
      uri,
      references: keepReferences(scanReferences(text), previous?.references ?? [], project.keyNames),
      leaks: locateHits(text, project.leakValues.find(text)),
      leaksVersion: project.leakValuesVersion,
      bufferVersion: edit?.toVersion,
      ignores: findInlineIgnores(text),
    };
    this.unlinkReferences(project, uri);
    project.agentFiles.set(uri, state);
    for (const reference of state.references) linkReference(project, reference.key, uri);
    return state;
  }

  /**
   * Rescans only the edited lines of a file whose leak hits are current and empty (see `rescanEditedLines`); the
   * key → files map changes only for the keys of the references dropped or found. False: scan the whole text.
   */
  private applyLineEdit(project: ProjectState, previous: AgentFileState, edit: LineEdit): boolean {
    if (previous.unreadable !== undefined || previous.leaks.length > 0) return false;
    // Ignores are rare: a file with one, or an edit near a marker, is scanned whole so its ignores are found again.
    if ((previous.ignores?.length ?? 0) > 0 || editTouchesMarker(edit)) return false;
    if (previous.leaksVersion !== project.leakValuesVersion || previous.bufferVersion !== edit.fromVersion)
      return false;
    const rescanned = rescanEditedLines(previous.references, edit, project.leakValues, (reference) => ({
      ...reference,
      key: keptKey(project.keyNames, reference.key),
    }));
    if (!rescanned) return false;
    const uri = previous.uri;
    project.agentFiles.set(uri, { ...previous, references: rescanned.references, bufferVersion: edit.toVersion });
    // Usually one reference goes per keystroke: a search that stops at the first other use of its key is cheaper
    // than a set of all of the file's keys.
    for (const { key } of rescanned.removed)
      if (!rescanned.references.some((reference) => reference.key === key)) unlinkReference(project, key, uri);
    for (const { key } of rescanned.added) linkReference(project, key, uri);
    return true;
  }

  /** Records a path that should have been scanned but could not be read (a file or a folder). */
  setUnreadableAgentFile(uri: string, reason: string): void {
    const project = this.projectOf(uri);
    if (!project) return;
    this.unlinkReferences(project, uri);
    project.agentFiles.set(uri, {
      uri,
      references: [],
      unreadable: reason,
      leaks: [],
      leaksVersion: project.leakValuesVersion,
    });
    project.secretFindings.delete(uri);
  }

  deleteAgentFile(uri: string): void {
    const project = this.projectOf(uri);
    if (!project) return;
    this.unlinkReferences(project, uri);
    project.agentFiles.delete(uri);
    project.secretFindings.delete(uri);
  }

  /** Records the hardcoded-secret findings of a file's current text (the host scans asynchronously). */
  setSecretFindings(uri: string, text: string, findings: readonly SecretFinding[]): void {
    const project = this.projectOf(uri);
    // A file removed (or found unreadable) while secretlint was scanning it keeps no findings.
    const file = project?.agentFiles.get(uri) ?? project?.envFiles.get(uri);
    if (!project || !file || file.unreadable !== undefined) return;
    if (findings.length === 0) project.secretFindings.delete(uri);
    else project.secretFindings.set(uri, locateHits(text, findings));
  }

  getAgentFile(uri: string): AgentFileState | undefined {
    return this.projectOf(uri)?.agentFiles.get(uri);
  }

  /** URIs of the files in `project` that reference any of `keys`. */
  filesReferencing(project: ProjectState, keys: Iterable<string>): Set<string> {
    const result = new Set<string>();
    for (const key of keys) for (const uri of project.referencesByKey.get(key) ?? []) result.add(uri);
    return result;
  }

  setRemote(rootUri: string, environment: Environment, list: RemoteNameList): void {
    const project = this.projects.get(rootUri);
    if (project) project.remote[environment] = list;
  }

  private environmentOfFile(uri: string): WritableEnvironment | undefined {
    const project = this.projectOf(uri);
    if (!project || parentUri(uri) !== project.rootUri) return undefined;
    const name = baseName(uri);
    return (Object.keys(ENV_FILE_NAMES) as WritableEnvironment[]).find(
      (environment) => ENV_FILE_NAMES[environment] === name,
    );
  }

  private putEnvFile(uri: string, state: EnvFileState): ReadonlySet<string> {
    const project = this.projectOf(uri);
    if (!project) return new Set();
    const previous = project.envFiles.get(uri);
    project.envFiles.set(uri, state);
    refreshLeakValues(project);
    return changedKeys(previous, state);
  }

  private unlinkReferences(project: ProjectState, uri: string): void {
    const previous = project.agentFiles.get(uri);
    if (!previous) return;
    for (const reference of previous.references) unlinkReference(project, reference.key, uri);
  }
}

/** The env file that feeds `environment` in `project` (.env.development or .env.production), if it exists. */
export function envFileFor(project: ProjectState, environment: WritableEnvironment): EnvFileState | undefined {
  for (const file of project.envFiles.values()) if (file.environment === environment) return file;
  return undefined;
}

/** The file was not read (too large or unreadable): its keys are unknown, not absent. */
export function keysUnknown(file: EnvFileState | undefined): boolean {
  return file !== undefined && (file.skippedBytes !== undefined || file.unreadable !== undefined);
}

export function isEnvFileName(fileName: string): boolean {
  return fileName === '.env' || fileName.startsWith('.env.') || fileName.endsWith('.env');
}

export function envFileState(uri: string, text: string, environment: WritableEnvironment | undefined): EnvFileState {
  const parsed = parseEnv(text);
  const lineIndex = new LineIndex(text);
  const keys = new Map<string, EnvKeyLocation>();
  for (const entry of parsed.entries) {
    if (DROPPED_KEYS.has(entry.key)) continue;
    keys.set(entry.key, new KeyLocation(entry, lineIndex));
  }
  return {
    uri,
    fileName: baseName(uri),
    environment,
    parsed,
    lineIndex,
    keys,
    ignores: findInlineIgnores(text, parsed.entries),
  };
}

/**
 * A key's location, its ranges worked out when first read: an .env keystroke re-reads a 2,000-key file, and
 * hover, definition and rename read the ranges of a few keys (eager ranges were a third of that keystroke).
 */
class KeyLocation implements EnvKeyLocation {
  readonly key: string;
  readonly line: number;
  private ranges: { key: Range; entry: Range } | undefined;

  constructor(
    private readonly entry: EnvEntry,
    private readonly lineIndex: LineIndex,
  ) {
    this.key = entry.key;
    this.line = entry.line;
  }

  get keyRange(): Range {
    return this.rangesOf().key;
  }

  get entryRange(): Range {
    return this.rangesOf().entry;
  }

  private rangesOf(): { key: Range; entry: Range } {
    const { keyStart, entryStart, valueEnd } = this.entry;
    this.ranges ??= {
      key: this.lineIndex.rangeOf(keyStart, keyEndOf(this.entry)),
      entry: this.lineIndex.rangeOf(entryStart, valueEnd),
    };
    return this.ranges;
  }
}

/**
 * The references a file keeps after a scan. One equal to a reference the file already had (same key, kind and
 * range, compared in order) is that object, so a keystroke in a prompt with thousands of references does not
 * turn them all into garbage. A new one takes its key from `keptKey`.
 */
function keepReferences(
  scanned: readonly SecretReference[],
  previous: readonly IndexedReference[],
  keyNames: ReadonlyMap<string, string>,
): IndexedReference[] {
  const kept: IndexedReference[] = [];
  let next = 0;
  for (const { key, kind, range, valid } of scanned) {
    while (next < previous.length && isBefore(previous[next]!.range.start, range.start)) next++;
    const old = previous[next];
    if (old !== undefined && old.key === key && old.kind === kind && sameRange(old.range, range)) {
      kept.push(old);
      next++;
    } else kept.push({ key: keptKey(keyNames, key), kind, range, valid });
  }
  return kept;
}

/**
 * The string kept for a key: the project's one for that name, or a copy. A key cut out of the text by the scanner
 * may be a slice that keeps the whole text alive.
 */
function keptKey(keyNames: ReadonlyMap<string, string>, key: string): string {
  return keyNames.get(key) ?? Array.from(key).join('');
}

/** Notes that `uri` references `key` (and keeps the key's one string while any file does). */
function linkReference(project: ProjectState, key: string, uri: string): void {
  let uris = project.referencesByKey.get(key);
  if (!uris) {
    project.referencesByKey.set(key, (uris = new Set()));
    project.keyNames.set(key, key);
  }
  uris.add(uri);
}

function unlinkReference(project: ProjectState, key: string, uri: string): void {
  const uris = project.referencesByKey.get(key);
  uris?.delete(uri);
  if (uris?.size === 0) {
    project.referencesByKey.delete(key);
    project.keyNames.delete(key);
  }
}

function isBefore(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

/** Rebuilds the leak dictionary; bumps the version only when the values themselves changed (not their lines). */
function refreshLeakValues(project: ProjectState): void {
  const next = leakDictionary(project.envFiles.values(), project.leakValues);
  if (!next.sameValuesAs(project.leakValues)) project.leakValuesVersion++;
  project.leakValues = next;
}

/** Whether the lines an edit rescans (see rescanEditedLines: one more on each side) hold the ignore marker. */
function editTouchesMarker(edit: LineEdit): boolean {
  const last = Math.min(edit.lastLineAfter + 1, edit.lineCount - 1);
  for (let line = Math.max(0, edit.firstLine - 1); line <= last; line++)
    if (edit.lineText(line).includes(IGNORE_MARKER)) return true;
  return false;
}

function locateHits<T extends { start: number; end: number }>(text: string, hits: readonly T[]): LocatedHit<T>[] {
  if (hits.length === 0) return [];
  const lineIndex = new LineIndex(text);
  return hits.map((hit) => ({ ...hit, range: lineIndex.rangeOf(hit.start, hit.end) }));
}

function changedKeys(previous: EnvFileState | undefined, next: EnvFileState): Set<string> {
  const changed = new Set<string>();
  const before = previous?.keys ?? new Map<string, EnvKeyLocation>();
  for (const key of next.keys.keys()) if (!before.has(key)) changed.add(key);
  for (const key of before.keys()) if (!next.keys.has(key)) changed.add(key);
  // A skipped file's keys are unknown: everything it may have held is affected.
  if (keysUnknown(previous) !== keysUnknown(next)) for (const key of before.keys()) changed.add(key);
  return changed;
}
