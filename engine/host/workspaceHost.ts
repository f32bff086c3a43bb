import * as path from 'node:path';
import { URI } from 'vscode-uri';
import {
  envFileState,
  type EnvFileState,
  type EnvGitStatus,
  isEnvFileName,
  isTemplateEnvFile,
  type LineEdit,
  type ProjectAgentFacts,
  type ServerSettings,
  WorkspaceIndex,
} from '../core';
import { isAgentFactPath, readAgentFacts } from './agentFacts';
import { discoverTree, GlobFilter, PROJECT_MANIFEST, toPosix } from './discover';
import { GitStatusReader } from './gitStatus';
import { envBufferVerdict, readEnvFile } from './envFileVerdict';
import { GitIgnoreCache } from './gitIgnoreCache';
import { GitIndexCache } from './gitIndex';
import { LeakScanner, type BackgroundRunner } from './leakScanner';
import { readTextFile, readTextFileSync, textVerdict, type ReadResult } from './readText';

const AGENT_FILE_CHUNK = 200;

export function pathToUri(filePath: string): string {
  return URI.file(filePath).toString();
}

/** A file name that URI encoding leaves as it is (vscode-uri encodes every other character of a path segment). */
const PLAIN_NAME = /^[A-Za-z0-9._~-]+$/;

/**
 * pathToUri for the many files of one pass: each folder's URI is built once and a plain file name appended as
 * is. vscode-uri re-encoded the whole path per file, a tenth of indexing a 10k-file tree.
 */
export class FileUris {
  private readonly folders = new Map<string, string>();

  of(filePath: string): string {
    const slash = filePath.lastIndexOf(path.sep);
    const name = filePath.slice(slash + 1);
    if (slash <= 0 || !PLAIN_NAME.test(name)) return pathToUri(filePath);
    const folder = filePath.slice(0, slash);
    let folderUri = this.folders.get(folder);
    if (folderUri === undefined) this.folders.set(folder, (folderUri = pathToUri(folder)));
    return `${folderUri}/${name}`;
  }
}

export function uriToPath(uri: string): string {
  return URI.parse(uri).fsPath;
}

export type FileKind = 'manifest' | 'env' | 'agent' | 'gitignore' | 'gitindex' | 'other';

/** What a change to one file did to the model, so the caller re-diagnoses only what it affects. */
export interface FileUpdate {
  readonly uri: string;
  readonly kind: FileKind;
  /** For env files: keys added or removed. */
  readonly changedKeys: ReadonlySet<string>;
  /** For git's index and AI agents' files: the env files to diagnose again (their git status or agent facts changed). */
  readonly affected?: readonly string[];
}

/** What a front end plugs into leak detection; the CLI takes the defaults. */
export interface LeakHooks {
  /**
   * Runs the scanner's background work (the secretlint queue, typing pauses, leak-value rescans): the language
   * server passes its guard. By default a failure is kept and thrown by `leakScanner.idle()`.
   */
  readonly background?: BackgroundRunner;
  /** Open buffers' texts: they win over the disk for rescans. */
  readonly openText?: (uri: string) => string | undefined;
  /** Called when a file's leak findings changed (the server re-diagnoses it). */
  readonly onFindings?: (uri: string) => void;
  /**
   * Whether every agent file read from disk gets a secretlint pass (default: yes, the CLI). The language server
   * turns it off: secretlint over the whole tree makes indexing many times slower and completion wait behind
   * it, so in the editor `hardcoded-secret` covers the files you open (and env templates).
   */
  readonly scanAgentFilesOnRead?: boolean;
}

/**
 * The disk side of the model: finds projects, reads files within the size limit and feeds the pure index.
 * Shared by the language server and the CLI so both see a project the same way.
 */
export class WorkspaceHost {
  readonly index = new WorkspaceIndex();
  /** Per env file: what git does with it (undefined: not applicable). */
  readonly gitStatus = new Map<string, EnvGitStatus | undefined>();
  /** Per project root URI: the AI agents its files show and their mechanism files (agent-readable). */
  readonly agentFacts = new Map<string, ProjectAgentFacts>();
  /** Each repository's parsed index, kept while the index file is unchanged; shared by both git readers. */
  private readonly gitIndexes = new GitIndexCache();
  private globs: GlobFilter;
  private readonly folders: string[] = [];
  /** Whether git would commit a file: asked only for files with leak findings. */
  readonly gitIgnores = new GitIgnoreCache(this.gitIndexes);
  /** hardcoded-secret scans (secretlint) and leaked-value rescans, in the background. */
  readonly leakScanner: LeakScanner;
  private readonly openText: (uri: string) => string | undefined;
  private readonly scanAgentFilesOnRead: boolean;

