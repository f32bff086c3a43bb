import type {
  CodeAction,
  CodeLens,
  CompletionItem,
  CompletionList,
  Diagnostic,
  DocumentHighlight,
  DocumentSymbol,
  Hover,
  Location,
  Position,
  Range,
  SymbolInformation,
  WorkspaceEdit,
} from 'vscode-languageserver-types';
import { baseName } from './base/uris';
import { codeActions } from './features/codeActions';
import { PLAIN_CLIENT, type ClientFeatures } from './features/clientFeatures';
import { envCodeLenses } from './features/codeLenses';
import { CompletionLists, completeEnvKey, doComplete, resolveCompletion } from './features/completion';
import { findDefinition } from './features/definition';
import { exampleComparedFiles, validateEnvExample } from './features/envExample';
import { hoverEnvKey, hoverReference } from './features/hover';
import { documentHighlights, findReferences } from './features/navigation';
import { planRename, prepareRename, renameNotice } from './features/rename';
import { formatStatusMarkdown, referencingFiles, secretStatus, type StatusRow } from './features/status';
import { documentSymbols, workspaceSymbols } from './features/symbols';
import { hasLeakFindings, validateLeaks } from './leaks/leakDiagnostics';
import { ENVIRONMENTS, type Environment } from './model/environments';
import type { LineEdit } from './model/lineEdits';
import { keysSetIn } from './model/presence';
import type { RemoteNameList } from './model/remoteNames';
import { DEFAULT_SETTINGS } from './model/settings';
import { isEnvFileName, type EnvFileState, type ProjectState, type WorkspaceIndex } from './model/workspaceIndex';
import { compilePrompt, type CompileResult } from './prompt/compiler';
import { DIAGNOSTIC_SOURCE } from './rules/diagnosticRules';
import { applyInlineIgnores } from './rules/inlineIgnores';
import { siblingOf, validateParity } from './rules/parity';
import { validateAgentFile, validateEnvFile, type ValidationSettings } from './rules/validation';
import type { EnvGitStatus } from './model/gitignore';
import type { ProjectAgentFacts } from './model/agents';
import { validateAgentAccess } from './rules/agentAccess';
import { editTargets, writableActions } from './features/writableEdits';

/**
 * The one entry point into the core for every front end (the LSP server, the CLI). It owns the decision "an
 * .env file or an agent file (prompt, tool)?" and the project lookup, so the front ends pass a URI and a
 * position and never import a feature module. Pure like the rest of the core: what only the host knows (open
 * buffers, git, the include globs) comes in through `SecretsServiceHost`.
 */
export interface SecretsService {
  /** Environment, severities and the size limit: the front end's settings, applied from the next call on. */
  configure(settings: ValidationSettings): void;
  readonly settings: ValidationSettings;

  /**
   * Re-reads an open document's text into the model; returns what to re-diagnose (undefined: nothing). `edit` says
   * which lines changed since the last text, when the front end knows (an agent file then rescans only those).
   */
  updateDocument(uri: string, text: string, edit?: LineEdit): Rediagnosis | undefined;
  /** Files whose diagnostics depend on `changedKeys` of the file at `uri` (references, the parity sibling). */
  dependentsOf(uri: string, changedKeys: ReadonlySet<string>): Set<string>;
  /** Stores a project's remote name lists; returns the files whose diagnostics change, undefined for no project. */
  setRemoteNames(projectUri: string, lists: Partial<Record<Environment, RemoteNameList>>): string[] | undefined;

