/** What a CLI command may touch besides the disk: injected so tests run commands in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /**
   * Writes lines to stdout as they are made, waiting while the reader is behind: a report of millions of lines is
   * never one string. Without it (commands run in-process by tests) each line goes through `out`.
   */
  writeLines?(lines: Iterable<string>): Promise<void>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A person at a terminal who can answer a confirmation. */
  readonly isInteractive: boolean;
  /** Asks a yes/no question; only called when isInteractive. */
  confirm?(question: string): Promise<boolean>;
  /** Fires on Ctrl-C: a sync stops after the batch in flight and reports exactly what was written. */
  readonly signal?: AbortSignal;
}

/** Wrong flags or arguments: exit code 2 with the usage text. */
export class CliUsageError extends Error {}

export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CliUsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
}

/** Lines through `io.writeLines` when the front end streams, else one `out` per line. */
export async function outLines(io: CliIo, lines: Iterable<string>): Promise<void> {
  if (io.writeLines !== undefined) return io.writeLines(lines);
  for (const line of lines) io.out(line);
}
