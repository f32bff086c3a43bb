import type { Position, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { Environment } from '../../engine/core/model/environments';
import {
  createSecretsService,
  type ClientFeatures,
  type OpenDocuments,
  type SecretsService,
} from '../../engine/core/service';
import { envFileState } from '../../engine/core/model/workspaceIndex';
import type { RemoteNameList } from '../../engine/core/model/remoteNames';
import { LineIndex } from '../../engine/core/base/text';
import { WorkspaceIndex, type ProjectState, type AgentFileState } from '../../engine/core/model/workspaceIndex';
import type { EnvGitStatus } from '../../engine/core/model/gitignore';

export const ROOT = 'file:///ws/app';

/** An env file's git status as the host reports it: ignored, or not ignored and not in git's index. */
export const GIT_IGNORED: EnvGitStatus = { ignored: true, tracked: false };
export const GIT_NOT_IGNORED: EnvGitStatus = { ignored: false, tracked: false };

export interface FixtureProject {
  index: WorkspaceIndex;
  project: ProjectState;
  uri(name: string): string;
}

/**
 * A project from inline files: names ending in an .env name are env files, others are agent files (prompts, tools).
 * `remote` fills remote name lists per environment.
 */
export function fixtureProject(
  files: Record<string, string>,
  remote: Partial<Record<Environment, RemoteNameList>> = {},
): FixtureProject {
  const index = new WorkspaceIndex();
  const project = index.addProject(ROOT);
  const uri = (name: string) => `${ROOT}/${name}`;
  for (const [name, text] of Object.entries(files)) {
    if (/(^|\/)\.env(\.|$)/.test(name)) index.setEnvFile(uri(name), text);
    else index.setAgentFile(uri(name), text);
  }
  for (const [environment, list] of Object.entries(remote)) index.setRemote(ROOT, environment as Environment, list);
  return { index, project, uri };
}

export interface FixtureService {
  service: SecretsService;
  fixture: FixtureProject;
  /** The open documents' texts by URI: what the editor holds, ahead of the index. */
  texts: Map<string, string>;
  /** Selects `environment` (default severities and size limit) and returns the service: `at('production').hover(…)`. */
  at(environment: Environment): SecretsService;
}

/**
 * The service over a fixture project, the way the front ends reach every feature: tests of a feature call it here,
 * so a feature file can move without breaking them. `open` holds open documents' texts (a name or a full URI);
 * `.txt` files are outside the include globs; `ignored.md` is one git would not commit.
 */
export function fixtureService(
  files: Record<string, string>,
  options: {
    open?: Record<string, string>;
    client?: ClientFeatures;
    remote?: Partial<Record<Environment, RemoteNameList>>;
  } = {},
): FixtureService {
  const fixture = fixtureProject(files, options.remote);
  const texts = new Map(
    Object.entries(options.open ?? {}).map(([name, text]) => [name.includes(':') ? name : fixture.uri(name), text]),
  );
  const documents: OpenDocuments = {
    version: (uri) => (texts.has(uri) ? 3 : null),
    text: (uri) => texts.get(uri),
    lineText: (uri, line) => (texts.has(uri) ? lineAt(texts.get(uri)!, line) : undefined),
  };
  const service = createSecretsService(
    fixture.index,
    {
      documents,
      gitStatus: () => GIT_IGNORED,
      projectGitignore: () => undefined,
      isAgentFile: (uri) => !uri.endsWith('.txt'),
      isCommitted: (uri) => !uri.endsWith('/ignored.md'),
      putEnvText: (uri, text) => fixture.index.setEnvFile(uri, text),
      writable: () => true,
      putAgentText: (uri, text) => void fixture.index.setAgentFile(uri, text),
      envFileOutsideProjects: (uri, text) => envFileState(uri, text, undefined),
    },
    options.client,
  );
  const at = (environment: Environment) => {
    service.configure({ ...service.settings, environment });
    return service;
  };
  return { service, fixture, texts, at };
}

/** Splits `text|more` into the text without the marker and the marker's position. */
export function withCursor(marked: string): { text: string; position: Position; offset: number } {
  const offset = marked.indexOf('|');
  if (offset < 0) throw new Error('fixture has no | cursor marker');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { text, offset, position: new LineIndex(text).positionAt(offset) };
}

/** Adds an agent file whose text carries a `|` cursor; returns its state and the cursor position. */
export function agentFileWithCursor(
  fixture: FixtureProject,
  name: string,
  marked: string,
): { file: AgentFileState; position: Position; text: string } {
  const { text, position } = withCursor(marked);
  const file = fixture.index.setAgentFile(fixture.uri(name), text)!;
  return { file, position, text };
}

export function lineAt(text: string, line: number): string {
  return text.split(/\r\n|\r|\n/)[line] ?? '';
}

export function fresh(...names: string[]): RemoteNameList {
  return { state: 'fresh', names: new Set(names), fetchedAt: Date.now() };
}

/** LSP 3.18 allows Markdown diagnostic messages; ours are plain strings. */
export function messageOf(diagnostic: { message: string | { value: string } }): string {
  return typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
}

/** Applies a WorkspaceEdit's text edits to in-memory texts (creating files it creates). */
export function applyEdit(edit: WorkspaceEdit, texts: Record<string, string>): Record<string, string> {
  const result = { ...texts };
  for (const change of edit.documentChanges ?? []) {
    if ('kind' in change) {
      if (change.kind === 'create' && result[change.uri] === undefined) result[change.uri] = '';
      continue;
    }
    const textEdit = change as TextDocumentEdit;
    let text = result[textEdit.textDocument.uri] ?? '';
    const lines = text.split('\n');
    const offset = (p: { line: number; character: number }) =>
      lines.slice(0, p.line).reduce((sum, l) => sum + l.length + 1, 0) + p.character;
    const sorted = [...textEdit.edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
    for (const e of sorted) {
      if (!('newText' in e)) continue;
      text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(Math.min(text.length, offset(e.range.end)));
    }
    result[textEdit.textDocument.uri] = text;
  }
  return result;
}

/** The fixes proper: without the "Ignore CODE on this line" actions offered after them (see ignoreFixes.test.ts). */
export function realFixes<T extends { title: string }>(actions: readonly T[]): T[] {
  return actions.filter((action) => !action.title.startsWith('Ignore '));
}
