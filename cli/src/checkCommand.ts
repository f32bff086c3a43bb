import * as path from 'node:path';
import type { Range } from 'vscode-languageserver-types';
import {
  countOf,
  ENVIRONMENTS,
  formatBaseline,
  subtractBaseline,
  type BaselineEntry,
  type EnvFileState,
  type Environment,
} from '../../engine/core';
import {
  BaselineFileError,
  pathToUri,
  readBaselineFile,
  RefusedWriteError,
  writeBaselineFile,
} from '../../engine/host';
import { apiSettingsFrom, type CliApiSettings } from './apiSettings';
import { baselineFingerprints } from './checkBaseline';
import { resolveCheckTargets, type CheckTargets } from './checkTargets';
import {
  diagnoseLoaded,
  formatDiagnosticsText,
  loadWorkspace,
  type ReportedDiagnostic as CliDiagnostic,
} from '../../engine/tools';
import { formatGithub } from './formats/github';
import { ARRAY_PLACEHOLDER, jsonLines } from './formats/jsonLines';
import { sarifLines } from './formats/sarif';
import { CliUsageError, oneOf, outLines, type CliIo } from './io';
import { fillRemoteNames } from './remoteNames';
import type { RequestLimits } from './requestLimits';
import { escapeName } from './terminalText';

export interface CheckOptions {
  /** Folders and files (a pre-commit hook passes the staged files); a file reports its own diagnostics only. */
  paths: readonly string[];
  env: string | undefined;
  format: string | undefined;
  limits?: RequestLimits;
  /** `--baseline FILE`: report (and exit by) only the findings it does not accept. */
  baseline?: string;
  /** `--update-baseline FILE`: write the current findings there as the accepted ones. */
  updateBaseline?: string;
}

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;

/** `check`: every diagnostic of every project under the folders given, and of the files given; exit 1 on any error. */
export async function runCheck(options: CheckOptions, io: CliIo): Promise<number> {
  const environment = oneOf('env', options.env, ENVIRONMENTS, 'development');
  const format = oneOf('format', options.format, FORMATS, 'text');
  const paths = options.paths.length > 0 ? options.paths : ['.'];
  if (options.baseline !== undefined && options.updateBaseline !== undefined)
    throw new CliUsageError(
      '--baseline and --update-baseline exclude each other (--update-baseline rewrites its file)',
    );
  // A baseline that cannot be read stops the check before anything is diagnosed or written.
  let accepted: BaselineEntry[] | undefined;
  if (options.baseline !== undefined) {
    try {
      accepted = await readBaselineFile(path.resolve(options.baseline));
    } catch (error) {
      if (!(error instanceof BaselineFileError)) throw error;
      io.err(`struere-secrets: baseline ${escapeName(options.baseline)} ${error.reason}; nothing was checked`);
      return 2;
    }
  }
  // --update-baseline replaces a baseline, never another file given by mistake (`--update-baseline package.json`).
  if (options.updateBaseline !== undefined) {
    const refusal = await notABaseline(options.updateBaseline);
    if (refusal !== undefined) {
      io.err(`struere-secrets: ${escapeName(options.updateBaseline)} ${refusal}: not overwritten; nothing was checked`);
      return 2;
    }
  }
  const targets = await resolveCheckTargets(paths);
  for (const given of targets.outside)
    io.err(`struere-secrets: ${escapeName(given)} is in no Struere project: not checked`);
  if (targets.folders.length === 0) return 0; // only files outside any project: nothing to check

  // Paths are relative to the one folder given (the JSON contract), else to where the CLI runs; CI formats are
  // always relative to where it runs, the checkout, which is what annotations and code scanning resolve against.
  const single = targets.folders.length === 1 && paths.length === 1 && targets.outside.length === 0;
  const root = single && (format === 'text' || format === 'json') ? targets.folders[0]! : process.cwd();
  const checked = await diagnoseTargets(targets, environment, root, apiSettingsFrom(io.env), io, options.limits);
  if (checked === undefined) {
    io.err(`struere-secrets: no Struere project (struere.json) under ${paths.map(escapeName).join(', ')}`);
    return 1;
  }
  const { projects } = checked;
  let diagnostics = checked.diagnostics;
  const baselineFile = options.updateBaseline ?? options.baseline;
  if (baselineFile !== undefined) {
    const folder = path.dirname(path.resolve(baselineFile));
    const fingerprints = await baselineFingerprints(diagnostics, root, checked, folder);
    if (options.updateBaseline !== undefined) {
      const text = formatBaseline(diagnostics.map((diagnostic) => fingerprints.get(diagnostic)!));
      try {
        await writeBaselineFile([...targets.folders, ...checked.projectRoots], baselineFile, text);
      } catch (error) {
        if (!(error instanceof RefusedWriteError)) throw error;
        io.err(`struere-secrets: baseline ${escapeName(baselineFile)} not written: ${error.reason}`);
        return 2;
      }
      io.err(
        `struere-secrets: wrote ${countOf(diagnostics.length, 'finding')} to the baseline ${escapeName(baselineFile)}`,
      );
      // Every finding is in the baseline just written: none is new.
      diagnostics = [];
    } else {
      const { fresh, accepted: hidden } = subtractBaseline(diagnostics, (d) => fingerprints.get(d)!, accepted ?? []);
      if (hidden > 0)
        io.err(
          `struere-secrets: ${countOf(hidden, 'finding')} accepted by the baseline ${escapeName(baselineFile)}: not reported`,
        );
      diagnostics = fresh;
    }
  }
  const shown = diagnostics;
  await printDiagnostics(shown, format, io, () => formatDiagnosticsText(shown, environment, projects));
  return shown.some((diagnostic) => diagnostic.severity === 'error') ? 1 : 0;
}

