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
  source: { filePath: string; content: string; contentType: 'text' };
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
    source: { filePath: profilerSafe(filePath), content: text, contentType: 'text' },
    options: { config: config as never, maskSecrets: true },
  });
  return result.messages.map((message) => ({
    start: message.range[0],
    end: message.range[1],
    ruleId: message.ruleId,
    kind: message.messageId,
  }));
}

/**
 * secretlint names a performance mark after the file and pairs its start and end marks with a regular expression
 * whose `.` stops at a line break: a file name holding one (a hostile tree) made the pairing throw outside any
 * promise we hold, which ended the process (found by the CLI fuzz test). Rules only look at the name's ending.
 */
function profilerSafe(filePath: string): string {
  return filePath.replace(/[\n\r\u2028\u2029]/g, '_');
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
