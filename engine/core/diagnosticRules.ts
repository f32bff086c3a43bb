import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Diagnostic, Range } from 'vscode-languageserver-types';

/**
 * The one table of diagnostic rules. Codes are stable strings (ARCHITECTURE.md): tests, the `struere.severity`
 * setting and the CLI's JSON use them. Messages name keys and files, never values.
 */
export const DIAGNOSTIC_SOURCE = 'struere';

export type SeverityName = 'error' | 'warning' | 'information' | 'hint' | 'off';

interface Rule<Args> {
  readonly severity: SeverityName;
  readonly description: string;
  /** Whether the code in an env file refuses a sync of that file (nothing is sent). Errors about what reaches the platform block; hints do not. */
  readonly blocksSync: boolean;
  readonly message: (args: Args) => string;
}

export interface MissingSecretArgs {
  key: string;
  environment: string;
  /** e.g. ".env.production has no such key" or "there is no .env.production". */
  localEvidence: string;
  /** e.g. "production remote list is unknown: no API key". */
  remoteEvidence: string;
  /** What the platform does with the reference: a prompt compiles a marker, a tool reads undefined. */
  consequence: string;
}

export const RULES = {
  'invalid-key': {
    severity: 'error',
    description: 'The key fails ^[A-Za-z_][A-Za-z0-9_]*$; the API refuses it, so sync would be refused.',
    blocksSync: true,
    message: ({ key }: { key: string }) =>
      `${key} is not a valid secret name: use letters, digits and _ and do not start with a digit. Sync refuses this file until it is fixed.`,
  },
  'duplicate-key': {
    severity: 'warning',
    description: 'The key is defined again; the later value wins (dotenv semantics).',
    blocksSync: false,
    message: ({ key, firstLine }: { key: string; firstLine: number }) =>
      `${key} is already defined on line ${firstLine + 1}; this later definition wins.`,
  },
  'malformed-line': {
    severity: 'error',
    description: 'A line that is not a comment, blank, or KEY=VALUE; dotenv silently drops it.',
    blocksSync: true,
    message: (_: Record<string, never>) =>
      'This line is not KEY=VALUE, a comment or blank: dotenv ignores it, so it sets nothing.',
  },
  'unterminated-quote': {
    severity: 'error',
    description: 'A quoted value is never closed.',
    blocksSync: true,
    message: ({ quote }: { quote: string }) =>
      `This value opens with ${quote} but never closes it on this line: dotenv will read it differently from what you see.`,
  },
  'missing-secret': {
    severity: 'warning',
    description: 'A referenced key is not set in the selected environment.',
    blocksSync: false,
    message: (a: MissingSecretArgs) =>
      `${a.key} is not set in ${a.environment} (${a.localEvidence}; ${a.remoteEvidence}). ${a.consequence}`,
  },
  'invalid-reference': {
    severity: 'error',
    description: 'A referenced name fails the key pattern; it can never resolve.',
    blocksSync: false,
    message: ({ key }: { key: string }) =>
      key === ''
        ? 'This reference names no secret: it can never resolve.'
        : `"${key}" is not a valid secret name (^[A-Za-z_][A-Za-z0-9_]*$): this reference can never resolve.`,
  },
  'not-gitignored': {
    severity: 'warning',
    description: 'The .env file is not ignored by git: its values would land in the repository.',
    blocksSync: false,
    message: ({ fileName }: { fileName: string }) =>
      `${fileName} is not ignored by git: committing it would put its secret values in the repository. Add it to .gitignore.`,
  },
  'env-parity': {
    severity: 'information',
    description: 'A key of .env.development is missing from .env.production, or the other way round.',
    blocksSync: false,
    message: ({
      key,
      fileName,
      otherFileName,
      otherEnvironment,
    }: {
      key: string;
      fileName: string;
      otherFileName: string;
      otherEnvironment: string;
    }) => `${key} is in ${fileName} but not in ${otherFileName}: ${otherEnvironment} has no such local key.`,
  },
  'file-too-large': {
    severity: 'warning',
    description: 'The file is larger than struere.files.maxSizeKB and was not read.',
    blocksSync: true,
    message: ({ fileName, sizeKB, limitKB }: { fileName: string; sizeKB: number; limitKB: number }) =>
      `${fileName} is ${sizeKB} KB, over the ${limitKB} KB limit (struere.files.maxSizeKB): its keys were not read, so references to them are not checked against it.`,
  },
  'unreadable-file': {
    severity: 'warning',
    description:
      'Not a regular file that can be read (permissions, a FIFO, a device, a folder, a link to nothing or out of the project, a name that is not UTF-8): skipped.',
    blocksSync: true,
    message: ({ name, reason }: { name: string; reason: string }) =>
      `${name} could not be read (${reason}): it was skipped, so its keys and references are unknown.`,
  },
  'dropped-key': {
    severity: 'error',
    description: 'A key dotenv silently drops (such as __proto__): it is never set and never reaches the platform.',
    blocksSync: true,
    message: ({ key }: { key: string }) =>
      `${key} is dropped by dotenv: it is never set and never reaches the platform. Rename it; sync refuses this file until then.`,
  },
  'leaked-value': {
    severity: 'error',
    description:
      'A credential-like value of one of the env files appears verbatim in a file git would commit (see README, Security).',
    blocksSync: false,
    message: ({ definedAs }: { definedAs: string }) =>
      `This text is the value of ${definedAs}: committed, the secret would be in the repository. Use a reference to the key instead.`,
  },
  'hardcoded-secret': {
    severity: 'error',
    description:
      "A well-known credential format (secretlint's recommended rules) in a file git would commit (see README, Security).",
    blocksSync: false,
    message: ({ kind, rule }: { kind: string; rule: string }) =>
      `A hard-coded credential (${kind}, secretlint rule ${rule}) is written here: committed, it would be in the repository. Move it to .env.development and reference it.`,
  },
} satisfies Record<string, Rule<never>>;

