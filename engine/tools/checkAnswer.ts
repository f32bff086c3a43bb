import { DEFAULT_SETTINGS, ENVIRONMENTS, type Environment, type ServerSettings } from '../core';
import {
  AGENT_INPUT_LIMITS,
  AgentToolRefusal,
  environmentArgument,
  insideRoot,
  isWithin,
  NO_UNSAVED_BUFFERS,
  relativePath,
  type AgentAnswer,
  type FillRemoteNames,
  type UnsavedBuffers,
} from './agentTools';
import { diagnoseLoaded, formatDiagnosticsText, loadWorkspace } from './diagnosticsReport';

/**
 * `secrets_check`: the diagnostics of `check` for files or folders inside `root` (absolute, links resolved) and
 * an environment. The workspace is loaded whole, so a file sees its project; only the paths given are reported.
 * A path outside `root`, or in no project under it, is refused, not skipped. `scan`: see loadWorkspace.
 */
export async function checkAnswer(
  root: string,
  input: unknown,
  fillRemote: FillRemoteNames,
  scan: ServerSettings = DEFAULT_SETTINGS,
  unsaved: UnsavedBuffers = NO_UNSAVED_BUFFERS,
): Promise<AgentAnswer> {
  const args = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const environment: Environment = environmentArgument(args.environment, ENVIRONMENTS, 'development');
  const given = pathsArgument(args.paths);
  const real = await Promise.all(given.map((each) => insideRoot(root, each)));

  const loaded = await loadWorkspace([root], environment, scan, unsaved);
  const { projectRoots } = loaded;
  // Inside one of the projects, or a folder holding one.
  const inAProject = (target: string) =>
    projectRoots.some((projectRoot) => isWithin(target, projectRoot) || isWithin(projectRoot, target));
  const stray = real.filter((each) => !inAProject(each));
  if (projectRoots.length === 0 || stray.length > 0)
    throw new AgentToolRefusal(
      `not in a Struere project of the workspace: ${stray.map((each) => relativePath(root, each)).join(', ')}`,
    );
  const diagnostics = await diagnoseLoaded(loaded, root, fillRemote, (filePath) =>
    real.some((target) => isWithin(filePath, target)),
  );
  const text = formatDiagnosticsText(diagnostics, environment, projectRoots.length);
  return { text, structured: { environment, projects: projectRoots.length, diagnostics } };
}

/** The `paths` argument: absent or empty means the whole workspace; bounded in count and length. */
function pathsArgument(value: unknown): string[] {
  if (value === undefined) return ['.'];
  const { path: maxPath, paths: maxPaths } = AGENT_INPUT_LIMITS;
  if (
    !Array.isArray(value) ||
    value.length > maxPaths ||
    !value.every((each) => typeof each === 'string' && each.length > 0 && each.length <= maxPath)
  )
    throw new AgentToolRefusal(
      `paths must be a list of at most ${maxPaths} non-empty paths of at most ${maxPath} characters`,
    );
  return value.length > 0 ? (value as string[]) : ['.'];
}
