import type { Position } from 'vscode-languageserver-types';
import type { Environment } from '../../engine/core/environments';
import type { RemoteNameList } from '../../engine/core/remoteNames';
import { LineIndex } from '../../engine/core/text';
import { WorkspaceIndex, type ProjectState, type SourceFileState } from '../../engine/core/workspaceIndex';

export const ROOT = 'file:///ws/app';

export interface FixtureProject {
  index: WorkspaceIndex;
  project: ProjectState;
  uri(name: string): string;
}

/**
 * A project from inline files: names ending in an .env name are env files, others are sources.
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
    else index.setSourceFile(uri(name), text);
  }
  for (const [environment, list] of Object.entries(remote)) index.setRemote(ROOT, environment as Environment, list);
  return { index, project, uri };
}

/** Splits `text|more` into the text without the marker and the marker's position. */
export function withCursor(marked: string): { text: string; position: Position; offset: number } {
  const offset = marked.indexOf('|');
  if (offset < 0) throw new Error('fixture has no | cursor marker');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { text, offset, position: new LineIndex(text).positionAt(offset) };
}

/** Adds a source file whose text carries a `|` cursor; returns its state and the cursor position. */
export function sourceWithCursor(
  fixture: FixtureProject,
  name: string,
  marked: string,
): { source: SourceFileState; position: Position; text: string } {
  const { text, position } = withCursor(marked);
  const source = fixture.index.setSourceFile(fixture.uri(name), text)!;
  return { source, position, text };
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