  diagnose(uri: string): Diagnostic[];
  /**
   * The ranges of the file's leaked values and hard-coded credentials, whatever ignores and severities say: the
   * text a baseline must mask before it digests a line (engine/core/baseline/baseline.ts).
   */
  secretRanges(uri: string): Range[];
  /** Every env and agent file of every project: what a full re-diagnosis or a workspace pull covers. */
  indexedFiles(): string[];
  /** Whether `uri` is one of `indexedFiles()`, without listing them. */
  isIndexed(uri: string): boolean;
  complete(uri: string, position: Position): CompletionList | CompletionItem[];
  resolveCompletion(item: CompletionItem): CompletionItem;
  hover(uri: string, position: Position): Hover | null;
  definition(uri: string, position: Position): Location[];
  references(uri: string, position: Position, includeDeclaration: boolean): Location[];
  highlights(uri: string, position: Position): DocumentHighlight[];
  /** Throws `ServiceRefusal` on a reference that names no secret. */
  prepareRename(uri: string, position: Position): { range: Range; placeholder: string } | null;
  /** Throws `ServiceRefusal` on an invalid new name; `notice` tells the user what rename cannot change. */
  rename(uri: string, position: Position, newName: string): { edit: WorkspaceEdit; notice: string } | null;
  codeActions(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[];
  codeLenses(uri: string): CodeLens[];
  documentSymbols(uri: string): DocumentSymbol[];
  workspaceSymbols(query: string): SymbolInformation[];
  /** The keys × environments table of one project, as Markdown; undefined when there is no such project. */
  status(projectUri: string): string | undefined;
  /** The same table as rows (the CLI prints text or JSON); undefined when there is no such project. */
  statusRows(projectUri: string): StatusRow[] | undefined;
  /** URIs of the project's files referencing `key`, sorted; empty when there is no such project or key. */
  referencingFiles(projectUri: string, key: string): string[];
  /** A prompt or agent file's text compiled for the configured environment; undefined outside any project. */
  compilePrompt(uri: string, text: string): CompileResult | undefined;
  /** Project folders (URIs), nearest-first order not guaranteed. */
  projects(): string[];
  stats(): { projects: number; envFiles: number; agentFiles: number; references: number };
}

/** What to re-diagnose after a change: `crossFile` says files other than the edited one are affected. */
export interface Rediagnosis {
  readonly uris: readonly string[];
  readonly crossFile: boolean;
}

/** The editor's open buffers: while a file is open, its buffer is the truth. */
export interface OpenDocuments {
  /** The version of an open document (edits to it are refused by the editor when stale), null when closed. */
  version(uri: string): number | null;
  /** The whole text of an open document, undefined when closed. */
  text(uri: string): string | undefined;
  /** One line of an open document without its line break, undefined when closed. */
  lineText(uri: string, line: number): string | undefined;
}

export const NO_OPEN_DOCUMENTS: OpenDocuments = {
  version: () => null,
  text: () => undefined,
  lineText: () => undefined,
};

/** What only the host (disk, git, settings globs) knows. */
export interface SecretsServiceHost {
  readonly documents: OpenDocuments;
  /** What git does with an env file; undefined when the question does not apply (no repository, a template). */
  gitStatus(uri: string): EnvGitStatus | undefined;
  /** The project's .gitignore text, for the quick fix that extends it; undefined when there is none, null when it cannot be read (no fix offered). */
  projectGitignore(rootUri: string): string | undefined | null;
  /** The AI agents a project shows and their mechanism files (agent-readable); undefined when unknown. */
  agentFacts?(rootUri: string): ProjectAgentFacts | undefined;
  /** Whether an included (and not excluded) file of a project: one scanned for references. */
  isAgentFile(uri: string): boolean;
  /**
   * Whether git would commit the file (outside a repository: yes). leaked-value and hardcoded-secret are
   * reported only for such files, and it is asked only for files with findings, so git is asked for few.
   */
  isCommitted(uri: string): boolean;
  /**
   * An open buffer enters the model through the host, under the same read rules as the file on disk (size
   * limit, links), so a buffer and its file get one verdict. Returns the keys whose presence changed.
   */
  putEnvText(uri: string, text: string): ReadonlySet<string>;
  putAgentText(uri: string, text: string, edit?: LineEdit): void;
  /** An open env buffer outside every project (syntax only), under the same rules. */
  envFileOutsideProjects(uri: string, text: string): EnvFileState;
  /**
   * Whether the host's safe writer would write the file at `uri` now (a regular file inside its project, or
   * nothing yet, with no link on the way): quick fixes and renames edit only such files (writableEdits.ts).
   */
  writable(uri: string): boolean;
}

export type { ClientFeatures } from './features/clientFeatures';
export { PLAIN_CLIENT } from './features/clientFeatures';

/** A deliberate refusal (not a failure): the front end shows `message` to the user as it is. */
export class ServiceRefusal extends Error {
  constructor(
    readonly kind: 'invalid-request' | 'invalid-params',
    message: string,
  ) {
    super(message);
    this.name = 'ServiceRefusal';
  }
}

export function createSecretsService(
  index: WorkspaceIndex,
  host: SecretsServiceHost,
  client: ClientFeatures = PLAIN_CLIENT,
): SecretsService {
  return new WorkspaceSecretsService(index, host, client);
}

class WorkspaceSecretsService implements SecretsService {
  private current: ValidationSettings = {
    environment: DEFAULT_SETTINGS.environment,
    severity: DEFAULT_SETTINGS.severity,
    maxFileBytes: DEFAULT_SETTINGS.maxFileBytes,
  };

