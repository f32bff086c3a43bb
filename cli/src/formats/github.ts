import type { ReportedDiagnostic as CliDiagnostic } from '../../../engine/tools';

/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`), which the runner turns into annotations
 * on the pull request's diff. Paths are relative to the folder the CLI was started in: a job's checkout.
 */

const COMMAND: Record<CliDiagnostic['severity'], 'error' | 'warning' | 'notice'> = {
  error: 'error',
  warning: 'warning',
  information: 'notice',
  hint: 'notice',
};

/**
 * How many workflow commands one run prints. GitHub shows at most 10 error and 10 warning annotations per step
 * and 50 per job; beyond that lines only flood the job's log (a malformed file can hold millions of findings).
 */
export const GITHUB_ANNOTATION_LIMIT = 50;

const RANK: Record<CliDiagnostic['severity'], number> = { error: 0, warning: 1, information: 2, hint: 2 };

/**
 * One workflow command per diagnostic, errors first, at most `limit`; then one plain line counting the rest
 * (it starts with no `::`, so the runner prints it as it is).
 */
export function formatGithub(diagnostics: readonly CliDiagnostic[], limit = GITHUB_ANNOTATION_LIMIT): string[] {
  const shown = mostSevere(diagnostics, limit);
  const lines = shown.map(workflowCommand);
  const left = diagnostics.length - shown.length;
  if (left > 0)
    lines.push(
      `struere-secrets: ${left} more finding${left === 1 ? '' : 's'} not annotated (at most ${limit}); --format json or sarif lists them all`,
    );
  return lines;
}

function workflowCommand(d: CliDiagnostic): string {
  const properties = [
    `file=${escapeProperty(d.file)}`,
    `line=${d.line}`,
    `col=${d.column}`,
    `endLine=${d.endLine}`,
    `endColumn=${d.endColumn}`,
    `title=${escapeProperty(`Struere Secrets (${d.code})`)}`,
  ];
  return `::${COMMAND[d.severity]} ${properties.join(',')}::${escapeData(d.message)}`;
}

/** The first `limit` diagnostics by severity rank, each rank in report order; one pass per rank, no copy. */
function mostSevere(diagnostics: readonly CliDiagnostic[], limit: number): CliDiagnostic[] {
  const shown: CliDiagnostic[] = [];
  for (const rank of [0, 1, 2])
    for (const d of diagnostics) {
      if (shown.length >= limit) return shown;
      if (RANK[d.severity] === rank) shown.push(d);
    }
  return shown;
}

/** The runner's own escaping of a command's message (toolkit's escapeData): a newline would end the command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values also end at ',' and ':' (toolkit's escapeProperty). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
