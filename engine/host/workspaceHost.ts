import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { ServerSettings } from '../core/settings';
import { isEnvFileName, WorkspaceIndex } from '../core/workspaceIndex';
import { discoverTree, GlobFilter, PROJECT_MANIFEST, toPosix } from './discover';
import { isGitIgnored } from './gitStatus';
import { isTemplateEnvFile } from '../core/gitignore';
import { GitIgnoreCache } from './gitIgnoreCache';
import { LeakScanner } from './leakScanner';
import { isMissing, readTextFile, readTextFileSync } from './readText';

const SOURCE_CHUNK = 200;

export function pathToUri(filePath: string): string {
  return URI.file(filePath).toString();
}

export function uriToPath(uri: string): string {
  return URI.parse(uri).fsPath;
}

export type FileKind = 'manifest' | 'env' | 'source' | 'gitignore' | 'other';

/** What a change to one file did to the model, so the caller re-diagnoses only what it affects. */
export interface FileUpdate {
  readonly uri: string;
  readonly kind: FileKind;
  /** For env files: keys added or removed. */
  readonly changedKeys: ReadonlySet<string>;
}

/**
 * The disk side of the model: finds projects, reads files within the size limit and feeds the pure index.
 * Shared by the language server and the CLI so both see a project the same way.
 */
export class WorkspaceHost {
  readonly index = new WorkspaceIndex();
  /** Per env file: whether git ignores it (undefined: not applicable). */
  readonly gitIgnored = new Map<string, boolean | undefined>();
  private globs: GlobFilter;
  private readonly folders: string[] = [];
  // ---- leaks (h-leaks) ----
  /** Whether git would commit a file: asked only for files with leak findings. */
  readonly gitIgnores = new GitIgnoreCache();
  /** Open buffers' texts, set by the language server: they win over the disk for rescans. */
  openText: (uri: string) => string | undefined = () => undefined;
  /**
   * Whether every source file read from disk gets a secretlint pass (the CLI). The language server turns it off:
   * measured on the 10k-file bench, secretlint over the whole tree made indexing ~15× slower and completion wait
   * behind it, so in the editor `hardcoded-secret` covers the files you open (and env templates).
   */
  scanSourcesOnRead = true;
  /** Called when a file's hardcoded-secret findings changed (the server re-diagnoses it). */
  onSecretFindings: (uri: string) => void = () => undefined;
  readonly leakScanner = new LeakScanner(
    this.index,
    (uri) => this.openText(uri) ?? this.readCurrentText(uriToPath(uri)),
    (uri) => this.onSecretFindings(uri),
  );
  // ---- end leaks ----

  constructor(private settings: ServerSettings) {
    this.globs = new GlobFilter(settings);
  }

  /** Records an env file's text (from disk or an open buffer); rescans for leaks when its values changed. */
  setEnvText(uri: string, text: string): ReadonlySet<string> {
    if (isTemplateEnvFile(path.basename(uriToPath(uri)))) this.leakScanner.scanSecrets(uri, text);
    return this.changeEnvFile(uri, () => this.index.setEnvFile(uri, text));
  }

  /** Applies an env file change; when it changed the project's leak values, rescans its source files. */
  private changeEnvFile(uri: string, change: () => ReadonlySet<string>): ReadonlySet<string> {
    const project = this.index.projectOf(uri);
    const version = project?.leakValuesVersion;
    const changed = change();
    if (project && project.leakValuesVersion !== version) this.leakScanner.refreshLeakValues(project);
    return changed;
  }

  /** Whether git would commit the file at `uri` (outside a repository: yes). */
  isCommitted(uri: string): boolean {
    return this.gitIgnores.isCommitted(uriToPath(uri));
  }

  private readCurrentText(filePath: string): string | undefined {
    const result = readTextFileSync(filePath, this.settings.maxFileBytes, !isEnvFileName(path.basename(filePath)));
    return result.kind === 'text' ? result.text : undefined;
  }

  updateSettings(settings: ServerSettings): void {
    this.settings = settings;
    this.globs = new GlobFilter(settings);
  }

  get workspaceFolders(): readonly string[] {
    return this.folders;
  }