  private readonly completionLists: CompletionLists;

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly host: SecretsServiceHost,
    private readonly client: ClientFeatures,
  ) {
    this.completionLists = new CompletionLists(client);
  }

  /** The project of `uri` and the file there: the one place ".env file or agent file?" is decided. */
  private locate(uri: string) {
    const project = this.index.projectOf(uri);
    return { project, envFile: project?.envFiles.get(uri), agentFile: project?.agentFiles.get(uri) };
  }

  private agentFileAt(uri: string) {
    return this.index.projectOf(uri)?.agentFiles.get(uri);
  }

  configure(next: ValidationSettings): void {
    this.current = next;
  }

  get settings(): ValidationSettings {
    return this.current;
  }

  updateDocument(uri: string, text: string, edit?: LineEdit): Rediagnosis | undefined {
    const project = this.index.projectOf(uri);
    if (isEnvFileName(baseName(uri))) {
      const changed = project ? this.host.putEnvText(uri, text) : new Set<string>();
      return { uris: [uri, ...this.dependentsOf(uri, changed)], crossFile: true };
    }
    if (!project || !this.host.isAgentFile(uri)) return undefined;
    this.host.putAgentText(uri, text, edit);
    return { uris: [uri], crossFile: false };
  }

  dependentsOf(uri: string, changedKeys: ReadonlySet<string>): Set<string> {
    const project = this.index.projectOf(uri);
    if (!project || changedKeys.size === 0) return new Set();
    const affected = this.index.filesReferencing(project, changedKeys);
    // The other environment's file: its env-parity diagnostics compare against this one.
    const file = project.envFiles.get(uri);
    const sibling = file ? siblingOf(file, project) : undefined;
    if (sibling) affected.add(sibling.uri);
    // .env.example and the files it describes: their env-example diagnostics compare against each other.
    if (file) for (const other of exampleComparedFiles(project)) affected.add(other.uri);
    return affected;
  }

  setRemoteNames(projectUri: string, lists: Partial<Record<Environment, RemoteNameList>>): string[] | undefined {
    const project = this.index.getProject(projectUri);
    if (!project) return undefined;
    for (const environment of ENVIRONMENTS) {
      const list = lists[environment];
      if (list) this.index.setRemote(project.rootUri, environment, list);
    }
    // Remote lists change rarely (a refresh, a sync): re-diagnosing the project's references is cheap enough.
    return [...project.agentFiles.keys()];
  }

