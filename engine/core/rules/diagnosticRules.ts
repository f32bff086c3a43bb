import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Diagnostic, Range } from 'vscode-languageserver-types';
import type { MisreadKind, NonAsciiKey } from './misreads';
import { describeInvalidNameCapitalised } from '../model/invalidName';

/**
 * The one table of diagnostic rules. Codes are stable strings (ARCHITECTURE.md): tests, the `struere.severity`
 * setting and the CLI's JSON use them. Messages name keys and files, never values.
 */
export const DIAGNOSTIC_SOURCE = 'struere';

export type SeverityName = 'error' | 'warning' | 'information' | 'hint' | 'off';

interface Rule<Args> {
  readonly severity: SeverityName;
  readonly description: string;
  /** How to fix it, in a sentence or two: the help text of SARIF rules (code scanning shows it beside each alert). */
  readonly help: string;
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

export interface MisreadArgs {
  key: string;
  kind: MisreadKind;
  /** escaped-quote: the value's quote character. */
  quote?: string;
}

/** What dotenv does with each misread shape; never the value, only its shape. */
const MISREAD_MESSAGES: Record<MisreadKind, (key: string, quote: string) => string> = {
  'hash-cut': (key) =>
    `dotenv ends the unquoted value of ${key} at the #: the rest of the line is read as a comment, so ${key} gets only the text before the #. Quote the value to keep it whole.`,
  unexpanded: (key) =>
    `${key} holds \${…}, which dotenv does not expand: ${key} is the literal text, not the other variable's value. Write the value out, or set it on the platform.`,
  'escaped-quote': (key, quote) =>
    `In the value of ${key}, \\${quote} keeps its backslash: dotenv does not unescape quotes, so ${key} holds both characters. Quote the value with another quote character and drop the backslash.`,
};

export interface NotGitignoredArgs {
  fileName: string;
  /** Whether git's index holds the file (tracked or staged). */
  tracked: boolean;
  /** Whether it holds credential-like values (the error case when tracked). */
  live: boolean;
  /** The file the env file links to, relative to the project; the one judged. */
  linkTarget: string | undefined;
}

export interface AgentReadableArgs {
  fileName: string;
  /** The agents and what stays open for each, rendered by describeOpenAgents / describeUnguardedAgents. */
  agents: string;
  /** The information note on agents that have no file mechanism at all. */
  unguarded?: true;
}

export const RULES = {
  'invalid-key': {
    severity: 'error',
    description: 'The key fails ^[A-Za-z_][A-Za-z0-9_]*$; the API refuses it, so sync would be refused.',
    help: 'Rename the key so it uses only letters, digits and _ and does not start with a digit (the quick fix offers a valid name), then update its references.',
    blocksSync: true,
    // The key is described, not quoted: a value pasted as a key must not be printed (invalidName.ts).
    message: ({ key }: { key: string }) =>
      `${describeInvalidNameCapitalised(key)} cannot be a secret name: use letters, digits and _ and do not start with a digit. Sync refuses this file until it is fixed.`,
  },
  'duplicate-key': {
    severity: 'warning',
    description: 'The key is defined again; the later value wins (dotenv semantics).',
    help: 'Remove the earlier definition (a quick fix does), or rename one of the two if both are meant.',
    blocksSync: false,
    message: ({ key, firstLine }: { key: string; firstLine: number }) =>
      `${key} is already defined on line ${firstLine + 1}; this later definition wins.`,
  },
  'malformed-line': {
    severity: 'error',
    description: 'A line that is not a comment, blank, or KEY=VALUE; dotenv silently drops it.',
    help: 'Write the line as KEY=VALUE, make it a comment with #, or delete it.',
    blocksSync: true,
    message: ({ badKey }: { badKey?: NonAsciiKey }) =>
      badKey === undefined
        ? 'This line is not KEY=VALUE, a comment or blank: dotenv ignores it, so it sets nothing.'
        : `dotenv does not read ${badKey.key} as a key: its character ${badKey.index + 1} (${badKey.codePoint}) is not an ASCII letter, digit, _, . or -, so dotenv ignores this line and it sets nothing. Rename the key with ASCII characters.`,
  },
  'unterminated-quote': {
    severity: 'error',
    description: 'A quoted value is never closed.',
    help: 'Close the quote on the same line, or escape the quote character if it belongs to the value.',
    blocksSync: true,
    message: ({ quote }: { quote: string }) =>
      `This value opens with ${quote} but never closes it on this line: dotenv will read it differently from what you see.`,
  },
  'dotenv-misread': {
    severity: 'warning',
    description:
      'dotenv reads the line differently from how it looks: a # glued to an unquoted value cuts it, ${VAR} stays literal, a backslash before a quote inside the quotes stays. The sync plan names such keys and a sync on save leaves them out.',
    help: 'Quote a value that holds # (the quick fix does, with a quote dotenv reads back exactly); write out a ${VAR} value or set it on the platform; drop the backslash before a quote by quoting the value with another quote character.',
    blocksSync: false,
    message: ({ key, kind, quote }: MisreadArgs) => MISREAD_MESSAGES[kind](key, quote ?? '"'),
  },
  'missing-secret': {
    severity: 'warning',
    description: 'A referenced key is not set in the selected environment.',
    help: 'Add the key to the env file of the selected environment (a quick fix does, with an empty value), set it on the platform, or fix the name in the reference.',
    blocksSync: false,
    message: (a: MissingSecretArgs) =>
      `${a.key} is not set in ${a.environment} (${a.localEvidence}; ${a.remoteEvidence}). ${a.consequence}`,
  },
  'invalid-reference': {
    severity: 'error',
    description: 'A referenced name fails the key pattern; it can never resolve.',
    help: 'Use a secret name that matches ^[A-Za-z_][A-Za-z0-9_]*$ inside the reference.',
    blocksSync: false,
    message: ({ key }: { key: string }) =>
      key === ''
        ? 'This reference names no secret: it can never resolve.'
        : `${describeInvalidNameCapitalised(key)} cannot be a key (^[A-Za-z_][A-Za-z0-9_]*$): this reference can never resolve.`,
  },
  'not-gitignored': {
    severity: 'warning',
    description:
      "The .env file (or the file it links to) is not ignored by git, or git's index holds it with credential-like values (an error then, whatever .gitignore says): its values would land in the repository.",
    help: 'Add the file to .gitignore (a quick fix does) and keep only names in a committed .env.example. If git already tracks it, also run `git rm --cached FILE` and rotate any secret that was committed; a link to a committed file should become a plain env file.',
    blocksSync: false,
    message: ({ fileName, tracked, live, linkTarget }: NotGitignoredArgs) => {
      const holds = live ? ' and holds credential-like values' : '';
      if (linkTarget !== undefined)
        return tracked
          ? `${fileName} links to ${linkTarget}, which git tracks or has staged${holds}: values written into ${fileName} go into the repository with the next commit. Make ${fileName} a plain file that .gitignore ignores.`
          : `${fileName} links to ${linkTarget}, which is not ignored by git: committing it would put the values written into ${fileName} in the repository. Make ${fileName} a plain file that .gitignore ignores.`;
      return tracked
        ? `${fileName} is tracked or staged in git's index${holds}: the next commit takes its values into the repository whatever .gitignore says. Run git rm --cached ${fileName} and add it to .gitignore.`
        : `${fileName} is not ignored by git: committing it would put its secret values in the repository. Add it to .gitignore.`;
    },
  },
  'env-parity': {
    severity: 'information',
    description: 'A key of .env.development is missing from .env.production, or the other way round.',
    help: 'Add the key to the other env file too, or turn the code off in struere.severity if the environments differ on purpose.',
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
    help: 'Make the file smaller, or raise struere.files.maxSizeKB if it really is that large.',
    blocksSync: true,
    message: ({ fileName, sizeKB, limitKB }: { fileName: string; sizeKB: number; limitKB: number }) =>
      `${fileName} is ${sizeKB} KB, over the ${limitKB} KB limit (struere.files.maxSizeKB): its keys were not read, so references to them are not checked against it.`,
  },
  'unreadable-file': {
    severity: 'warning',
    description:
      'Not a regular file that can be read (permissions, a FIFO, a device, a folder, a link to nothing or out of the project, a name that is not UTF-8): skipped.',
    help: 'Make it a regular file the current user can read (or move it out of the project); until then its keys and references are unknown, and a sync of that env file is refused.',
    blocksSync: true,
    message: ({ name, reason }: { name: string; reason: string }) =>
      `${name} could not be read (${reason}): it was skipped, so its keys and references are unknown.`,
  },
  'dropped-key': {
    severity: 'error',
    description: 'A key dotenv silently drops (such as __proto__): it is never set and never reaches the platform.',
    help: 'Rename the key: dotenv.parse drops it, so it is never set locally and a sync would never send it.',
    blocksSync: true,
    message: ({ key }: { key: string }) =>
      `${key} is dropped by dotenv: it is never set and never reaches the platform. Rename it; sync refuses this file until then.`,
  },
  'env-example': {
    severity: 'information',
    description:
      'A key of .env.development / .env.production is missing from the committed template .env.example, or a key of .env.example is in neither.',
    help: 'Run `struere-secrets example` or "Struere: Update .env.example" (or the quick fix) to add the missing names without values; remove a name from .env.example that no environment uses any more.',
    blocksSync: false,
    message: ({
      key,
      fileName,
      missingFrom,
      inExample,
    }: {
      key: string;
      fileName: string;
      missingFrom: string;
      inExample: boolean;
    }) =>
      inExample
        ? `${key} is in ${fileName} but not in ${missingFrom}: the template names a secret no environment sets locally.`
        : `${key} is in ${fileName} but not in ${missingFrom}: the template does not tell others the project needs it.`,
  },
  'template-ignored': {
    severity: 'warning',
    description:
      'The committed template (.env.example) is ignored by git, usually by a broad rule such as `.env.*`: it would never reach the repository, so others do not learn which secrets the project needs.',
    help: 'Add `!.env.example` to .gitignore after the rule that ignores it (the quick fix does), then commit the template.',
    blocksSync: false,
    message: ({ fileName }: { fileName: string }) =>
      `${fileName} is ignored by git: the template that names the project's secrets would never be committed. Add !${fileName} to .gitignore.`,
  },
  'agent-readable': {
    severity: 'warning',
    description:
      "An AI coding agent the project shows (.claude/, .cursor/, GEMINI.md, …) can read this env file: that agent's own ignore or deny rules do not cover it (docs/AGENTS.md). Agents with no file mechanism (GitHub Copilot, AGENTS.md agents) get one information note per project instead.",
    help: "Run `struere-secrets agents --fix` (or the quick fix) to write each agent's own rules: `.env`, `.env.*` and `!.env.example` in its ignore file, `Read(./.env)` and `Read(./.env.*)` in `permissions.deny` of .claude/settings.json. No such rule stops a shell command the agent runs: keep values on the platform where you can.",
    blocksSync: false,
    message: ({ fileName, agents, unguarded }: AgentReadableArgs) =>
      unguarded
        ? `AI agents without a file mechanism are configured in this project and may read ${fileName} and the other env files: ${agents}.`
        : `AI agents configured in this project can read ${fileName}: ${agents}. Run struere-secrets agents --fix to add their own rules.`,
  },
  'leaked-value': {
    severity: 'error',
    description:
      'A credential-like value of one of the env files appears in a file git would commit, verbatim or encoded (base64, base64url, percent-encoding, string escape, hex; see README, Security).',
    help: 'Replace the text with a reference to the key ({{secrets.KEY}} in a prompt, context.secrets.KEY in tool code; the quick fix does it), or blank it in .env.example; then rotate the secret if it was ever committed. An encoded copy has no reference that stands for it: build the encoding from the reference where the text is made (e.g. the Basic-auth header from context.secrets.KEY at run time).',
    blocksSync: false,
    message: ({ definedAs, form }: { definedAs: string; form?: string }) =>
      form === undefined
        ? `This text is the value of ${definedAs}: committed, the secret would be in the repository. Use a reference to the key instead.`
        : `This text is the ${form} of ${definedAs}: committed, the secret would be in the repository, since decoding gives it back. A reference cannot replace an encoded copy: encode the value from the reference where this text is built.`,
  },
  'hardcoded-secret': {
    severity: 'error',
    description:
      "A well-known credential format (secretlint's recommended rules) in a file git would commit (see README, Security).",
    help: 'Move the credential to .env.development (the quick fix asks for a name, appends it and references it), keep that file git-ignored, and rotate the credential if it was ever committed.',
    blocksSync: false,
    message: ({ kind, rule }: { kind: string; rule: string }) =>
      `A hard-coded credential (${kind}, secretlint rule ${rule}) is written here: committed, it would be in the repository. Move it to .env.development and reference it.`,
  },
  'unused-ignore': {
    severity: 'information',
    description:
      'A struere-secrets-ignore comment silences nothing on its line or the next, or names a code that does not exist: stale ignores would otherwise pile up unseen.',
    help: 'Remove the comment, or the codes it names that no longer occur there; fix a misspelt code (the README lists the codes).',
    blocksSync: false,
    message: ({ unused, unknown, suggestions, named }: UnusedIgnoreArgs) => {
      if (named === 0)
        return 'This struere-secrets-ignore names no code, so it silences nothing: write the codes after it, e.g. struere-secrets-ignore leaked-value -- reason.';
      const parts: string[] = [];
      if (unknown > 0)
        parts.push(
          `names ${unknown === 1 ? 'a name that is not a diagnostic code' : `${unknown} names that are not diagnostic codes`}${suggestions.length > 0 ? ` (did you mean ${suggestions.join(', ')}?)` : ''}`,
        );
      if (unused.length > 0) parts.push(`silences nothing for ${unused.join(', ')} on this line or the next`);
      return `This struere-secrets-ignore ${parts.join(' and ')}. Remove what no longer applies.`;
    },
  },
} satisfies Record<string, Rule<never>>;

export interface UnusedIgnoreArgs {
  /** Known codes the ignore names that had nothing to silence. */
  unused: readonly string[];
  /** How many names are not codes: never repeated (see inlineIgnores.ts). */
  unknown: number;
  /** Known codes close to those names: likely what was meant. */
  suggestions: readonly string[];
  /** How many codes the ignore names; 0 when it names none. */
  named: number;
}

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
  /** leaked-value: how the text encodes the value (encodedForms.ts); absent for the value itself. */
  form?: string;
  /** hardcoded-secret: the key name the quick fix suggests. */
  suggestedKey?: string;
  /** agent-readable: the warning an agent's own rules can clear (the quick fix writes them). */
  agentRules?: true;
  /** unused-ignore: what its message says, for the removal fix (counts and known codes: no name as written). */
  unused?: readonly string[];
  unknown?: number;
  named?: number;
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

/** A rule's documentation (default severity, description, help), for reports such as SARIF. */
export function ruleDocumentation(code: DiagnosticCode): Pick<Rule<never>, 'severity' | 'description' | 'help'> {
  const { severity, description, help } = RULES[code] as Rule<never>;
  return { severity, description, help };
}
