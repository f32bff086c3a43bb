import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { isCredentialLike } from '../leaks/credentials';
import { makeDiagnostic, type RuleArgs, type SeverityOverrides } from './diagnosticRules';
import { findMisreads, nonAsciiKeyOf } from './misreads';
import { DROPPED_KEYS, keyEndOf, type EnvEntry } from '../model/envParser';
import type { LineIndex } from '../base/text';
import { isValidKey, type Environment } from '../model/environments';
import { describeRemote, presenceIn, setOrMaybeSetTest } from '../model/presence';
import { isPromptReference } from '../model/references';
import { baseName } from '../base/uris';
import type { EnvFileState, ProjectState, AgentFileState, IndexedReference } from '../model/workspaceIndex';
import type { EnvGitStatus } from '../model/gitignore';

export interface ValidationSettings {
  readonly environment: Environment;
  readonly severity: SeverityOverrides;
  readonly maxFileBytes: number;
}

/**
 * Diagnostics of an .env file: syntax, key names, duplicates and whether git would commit it.
 * `git` is undefined when the question does not apply (no repository, or a template like .env.example).
 */
export function validateEnvFile(
  file: EnvFileState,
  git: EnvGitStatus | undefined,
  settings: ValidationSettings,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const push = (diagnostic: Diagnostic | undefined) => diagnostic && diagnostics.push(diagnostic);
  const { lineIndex, parsed } = file;
  const fileStart = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

  if (file.unreadable !== undefined)
    push(
      makeDiagnostic('unreadable-file', fileStart, { name: file.fileName, reason: file.unreadable }, settings.severity),
    );

  if (file.skippedBytes !== undefined) {
    push(
      makeDiagnostic(
        'file-too-large',
        { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        {
          fileName: file.fileName,
          sizeKB: Math.round(file.skippedBytes / 1024),
          limitKB: Math.round(settings.maxFileBytes / 1024),
        },
        settings.severity,
      ),
    );
  }

  for (const problem of parsed.problems) {
    const range = lineIndex.rangeOf(problem.start, problem.end);
    if (problem.code === 'malformed-line') {
      const badKey = nonAsciiKeyOf(lineIndex.text.slice(problem.start, problem.end));
      push(makeDiagnostic('malformed-line', range, badKey ? { badKey } : {}, settings.severity));
    } else
      push(
        makeDiagnostic(
          'unterminated-quote',
          range,
          { quote: lineIndex.text.charAt(problem.start) || '"' },
          settings.severity,
        ),
      );
  }

  const firstLineOf = new Map<string, number>();
  for (const entry of parsed.entries) {
    // Ranges are worked out for the entries with a problem only: most of a 2,000-key file has none.
    if (!isValidKey(entry.key)) push(keyProblem('invalid-key', entry, lineIndex, { key: entry.key }, settings));
    else if (DROPPED_KEYS.has(entry.key))
      push(keyProblem('dropped-key', entry, lineIndex, { key: entry.key }, settings));
    const firstLine = firstLineOf.get(entry.key);
    if (firstLine === undefined) firstLineOf.set(entry.key, entry.line);
    // An invalid key is invalid-key's alone: it may be a pasted value, never quoted (invalidName.ts).
    else if (isValidKey(entry.key))
      push(keyProblem('duplicate-key', entry, lineIndex, { key: entry.key, firstLine }, settings));
  }

  for (const misread of findMisreads(lineIndex.text, parsed)) {
    const quote = misread.kind === 'escaped-quote' ? misread.entry.quote : undefined;
    push(
      makeDiagnostic(
        'dotenv-misread',
        lineIndex.rangeOf(misread.start, misread.end),
        { key: misread.key, kind: misread.kind, ...(quote ? { quote } : {}) },
        settings.severity,
        { key: misread.key },
      ),
    );
  }

  if (git?.template) {
    // The template tells others which secrets the project needs; a rule such as `.env.*` would keep it out of git.
    if (git.ignored && !git.tracked)
      push(
        makeDiagnostic('template-ignored', firstLineRange(lineIndex), { fileName: file.fileName }, settings.severity),
      );
  } else if (git !== undefined) {
    // Live values in a file git already tracks or has staged go out with the next commit whatever .gitignore says:
    // an error, so `check` fails and the hook stops that commit. A setting the user chose for the code still wins.
    // Otherwise .gitignore decides, with a warning.
    const live = git.tracked && parsed.entries.some((entry) => isCredentialLike(entry.value));
    if (live || !git.ignored) {
      const firstLine = firstLineRange(lineIndex);
      const severity: SeverityOverrides = live
        ? { 'not-gitignored': 'error', ...settings.severity }
        : settings.severity;
      const args = { fileName: file.fileName, tracked: git.tracked, live, linkTarget: git.linkTarget };
      push(makeDiagnostic('not-gitignored', firstLine, args, severity));
    }
  }
  return diagnostics;
}

function firstLineRange(lineIndex: LineIndex): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: lineIndex.lineEnd(0) } };
}

/** A diagnostic on an entry's key (its range worked out here, for this entry only), with the key as its data. */
function keyProblem<C extends 'invalid-key' | 'dropped-key' | 'duplicate-key'>(
  code: C,
  entry: EnvEntry,
  lineIndex: LineIndex,
  args: RuleArgs<C>,
  settings: ValidationSettings,
): Diagnostic | undefined {
  const range = lineIndex.rangeOf(entry.keyStart, keyEndOf(entry));
  // An invalid key carries no data: it may be a pasted value (the rename fix finds it by its range).
  return makeDiagnostic(code, range, args, settings.severity, code === 'invalid-key' ? undefined : { key: entry.key });
}

/** Diagnostics of a prompt or tool file: references that can never resolve or are unset in the selected environment. */
export function validateAgentFile(
  file: AgentFileState,
  project: ProjectState,
  settings: ValidationSettings,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (file.unreadable !== undefined) {
    const diagnostic = makeDiagnostic(
      'unreadable-file',
      { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      { name: baseName(file.uri), reason: file.unreadable },
      settings.severity,
    );
    if (diagnostic) diagnostics.push(diagnostic);
  }
  const isSetOrMaybeSet = setOrMaybeSetTest(project, settings.environment);
  for (const reference of file.references) {
    if (reference.valid && isSetOrMaybeSet(reference.key)) continue;
    const diagnostic = reference.valid
      ? missingSecret(reference, project, settings)
      : makeDiagnostic('invalid-reference', reference.range, { key: reference.key }, settings.severity);
    if (diagnostic) diagnostics.push(diagnostic);
  }
  return diagnostics;
}

function missingSecret(
  reference: IndexedReference,
  project: ProjectState,
  settings: ValidationSettings,
): Diagnostic | undefined {
  const environment = settings.environment;
  const presence = presenceIn(project, reference.key, environment);
  if (presence.isSet || presence.mayBeSet) return undefined;
  const localEvidence = presence.file ? `${presence.fileName} has no such key` : `there is no ${presence.fileName}`;
  const remoteEvidence =
    presence.remote.state === 'unknown'
      ? `${environment} remote list is ${describeRemote(presence.remote)}`
      : `${environment} remote list (${describeRemote(presence.remote)}) has no such key`;
  const consequence = isPromptReference(reference.kind)
    ? `The prompt will compile with [MISSING_SECRET:${reference.key}].`
    : `context.secrets.${reference.key} will be undefined when the tool runs.`;
  return makeDiagnostic(
    'missing-secret',
    reference.range,
    { key: reference.key, environment, localEvidence, remoteEvidence, consequence },
    settings.severity,
    { key: reference.key, environment },
  );
}