  diagnose(uri: string): Diagnostic[] {
    const { project, envFile, agentFile } = this.locate(uri);
    const severity = this.current.severity;
    // Inline ignores apply here, once for every front end: the CLI and the language server silence the same lines.
    if (project && envFile)
      return applyInlineIgnores(
        [
          ...validateEnvFile(envFile, this.host.gitStatus(uri), this.current),
          ...validateParity(envFile, project, severity),
          ...validateEnvExample(envFile, project, severity),
          ...validateAgentAccess(envFile, project, this.host.agentFacts?.(project.rootUri), severity),
          ...this.leaks(uri, project),
        ],
        envFile.ignores,
        severity,
      );
    if (project && agentFile)
      return applyInlineIgnores(
        [...validateAgentFile(agentFile, project, this.current), ...this.leaks(uri, project)],
        agentFile.ignores,
        severity,
      );
    const text = this.host.documents.text(uri);
    // An .env file outside any project still gets its syntax checked.
    if (text !== undefined && isEnvFileName(baseName(uri))) {
      const outside = this.host.envFileOutsideProjects(uri, text);
      return applyInlineIgnores(validateEnvFile(outside, undefined, this.current), outside.ignores, severity);
    }
    return [];
  }

  secretRanges(uri: string): Range[] {
    const project = this.index.projectOf(uri);
    if (!project) return [];
    const leaks = project.agentFiles.get(uri)?.leaks ?? [];
    return [...leaks, ...(project.secretFindings.get(uri) ?? [])].map((hit) => hit.range);
  }

  /** leaked-value and hardcoded-secret: only a file with findings asks the host whether git would commit it. */
  private leaks(uri: string, project: ProjectState): Diagnostic[] {
    if (!hasLeakFindings(uri, project) || !this.host.isCommitted(uri)) return [];
    return validateLeaks(uri, project, this.current.severity);
  }

  indexedFiles(): string[] {
    return this.index.allProjects().flatMap((project) => [...project.envFiles.keys(), ...project.agentFiles.keys()]);
  }

  isIndexed(uri: string): boolean {
    const project = this.index.projectOf(uri);
    return project !== undefined && (project.envFiles.has(uri) || project.agentFiles.has(uri));
  }

  complete(uri: string, position: Position): CompletionList | CompletionItem[] {
    const { project, envFile } = this.locate(uri);
    const lineText = project ? this.host.documents.lineText(uri, position.line) : undefined;
    if (!project || lineText === undefined) return [];
    if (envFile) return completeEnvKey(envFile, project, lineText, position);
    const completions = doComplete(lineText, position, project, this.current.environment);
    return completions ? this.completionLists.answer(uri, completions) : [];
  }

  resolveCompletion(item: CompletionItem): CompletionItem {
    const uri = this.completionLists.documentOf(item);
    const project = uri !== undefined ? this.index.projectOf(uri) : undefined;
    return project ? resolveCompletion(item, project) : item;
  }

  hover(uri: string, position: Position): Hover | null {
    const { project, envFile, agentFile } = this.locate(uri);
    if (project && envFile) return hoverEnvKey(envFile, position, project);
    if (project && agentFile) return hoverReference(agentFile, position, project);
    return null;
  }

  definition(uri: string, position: Position): Location[] {
    const project = this.index.projectOf(uri);
    const agentFile = this.agentFileAt(uri);
    return project && agentFile ? findDefinition(agentFile, position, project, this.current.environment) : [];
  }

  references(uri: string, position: Position, includeDeclaration: boolean): Location[] {
    const project = this.index.projectOf(uri);
    return project ? findReferences(project, uri, position, includeDeclaration) : [];
  }

  highlights(uri: string, position: Position): DocumentHighlight[] {
    const project = this.index.projectOf(uri);
    return project ? documentHighlights(project, uri, position) : [];
  }

  prepareRename(uri: string, position: Position): { range: Range; placeholder: string } | null {
    const project = this.index.projectOf(uri);
    const result = project ? prepareRename(project, uri, position) : undefined;
    if (!result) return null;
    if ('error' in result) throw new ServiceRefusal('invalid-request', result.error);
    return result;
  }