/** Why the file at `filePath` must not be replaced by a baseline; undefined when it is one, or there is none. */
async function notABaseline(filePath: string): Promise<string | undefined> {
  try {
    await readBaselineFile(path.resolve(filePath));
    return undefined;
  } catch (error) {
    if (!(error instanceof BaselineFileError)) throw error;
    return error.missing ? undefined : `exists and is not a baseline this version reads (it ${error.reason})`;
  }
}

/** The diagnostics of `check` for its targets, and how many projects they span; undefined when there is none. */
export interface CheckedDiagnostics {
  readonly diagnostics: CliDiagnostic[];
  readonly projects: number;
  /** The folders of the projects loaded, absolute. */
  readonly projectRoots: readonly string[];
  /** The env files loaded: their values are what a baseline's line digests leave out. */
  readonly envFiles: readonly EnvFileState[];
  /** A file's (absolute path) leaked values and hard-coded credentials, ignored or not: what a digest masks. */
  secretRanges(file: string): readonly Range[];
}

/**
 * Loads the target folders, fills the remote lists as `api` allows and collects the diagnostics of the targets,
 * with paths relative to `root`. Every finding is in: the background secret scan is awaited.
 */
export async function diagnoseTargets(
  targets: CheckTargets,
  environment: Environment,
  root: string,
  api: CliApiSettings,
  io: CliIo,
  limits?: RequestLimits,
): Promise<CheckedDiagnostics | undefined> {
  const loaded = await loadWorkspace(targets.folders, environment);
  const { host, service, projectRoots } = loaded;
  if (projectRoots.length === 0) return undefined;
  const diagnostics = await diagnoseLoaded(
    loaded,
    root,
    (filled) => fillRemoteNames(filled, api, io, targets.folders[0]!, limits),
    (filePath) => targets.includes(filePath),
  );
  const envFiles = host.index.allProjects().flatMap((project) => [...project.envFiles.values()]);
  const secretRanges = (file: string) => service.secretRanges(pathToUri(file));
  return { diagnostics, projects: projectRoots.length, projectRoots, envFiles, secretRanges };
}

/** JSON and SARIF are streamed line by line (they list every finding); text and GitHub output are bounded. */
async function printDiagnostics(
  diagnostics: readonly CliDiagnostic[],
  format: (typeof FORMATS)[number],
  io: CliIo,
  text: () => string,
): Promise<void> {
  switch (format) {
    case 'json':
      return outLines(io, jsonLines({ diagnostics: ARRAY_PLACEHOLDER }, diagnostics));
    case 'sarif':
      return outLines(io, sarifLines(diagnostics));
    case 'github':
      // The commands become annotations; the summary line stays readable in the job's log.
      for (const line of formatGithub(diagnostics)) io.out(line);
      return io.out(text().split('\n').at(-1)!);
    default:
      return io.out(text());
  }
}