  constructor(
    private settings: ServerSettings,
    hooks: LeakHooks = {},
  ) {
    this.globs = new GlobFilter(settings);
    this.openText = hooks.openText ?? (() => undefined);
    this.scanAgentFilesOnRead = hooks.scanAgentFilesOnRead ?? true;
    this.leakScanner = new LeakScanner(
      this.index,
      (uri) => this.currentText(uri),
      hooks.onFindings ?? (() => undefined),
      hooks.background,
    );
  }

  /** Whether git would commit the file at `uri` (outside a repository: yes). */
  isCommitted(uri: string): boolean {
    return this.gitIgnores.isCommitted(uriToPath(uri));
  }

  /**
   * A file's text as the host would take it in now, for the leak rescans: an open buffer first, under the same
   * read rules as on disk (an over-limit buffer is not in the model, so it is not rescanned into it either).
   */
  private currentText(uri: string): string | undefined {
    const open = this.openText(uri);
    const filePath = uriToPath(uri);
    const result =
      open !== undefined
        ? textVerdict(open, this.settings.maxFileBytes)
        : readTextFileSync(filePath, this.settings.maxFileBytes, !isEnvFileName(path.basename(filePath)));
    return result.kind === 'text' ? result.text : undefined;
  }

  updateSettings(settings: ServerSettings): void {
    this.settings = settings;
    this.globs = new GlobFilter(settings);
  }

  get workspaceFolders(): readonly string[] {
    return this.folders;
  }