  rename(uri: string, position: Position, newName: string): { edit: WorkspaceEdit; notice: string } | null {
    const project = this.index.projectOf(uri);
    const plan = project ? planRename(project, uri, position, newName) : undefined;
    if (!plan) return null;
    if ('error' in plan) throw new ServiceRefusal('invalid-params', plan.error);
    const edit: WorkspaceEdit = {
      documentChanges: [...plan.edits].map(([editUri, edits]) => ({
        textDocument: { uri: editUri, version: this.host.documents.version(editUri) },
        edits,
      })),
    };
    const blocked = editTargets(edit).find((target) => !this.host.writable(target));
    if (blocked !== undefined)
      throw new ServiceRefusal(
        'invalid-request',
        `Rename would edit ${baseName(blocked)}, which is a link or not a regular file inside the project: nothing was renamed.`,
      );
    return {
      edit,
      notice: renameNotice(plan),
    };
  }

  codeActions(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
    const project = this.index.projectOf(uri);
    const ours = diagnostics.filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE);
    if (!project || ours.length === 0) return [];
    const all = codeActions(project, uri, ours, this.current.environment, {
      versionOf: (documentUri) => this.host.documents.version(documentUri),
      gitignoreText: this.host.projectGitignore(project.rootUri),
      documentText: (documentUri) => this.host.documents.text(documentUri),
      wouldCommit: (fileUri) => this.host.isCommitted(fileUri),
      agentFacts: this.host.agentFacts?.(project.rootUri),
      writable: (target) => this.host.writable(target),
    });
    const actions = writableActions(all, (target) => this.host.writable(target));
    // "Move to .env.development" is only a command (the client asks the name and reads the value): it goes here.
    return this.client.clientCommands ? actions : withoutClientCommands(actions);
  }

  codeLenses(uri: string): CodeLens[] {
    const { project, envFile } = this.locate(uri);
    return project && envFile ? envCodeLenses(envFile, project, this.client) : [];
  }

  documentSymbols(uri: string): DocumentSymbol[] {
    const envFile = this.index.getEnvFile(uri);
    return envFile ? documentSymbols(envFile) : [];
  }

  workspaceSymbols(query: string): SymbolInformation[] {
    return workspaceSymbols(this.index, query);
  }

  status(projectUri: string): string | undefined {
    const project = this.index.getProject(projectUri);
    return project && formatStatusMarkdown(secretStatus(project), project.remote, baseName(project.rootUri));
  }

  statusRows(projectUri: string): StatusRow[] | undefined {
    const project = this.index.getProject(projectUri);
    return project && secretStatus(project);
  }

  referencingFiles(projectUri: string, key: string): string[] {
    const project = this.index.getProject(projectUri);
    return project ? referencingFiles(project, key) : [];
  }

  compilePrompt(uri: string, text: string): CompileResult | undefined {
    const project = this.index.projectOf(uri);
    if (!project) return undefined;
    // Only which keys are set reaches the compiler: no value can end up in its output.
    const set = new Set(keysSetIn(project, this.current.environment));
    return compilePrompt(text, baseName(uri), (key) => set.has(key));
  }

  projects(): string[] {
    return this.index.allProjects().map((project) => project.rootUri);
  }

  stats(): ReturnType<SecretsService['stats']> {
    return statsOf(this.index.allProjects());
  }
}

/**
 * Plain LSP clients cannot run our client's commands: an action that is only a command goes, and an edit
 * keeps its edit without the follow-up command (placing the cursor), which the client would fail to run.
 */
function withoutClientCommands(actions: readonly CodeAction[]): CodeAction[] {
  return actions.filter((action) => action.edit !== undefined).map(({ command: _command, ...action }) => action);
}

function statsOf(projects: readonly ProjectState[]): ReturnType<SecretsService['stats']> {
  let references = 0;
  for (const project of projects)
    for (const agentFile of project.agentFiles.values()) references += agentFile.references.length;
  return {
    projects: projects.length,
    envFiles: projects.reduce((sum, project) => sum + project.envFiles.size, 0),
    agentFiles: projects.reduce((sum, project) => sum + project.agentFiles.size, 0),
    references,
  };
}
