import {
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type Connection,
  type ResultProgressReporter,
} from 'vscode-languageserver';
import { errorText, ServiceRefusal } from '../../engine/core';
import type { ServerSession } from './session';

/**
 * The one wrapper every piece of server work runs through: requests, notifications, and deferred work (timers,
 * `setImmediate`, watcher callbacks). It answers the questions each handler would otherwise repeat:
 * - not initialized yet → ServerNotInitialized; params of the wrong shape → InvalidParams, never a crash;
 * - readiness: work waits until the workspace is indexed, so early requests get real answers;
 * - cancelled → RequestCancelled at once (and again if cancelled while running);
 * - a refusal from the service (an invalid new name) → the matching LSP error with its message;
 * - anything thrown → logged with its stack (our errors carry names, never values) and a typed fallback.
 * A notification or deferred job has no one to answer: its errors are logged and the server lives on.
 */
export class Guard {
  private session: ServerSession | undefined;

  constructor(private readonly connection: Connection) {}

  attach(session: ServerSession): void {
    this.session = session;
  }

  /**
   * An LSP request handler. `fallback` is the answer when `run` fails (or a function of the params giving it:
   * a completion item resolves to itself).
   */
  request<P, R, E = void, PR = never>(
    name: string,
    fallback: R | ((params: P) => R),
    valid: (params: unknown) => params is P,
    run: (
      params: P,
      session: ServerSession,
      token?: CancellationToken,
      partialResults?: ResultProgressReporter<PR>,
    ) => R | Promise<R>,
    cancelData?: E,
  ): (
    params: unknown,
    token?: CancellationToken,
    workDone?: unknown,
    partialResults?: ResultProgressReporter<PR>,
  ) => Promise<R | ResponseError<E>> {
    const cancelled = () => new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled', cancelData as E);
    // vscode-languageserver takes the partial result token out of the params and hands a reporter for it instead.
    return async (params, token, _workDone, partialResults) => {
      const session = this.session;
      if (!session)
        return new ResponseError<E>(ErrorCodes.ServerNotInitialized, `${name}: the server is not initialized`);
      if (!valid(params)) return new ResponseError<E>(ErrorCodes.InvalidParams, `${name}: malformed parameters`);
      if (token?.isCancellationRequested) return cancelled();
      try {
        await session.ready;
        if (token?.isCancellationRequested) return cancelled();
        const result = await run(params, session, token, partialResults);
        return token?.isCancellationRequested ? cancelled() : result;
      } catch (error) {
        if (error instanceof ResponseError) return error as ResponseError<E>;
        if (error instanceof ServiceRefusal) return new ResponseError<E>(refusalCode(error), error.message);
        this.log(name, error);
        return typeof fallback === 'function' ? (fallback as (params: P) => R)(params) : fallback;
      }
    };
  }

  notification<P>(
    name: string,
    valid: (params: unknown) => params is P,
    run: (params: P, session: ServerSession) => void | Promise<void>,
  ): (params: unknown) => void {
    return (params) => {
      const session = this.session;
      if (!session || !valid(params)) {
        this.connection.console.warn(`${name}: ignored (${session ? 'malformed parameters' : 'not initialized'})`);
        return;
      }
      this.background(name, async () => {
        await session.ready;
        await run(params, session);
      });
    };
  }

  /** Runs `work` now without waiting for it; a throw or a rejection is logged, never fatal. */
  background(name: string, work: () => void | Promise<void>): void {
    try {
      // Synchronous work (a diagnostics flush of thousands of files) costs no promise per item.
      const pending = work();
      if (pending) pending.catch((error: unknown) => this.log(name, error));
    } catch (error) {
      this.log(name, error);
    }
  }

  /** `work` as a callback for `setImmediate`, timers and watchers, guarded like everything else. */
  deferred(name: string, work: () => void | Promise<void>): () => void {
    return () => this.background(name, work);
  }

  log(name: string, error: unknown): void {
    this.connection.console.error(`${name} failed: ${errorText(error, { stack: true })}`);
  }
}

function refusalCode(refusal: ServiceRefusal): number {
  return refusal.kind === 'invalid-params' ? ErrorCodes.InvalidParams : ErrorCodes.InvalidRequest;
}
