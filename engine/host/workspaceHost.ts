import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { ServerSettings } from '../core/settings';
import { isEnvFileName, WorkspaceIndex } from '../core/workspaceIndex';
import { discoverTree, GlobFilter, PROJECT_MANIFEST, toPosix } from './discover';
import { isGitIgnored } from './gitStatus';
import { isMissing, readTextFile, readTextFileSync } from './readText';

const AGENT_FILE_CHUNK = 200;

export function pathToUri(filePath: string): string {
  return URI.file(filePath).toString();
}

export function uriToPath(uri: string): string {
  return URI.parse(uri).fsPath;
}

export type FileKind = 'manifest' | 'env' | 'agent' | 'gitignore' | 'other';

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

  constructor(private settings: ServerSettings) {
    this.globs = new GlobFilter(settings);
  }

  updateSettings(settings: ServerSettings): void {
    this.settings = settings;
    this.globs = new GlobFilter(settings);
  }

  get workspaceFolders(): readonly string[] {
    return this.folders;
  }

  /** Indexes every project below `folder`: every env file and every included agent file, not only open ones. */
  async loadFolder(folder: string): Promise<void> {
    if (!this.folders.includes(folder)) this.folders.push(folder);
    const tree = await discoverTree(folder, this.settings);
    for (const root of tree.projectRoots) this.index.addProject(pathToUri(root));
    for (const file of tree.envFiles) await this.readEnvFile(file);
    // Source files are many and small: read them synchronously in chunks, yielding between chunks so requests
    // and cancellations are still served while a large tree is indexed.
    for (let start = 0; start < tree.agentFiles.length; start += AGENT_FILE_CHUNK) {
      for (const file of tree.agentFiles.slice(start, start + AGENT_FILE_CHUNK)) this.readAgentFileSync(file);
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
      if (this.globs.isAgentFile(relative)) return 'agent';
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
      case 'agent':
        await this.readAgentFile(filePath);
        return { uri, kind, changedKeys: new Set() };
      case 'gitignore':
        await this.refreshGitStatus();
        return { uri, kind, changedKeys: new Set() };
      default:
        return { uri, kind, changedKeys: new Set() };
    }
  }

  async refreshGitStatus(): Promise<void> {
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
        return this.index.deleteEnvFile(uri);
      case 'too-large':
      case 'binary':
        this.gitIgnored.set(uri, await isGitIgnored(filePath));
        return this.index.setSkippedEnvFile(uri, result.bytes);
      case 'text':
        this.gitIgnored.set(uri, await isGitIgnored(filePath));
        return this.index.setEnvFile(uri, result.text);
    }
  }

  private readAgentFileSync(filePath: string): void {
    const uri = pathToUri(filePath);
    if (!this.index.projectOf(uri)) return;
    const result = readTextFileSync(filePath, this.settings.maxFileBytes, true);
    if (result.kind === 'text') this.index.setAgentFile(uri, result.text);
    else this.index.deleteAgentFile(uri);
  }

  private async readAgentFile(filePath: string): Promise<void> {
    const uri = pathToUri(filePath);
    if (!this.index.projectOf(uri)) return;
    const result = await readTextFile(filePath, this.settings.maxFileBytes, true);
    if (result.kind === 'text') this.index.setAgentFile(uri, result.text);
    else this.index.deleteAgentFile(uri);
  }
}
