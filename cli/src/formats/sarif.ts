import { DIAGNOSTIC_CODES, ruleDocumentation, type SeverityName } from '../../../engine/core';
import { version } from '../../../package.json';
import type { ReportedDiagnostic as CliDiagnostic } from '../../../engine/tools';
import { ARRAY_PLACEHOLDER, jsonLines } from './jsonLines';

/**
 * SARIF 2.1.0 for code scanning (GitHub and others): one run, one rule per code of the rule table (whether or
 * not it fired, so an alert that disappears is seen as fixed), one result per diagnostic. Artifact URIs are
 * relative to %SRCROOT%, which is the folder the CLI was started in (a CI job's checkout), so an upload
 * resolves them against the repository; the absolute path of the machine is never written.
 */

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const INFORMATION_URI = 'https://struere.dev';

const LEVEL: Record<Exclude<SeverityName, 'off'>, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/**
 * The log as lines, results made one by one (jsonLines): a report of millions of results is never one string.
 * `file` is '/'-separated and relative to the folder the CLI was started in.
 */
export function sarifLines(diagnostics: readonly CliDiagnostic[]): Iterable<string> {
  const rules = DIAGNOSTIC_CODES.map((code) => {
    const rule = ruleDocumentation(code);
    return {
      id: code,
      shortDescription: { text: rule.description },
      fullDescription: { text: rule.description },
      help: { text: rule.help },
      defaultConfiguration: { level: rule.severity === 'off' ? 'none' : LEVEL[rule.severity] },
    };
  });
  const result = (d: CliDiagnostic) => ({
    ruleId: d.code,
    ruleIndex: (DIAGNOSTIC_CODES as readonly string[]).indexOf(d.code),
    level: LEVEL[d.severity],
    message: { text: d.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: relativeUri(d.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
        },
      },
    ],
  });
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'struere-secrets', version, informationUri: INFORMATION_URI, rules } },
        // Columns count UTF-16 code units, as LSP positions (and so our diagnostics) do.
        columnKind: 'utf16CodeUnits',
        results: ARRAY_PLACEHOLDER,
      },
    ],
  };
  return jsonLines(log, mapped(diagnostics, result));
}

function* mapped<T, U>(items: readonly T[], map: (item: T) => U): Generator<U> {
  for (const item of items) yield map(item);
}

/** A relative URI reference: each path segment percent-encoded, so spaces, '#' or '%' in names stay paths. */
function relativeUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}