export type DiagnosticCode = keyof typeof RULES;
export const DIAGNOSTIC_CODES = Object.keys(RULES) as DiagnosticCode[];
export type RuleArgs<C extends DiagnosticCode> = Parameters<(typeof RULES)[C]['message']>[0];

/** The codes that refuse a sync when an env file has them: a column of the table, not a second list. */
export const SYNC_BLOCKING_CODES: ReadonlySet<DiagnosticCode> = new Set(
  DIAGNOSTIC_CODES.filter((code) => (RULES[code] as Rule<never>).blocksSync),
);

export function isDiagnosticCode(value: unknown): value is DiagnosticCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(RULES, value);
}

/** Data attached to diagnostics, for quick fixes and the CLI. Names only. */
export interface DiagnosticData {
  key?: string;
  environment?: string;
  /** hardcoded-secret: the key name the quick fix suggests. */
  suggestedKey?: string;
}

export type SeverityOverrides = Readonly<Partial<Record<DiagnosticCode, SeverityName>>>;

const LSP_SEVERITY: Record<Exclude<SeverityName, 'off'>, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Builds a diagnostic from the table, or undefined when the user turned the code off. */
export function makeDiagnostic<C extends DiagnosticCode>(
  code: C,
  range: Range,
  args: RuleArgs<C>,
  overrides: SeverityOverrides,
  data?: DiagnosticData,
): Diagnostic | undefined {
  const rule = RULES[code] as Rule<RuleArgs<C>>;
  const severity = overrides[code] ?? rule.severity;
  if (severity === 'off') return undefined;
  const diagnostic: Diagnostic = {
    range,
    severity: LSP_SEVERITY[severity],
    code,
    source: DIAGNOSTIC_SOURCE,
    message: rule.message(args),
  };
  if (data) diagnostic.data = data;
  return diagnostic;
}
