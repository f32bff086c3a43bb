/**
 * The one way to turn a caught value into text. Our own errors carry names, keys and statuses, never secret
 * values, so their message (or, for a bug report, their stack) is safe to log.
 */
export function errorText(error: unknown, options: { stack?: boolean } = {}): string {
  if (!(error instanceof Error)) return String(error);
  return options.stack ? (error.stack ?? error.message) : error.message;
}