  /**
   * Indexes every project below `folder`: every env file and every included agent file, not only open ones.
   * `onIndexed` hears the files read so far, in batches: the env files (and unreadable paths) first, then each
   * chunk of agent files, so a front end can report a file's diagnostics while the rest is still being read.
   */
  async loadFolder(folder: string, onIndexed: (uris: readonly string[]) => void = () => undefined): Promise<void> {
    if (!this.folders.includes(folder)) this.folders.push(folder);
    const tree = await discoverTree(folder, this.globs);
    for (const root of tree.projectRoots) {
      this.index.addProject(pathToUri(root));
      this.agentFacts.set(pathToUri(root), await readAgentFacts(root, this.settings.maxFileBytes));
    }
    for (const { path: unreadable, reason } of tree.unreadable) this.markUnreadable(unreadable, reason);
    const gitStatus = this.gitStatusReader();
    for (const file of tree.envFiles) await this.readEnvFile(file, gitStatus);
    onIndexed([
      ...tree.unreadable.map(({ path: unreadable }) => pathToUri(unreadable)),
      ...tree.envFiles.map(pathToUri),
    ]);
    // Source files are many and small: read them synchronously in chunks, yielding between chunks so requests
    // and cancellations are still served while a large tree is indexed.
    const uris = new FileUris();
    for (let start = 0; start < tree.agentFiles.length; start += AGENT_FILE_CHUNK) {
      const chunk = tree.agentFiles.slice(start, start + AGENT_FILE_CHUNK).map((file) => {
        const uri = uris.of(file);
        this.readAgentFileSync(file, uri);
        return uri;
      });
      onIndexed(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Forgets a workspace folder the editor closed: its projects go, whatever other folders hold stays. */
  async removeFolder(folder: string): Promise<void> {
    const at = this.folders.indexOf(folder);
    if (at < 0) return;
    this.folders.splice(at, 1);
    // Folders may nest or overlap: reading the remaining ones again is the simple way to keep what they hold.
    await this.reloadAll();
  }

  /** Drops everything and reads all folders again: used when projects appear or disappear. */
  async reloadAll(): Promise<void> {
    const folders = [...this.folders];
    for (const project of this.index.allProjects()) this.index.removeProject(project.rootUri);
    this.gitStatus.clear();
    this.agentFacts.clear();
    for (const folder of folders) await this.loadFolder(folder);
  }

  classify(filePath: string): FileKind {
    const name = path.basename(filePath);
    if (name === PROJECT_MANIFEST) return 'manifest';
    if (name === '.gitignore' || filePath.endsWith(`${path.sep}.git${path.sep}info${path.sep}exclude`))
      return 'gitignore';
    if (filePath.endsWith(`${path.sep}.git${path.sep}index`)) return 'gitindex';
    if (isEnvFileName(name)) return 'env';
    const folder = this.folders.find((candidate) => filePath.startsWith(candidate + path.sep));
    if (folder !== undefined) {
      const relative = toPosix(path.relative(folder, filePath));
      if (this.globs.isAgentFile(relative)) return 'agent';
    }
    return 'other';
  }

  /**
   * The .gitignore at a project's root, for the quick fix that extends it: its text, undefined when there is none,
   * or null when something that is not a readable file stands there (no edit is offered then).
   */
  readProjectGitignore(rootUri: string): string | undefined | null {
    const result = readTextFileSync(path.join(uriToPath(rootUri), '.gitignore'), this.settings.maxFileBytes, false);
    if (result.kind === 'text') return result.text;
    return result.kind === 'missing' ? undefined : null;
  }

  /**
   * An open editor buffer of an env file: the same verdict as the file on disk (size limit, link rule), so a
   * 40 MB buffer is file-too-large instead of parsed. Returns the keys whose presence changed.
   */
  setEnvText(uri: string, text: string): ReadonlySet<string> {
    const project = this.index.projectOf(uri);
    if (!project) return new Set();
    return this.applyEnvVerdict(
      uri,
      envBufferVerdict(uriToPath(uri), uriToPath(project.rootUri), text, this.settings.maxFileBytes),
    );
  }

  /**
   * An open editor buffer of a prompt or tool file: the same size limit as on disk, so a 20 MB buffer is not
   * scanned (it stalled the server for seconds; found by the server fuzz test).
   */
  setAgentText(uri: string, text: string, edit?: LineEdit): void {
    this.applyAgentRead(uri, textVerdict(text, this.settings.maxFileBytes), true, edit);
  }

  /** An open env buffer that belongs to no project: syntax only, under the same size limit. */
  envStateOutsideProjects(uri: string, text: string): EnvFileState {
    const verdict = envBufferVerdict(uriToPath(uri), path.dirname(uriToPath(uri)), text, this.settings.maxFileBytes);
    const state = envFileState(uri, verdict.kind === 'text' ? text : '', undefined);
    return verdict.kind === 'too-large' ? { ...state, skippedBytes: verdict.bytes } : state;
  }

  /** Re-reads one file after a change on disk (created, changed or deleted). */
  async refreshFile(filePath: string): Promise<FileUpdate> {
    const uri = pathToUri(filePath);
    const update = await this.refreshKnownFile(filePath, uri);
    const agentAffected = await this.refreshAgentFacts(filePath);
    return agentAffected ? { ...update, affected: [...(update.affected ?? []), ...agentAffected] } : update;
  }

  private async refreshKnownFile(filePath: string, uri: string): Promise<FileUpdate> {
    const kind = this.classify(filePath);
    switch (kind) {
      case 'env':
        return { uri, kind, changedKeys: await this.readEnvFile(filePath, this.gitStatusReader()) };
      case 'agent':
        await this.readAgentFile(filePath);
        return { uri, kind, changedKeys: new Set() };
      case 'gitignore':
        // An earlier unreadable verdict on this file is re-decided by the refresh.
        this.index.deleteAgentFile(uri);
        await this.refreshGitStatus();
        return { uri, kind, changedKeys: new Set() };
      case 'gitindex':
        // `git add`, `git rm --cached`, a commit: only the env files whose status changed need diagnosing again.
        return { uri, kind, changedKeys: new Set(), affected: await this.refreshGitStatus() };
      default:
        return { uri, kind, changedKeys: new Set() };
    }
  }

  /**
   * A marker or mechanism file of an AI agent changed (`.claude/settings.json`, `.cursorignore`, …): the project's
   * facts are read again and its env files diagnosed again. Undefined when the path is no such file.
   */
  private async refreshAgentFacts(filePath: string): Promise<string[] | undefined> {
    const project = this.index.projectOf(pathToUri(filePath));
    if (!project) return undefined;
    const root = uriToPath(project.rootUri);
    if (!isAgentFactPath(path.relative(root, filePath))) return undefined;
    this.agentFacts.set(project.rootUri, await readAgentFacts(root, this.settings.maxFileBytes));
    return [...project.envFiles.keys()];
  }

  /** Decides every env file's git status again; returns the env files whose status changed. */
  async refreshGitStatus(): Promise<string[]> {
    this.gitIgnores.clear();
    const gitStatus = this.gitStatusReader();
    const changed: string[] = [];
    for (const project of this.index.allProjects()) {
      const root = uriToPath(project.rootUri);
      for (const uri of project.envFiles.keys()) {
        const before = this.gitStatus.get(uri);
        const after = await gitStatus.envFileStatus(uriToPath(uri), root);
        this.gitStatus.set(uri, after);
        if (JSON.stringify(before) !== JSON.stringify(after)) changed.push(uri);
      }
    }
    return changed;
  }

  private async readEnvFile(filePath: string, gitStatus: GitStatusReader): Promise<ReadonlySet<string>> {
    const uri = pathToUri(filePath);
    const project = this.index.projectOf(uri);
    if (!project) return new Set();
    const result = await readEnvFile(filePath, uriToPath(project.rootUri), this.settings.maxFileBytes);
    if (result.kind === 'missing') this.gitStatus.delete(uri);
    else this.gitStatus.set(uri, await gitStatus.envFileStatus(filePath, uriToPath(project.rootUri)));
    return this.applyEnvVerdict(uri, result);
  }

  /**
   * Every env file change enters here, from disk or a buffer. When it changed the project's credential-like
   * values, the agent files are rescanned for them; an env template's text is queued for secretlint.
   */
  private applyEnvVerdict(uri: string, result: ReadResult): ReadonlySet<string> {
    const project = this.index.projectOf(uri);
    const version = project?.leakValuesVersion;
    const changed = this.recordEnvVerdict(uri, result);
    if (project && project.leakValuesVersion !== version) this.leakScanner.refreshLeakValues(project);
    if (result.kind === 'text' && isTemplateEnvFile(path.basename(uriToPath(uri))))
      this.leakScanner.scanSecrets(uri, result.text);
    else this.leakScanner.forget(uri);
    return changed;
  }

  private recordEnvVerdict(uri: string, result: ReadResult): ReadonlySet<string> {
    switch (result.kind) {
      case 'missing':
        return this.index.deleteEnvFile(uri);
      case 'too-large':
      case 'binary':
        return this.index.setSkippedEnvFile(uri, result.bytes);
      case 'unreadable':
        return this.index.setUnreadableEnvFile(uri, result.reason);
      case 'text':
        return this.index.setEnvFile(uri, result.text);
    }
  }

  /** One per pass over many files (see GitStatusReader): it caches what the disk said during that pass. */
  private gitStatusReader(): GitStatusReader {
    return new GitStatusReader((unreadable, reason) => this.markUnreadable(unreadable, reason), this.gitIndexes);
  }

  /** A path in a project that should have been read and could not be: one unreadable-file diagnostic. */
  private markUnreadable(filePath: string, reason: string): void {
    const uri = pathToUri(filePath);
    const unreadable: ReadResult = { kind: 'unreadable', reason };
    if (isEnvFileName(path.basename(filePath))) this.applyEnvVerdict(uri, unreadable);
    else this.applyAgentRead(uri, unreadable);
  }

  /**
   * Every agent file change enters here. Its secretlint scan is queued: a `typed` buffer's once typing pauses;
   * a file read from disk re-reads itself in its turn (a large initial queue holds no texts), and only where
   * the front end scans on read (the CLI; see `LeakHooks.scanAgentFilesOnRead`).
   */
  private applyAgentRead(uri: string, result: ReadResult, typed = false, edit?: LineEdit): void {
    if (result.kind !== 'text') {
      if (result.kind === 'unreadable') this.index.setUnreadableAgentFile(uri, result.reason);
      else this.index.deleteAgentFile(uri);
      this.leakScanner.forget(uri);
      return;
    }
    this.index.setAgentFile(uri, result.text, edit);
    if (typed) this.leakScanner.scanSecretsSoon(uri, result.text);
    else if (this.scanAgentFilesOnRead) this.leakScanner.scanSecrets(uri);
    // Findings of a closed buffer may not match the disk any more: the file is scanned again when reopened.
    else this.index.setSecretFindings(uri, result.text, []);
  }

  private readAgentFileSync(filePath: string, uri: string): void {
    if (!this.index.projectOf(uri)) return;
    this.applyAgentRead(uri, readTextFileSync(filePath, this.settings.maxFileBytes, true));
  }

  private async readAgentFile(filePath: string): Promise<void> {
    const uri = pathToUri(filePath);
    if (!this.index.projectOf(uri)) return;
    this.applyAgentRead(uri, await readTextFile(filePath, this.settings.maxFileBytes, true));
  }
}
