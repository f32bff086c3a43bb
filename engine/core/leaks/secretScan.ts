/**
 * `hardcoded-secret`: well-known credential formats, found by secretlint's recommended preset rather than by
 * regexes of our own. secretlint is asynchronous, so callers scan when a file is read or changed and keep
 * the findings per file; diagnostics then read the cache synchronously.
 *
 * Only the rule and its message id leave this module: secretlint's own message (and its `data`) quote the
 * matched text, so they are dropped here, before anything could print them.
 */
export interface SecretFinding {
  /** UTF-16 offsets of the credential, end exclusive. */
  readonly start: number;
  readonly end: number;
  /** e.g. `@secretlint/secretlint-rule-github`. */
  readonly ruleId: string;
  /** secretlint's message id, e.g. `GITHUB_TOKEN`: names the kind, never the text. */
  readonly kind: string;
}

/** secretlint ships ES modules only: loaded once, on first use (esbuild bundles them into dist/). */
let secretlint: Promise<{ lintSource: LintSource; config: unknown }> | undefined;

/** The part of `@secretlint/core`'s `lintSource` used here. */
type LintSource = (request: {
  source: { filePath: string; ext: string; content: string; contentType: 'text' };
  options: { config: never; maskSecrets: boolean };
}) => Promise<{ messages: { range: readonly [number, number]; ruleId: string; messageId: string }[] }>;

function loadSecretlint(): Promise<{ lintSource: LintSource; config: unknown }> {
  secretlint ??= Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
    import('@secretlint/profiler'),
  ]).then(([core, preset, profiler]) => {
    stopProfiling(profiler.secretLintProfiler);
    return {
      lintSource: core.lintSource as unknown as LintSource,
      config: { rules: [{ id: preset.creator.meta.id, rule: preset.creator }] },
    };
  });
  return secretlint;
}

/**
 * secretlint's profiler (one per process) records 36 `performance.mark`s per scan and a measure for each pair, and
 * keeps every one — in Node's global timeline and in arrays of its own that only its CLI ever reads — while its
 * observer looks each new mark up in all earlier ones. In the language server, which scans on every pause in
 * typing, that grew memory without bound and made each scan slower than the last. Nothing here reads the profile, so its marks are switched off.
 */
function stopProfiling(profiler: { mark(marker: unknown): void }): void {
  profiler.mark = () => undefined;
}

export async function scanForSecrets(text: string, filePath: string): Promise<SecretFinding[]> {
  if (text.length === 0) return [];
  const { lintSource, config } = await loadSecretlint();
  const result = await lintSource({
    source: { filePath: profilerSafe(filePath), ext: extensionOf(filePath), content: text, contentType: 'text' },
    options: { config: config as never, maskSecrets: true },
  });
  const findings: SecretFinding[] = [];
  for (const message of result.messages) {
    const [start, end] = message.range;
    if (message.ruleId === DATABASE_URL_RULE && isDefaultDatabaseUrl(text.slice(start, end))) continue;
    findings.push({ start, end, ruleId: message.ruleId, kind: message.messageId });
  }
  return findings;
}

const DATABASE_URL_RULE = '@secretlint/secretlint-rule-database-connection-string';

/**
 * Passwords that templates, docker-compose files and framework defaults use for a local database. secretlint skips
 * a few (`password`, `root`, `secret`, …) itself; these are the others real templates use.
 */
const DEFAULT_LOCAL_PASSWORDS: ReadonlySet<string> = new Set([
  'postgres',
  'postgresql',
  'mysql',
  'mongo',
  'mongodb',
  'changeme',
  'change_me',
  'example',
  'test',
  'dev',
  'development',
  'docker',
  'local',
  'prisma',
  'app',
  'default',
]);

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set([
  'localhost',
  '127.0.0.1',
  '::1',
  '0.0.0.0',
  'host.docker.internal',
]);

/**
 * A connection URL a committed template may hold without a secret in it: the password is the user name
 * (`postgres:postgres`, a docker default; secretlint 13 skips it too, here also when percent-encoded), or a
 * well-known default password on a loopback host. Any other password, on any host, stays a finding.
 */
export function isDefaultDatabaseUrl(url: string): boolean {
  const match = /^[A-Za-z][A-Za-z0-9+.:-]*:\/\/([^:/\s@]+):([^@/\s]+)@(\[[^\]/\s]*\]|[^:/\s?]*)/.exec(url);
  if (match === null) return false;
  const user = decoded(match[1]);
  const password = decoded(match[2]);
  if (user === password) return true;
  const host = match[3].replace(/^\[|\]$/g, '').toLowerCase();
  return LOOPBACK_HOSTS.has(host) && DEFAULT_LOCAL_PASSWORDS.has(password.toLowerCase());
}

function decoded(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    // Not valid percent-encoding: the text as written is what a client would send.
    return component;
  }
}

/**
 * secretlint names a performance mark after the file and pairs its start and end marks with a regular expression
 * whose `.` stops at a line break: a file name holding one (a hostile tree) made the pairing throw outside any
 * promise we hold, which ended the process (found by the CLI fuzz test). Rules only look at the name's ending.
 */
function profilerSafe(filePath: string): string {
  return filePath.replace(/[\n\r\u2028\u2029]/g, '_');
}

/**
 * The file's extension as `path.extname` gives it (`.json`; none for `.env`), which secretlint's CLI passes
 * along: rules that read a file format (the GCP service-account key in a `.json`) look at it, not at the name.
 */
function extensionOf(filePath: string): string {
  const name = filePath.slice(filePath.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot) : '';
}

/** The rule's short name: `@secretlint/secretlint-rule-github` → `github`. */
export function ruleName(ruleId: string): string {
  return ruleId.replace(/^@secretlint\/secretlint-rule-/, '');
}

/** A key name to suggest for the env file: the kind when it is one (`GITHUB_TOKEN`), else from the rule. */
export function suggestedKeyName(finding: Pick<SecretFinding, 'ruleId' | 'kind'>): string {
  if (/^[A-Z][A-Z0-9_]*$/.test(finding.kind)) return finding.kind;
  const base = ruleName(finding.ruleId)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_');
  return `${base}_SECRET`;
}