  /** Indexes every project below `folder`: every env file and every included source file, not only open ones. */
  async loadFolder(folder: string): Promise<void> {
    if (!this.folders.includes(folder)) this.folders.push(folder);
    const tree = await discoverTree(folder, this.settings);
    for (const root of tree.projectRoots) this.index.addProject(pathToUri(root));
    for (const file of tree.envFiles) await this.readEnvFile(file);
    // Source files are many and small: read them synchronously in chunks, yielding between chunks so requests
    // and cancellations are still served while a large tree is indexed.
    for (let start = 0; start < tree.sourceFiles.length; start += SOURCE_CHUNK) {
      for (const file of tree.sourceFiles.slice(start, start + SOURCE_CHUNK)) this.readSourceFileSync(file);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Drops everything and reads all folders again: used when projects appear or disappear. */
  async reloadAll(): Promise<void> {
    const folders = [...this.folders];
    for (const project of this.index.allProjects()) this.index.removeProject(project.rootUri);
    this.gitIgnored.clear();
    for (const folder of folders) await this.loadFolder(folder);
  }

  classify(filePath: string): FileKind {
    const name = path.basename(filePath);
    if (name === PROJECT_MANIFEST) return 'manifest';
    if (name === '.gitignore' || filePath.endsWith(`${path.sep}.git${path.sep}info${path.sep}exclude`))
      return 'gitignore';
    if (isEnvFileName(name)) return 'env';
    const folder = this.folders.find((candidate) => filePath.startsWith(candidate + path.sep));
    if (folder !== undefined) {
      const relative = toPosix(path.relative(folder, filePath));
      if (this.globs.isSource(relative)) return 'source';
    }
    return 'other';
  }

  /** The .gitignore at a project's root, for the quick fix that extends it; undefined when there is none. */
  readProjectGitignore(rootUri: string): string | undefined {
    try {
      return readFileSync(path.join(uriToPath(rootUri), '.gitignore'), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Re-reads one file after a change on disk (created, changed or deleted). */
  async refreshFile(filePath: string): Promise<FileUpdate> {
    const uri = pathToUri(filePath);
    const kind = this.classify(filePath);
    switch (kind) {
      case 'env':
        return { uri, kind, changedKeys: await this.readEnvFile(filePath) };
      case 'source':
        await this.readSourceFile(filePath);
        return { uri, kind, changedKeys: new Set() };
      case 'gitignore':
        await this.refreshGitStatus();
        return { uri, kind, changedKeys: new Set() };
      default:
        return { uri, kind, changedKeys: new Set() };
    }
  }

  async refreshGitStatus(): Promise<void> {
    this.gitIgnores.clear();
    for (const project of this.index.allProjects()) {
      for (const uri of project.envFiles.keys()) this.gitIgnored.set(uri, await isGitIgnored(uriToPath(uri)));
    }
  }

  private async readEnvFile(filePath: string): Promise<ReadonlySet<string>> {
    const uri = pathToUri(filePath);
    if (!this.index.projectOf(uri)) return new Set();
    const result = await readTextFile(filePath, this.settings.maxFileBytes, false);
    switch (result.kind) {
      case 'missing':
        this.gitIgnored.delete(uri);
        return this.changeEnvFile(uri, () => this.index.deleteEnvFile(uri));
      case 'too-large':
      case 'binary':
        this.gitIgnored.set(uri, await isGitIgnored(filePath));
        return this.changeEnvFile(uri, () => this.index.setSkippedEnvFile(uri, result.bytes));
      case 'text':
        this.gitIgnored.set(uri, await isGitIgnored(filePath));
        return this.setEnvText(uri, result.text);
    }
  }

  private readSourceFileSync(filePath: string): void {
    const uri = pathToUri(filePath);
    if (!this.index.projectOf(uri)) return;
    const result = readTextFileSync(filePath, this.settings.maxFileBytes, true);
    this.setSource(uri, result.kind === 'text' ? result.text : undefined);
  }

  private async readSourceFile(filePath: string): Promise<void> {
    const uri = pathToUri(filePath);
    if (!this.index.projectOf(uri)) return;
    const result = await readTextFile(filePath, this.settings.maxFileBytes, true);
    this.setSource(uri, result.kind === 'text' ? result.text : undefined);
  }

  /**
   * Records a source file's text (undefined: gone or unreadable) and queues its secretlint scan. When read from
   * disk the scan re-reads the file in its turn, so a large initial queue holds no texts; a `typed` buffer is
   * scanned once typing pauses.
   */
  setSource(uri: string, text: string | undefined, typed = false): void {
    if (text === undefined) {
      this.index.deleteSourceFile(uri);
      this.leakScanner.forget(uri);
      return;
    }
    this.index.setSourceFile(uri, text);
    if (typed) this.leakScanner.scanSecretsSoon(uri, text);
    else if (this.scanSourcesOnRead) this.leakScanner.scanSecrets(uri);
    // Findings of a closed buffer may not match the disk any more: the file is scanned again when reopened.
    else this.index.setSecretFindings(uri, text, []);
  }
}
