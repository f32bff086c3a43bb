import type { CliDiagnostic } from '../diagnosticsReport';

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

export function formatGithub(diagnostics: readonly CliDiagnostic[]): string[] {
  return diagnostics.map((d) => {
    const properties = [
      `file=${escapeProperty(d.file)}`,
      `line=${d.line}`,
      `col=${d.column}`,
      `endLine=${d.endLine}`,
      `endColumn=${d.endColumn}`,
      `title=${escapeProperty(`Struere Secrets (${d.code})`)}`,
    ];
    return `::${COMMAND[d.severity]} ${properties.join(',')}::${escapeData(d.message)}`;
  });
}

/** The runner's own escaping of a command's message (toolkit's escapeData): a newline would end the command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values also end at ',' and ':' (toolkit's escapeProperty). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
