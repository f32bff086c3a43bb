import { NetworkError } from './apiError';

/** The cause an attempt cut off by its deadline names (NetworkError.causeCode). */
export const ATTEMPT_DEADLINE_CODE = 'ATTEMPT_DEADLINE';

/**
 * One deadline over a whole attempt: connecting, waiting for the headers and reading the body. undici's own
 * timeouts are per phase and per chunk, so a server that drips a byte just inside the body timeout held an attempt
 * open for as long as it liked. The deadline aborts the request through its signal, which also ends a body being
 * read; the caller's signal (when the exchange may be interrupted) aborts through the same one.
 */
export class AttemptDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private expired = false;
  private readonly forward = () => this.controller.abort(this.callerSignal?.reason);

  constructor(
    ms: number,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new Error('attempt deadline'));
    }, ms);
    if (callerSignal?.aborted) this.forward();
    else callerSignal?.addEventListener('abort', this.forward, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The timeout error to throw instead of whatever the abort made undici throw; undefined if it did not fire. */
  error(label: string): NetworkError | undefined {
    if (!this.expired) return undefined;
    return new NetworkError(label, 'timeout', true, ATTEMPT_DEADLINE_CODE);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.forward);
  }
}
