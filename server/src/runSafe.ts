import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver';
import { errorText } from '../../engine/core/errorText';

/**
 * Every LSP handler runs through here: a cancelled request answers RequestCancelled at once; a ResponseError is a
 * deliberate answer and passes through; any other thrown error is logged with its stack (our errors carry names, never values) and the client gets a typed fallback instead of
 * a broken response.
 */
export async function runSafe<T, E = void>(
  connection: Connection,
  name: string,
  token: CancellationToken | undefined,
  fallback: T,
  handler: () => T | Promise<T>,
  cancelData?: E,
): Promise<T | ResponseError<E>> {
  if (token?.isCancellationRequested) return cancelled(cancelData);
  try {
    const result = await handler();
    if (token?.isCancellationRequested) return cancelled(cancelData);
    return result;
  } catch (error) {
    // A deliberate answer (e.g. "not a valid secret name" for a rename) goes to the user as it is.
    if (error instanceof ResponseError) return error as ResponseError<E>;
    connection.console.error(`${name} failed: ${errorText(error, { stack: true })}`);
    return fallback;
  }
}

function cancelled<E>(data: E | undefined): ResponseError<E> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled', data);
}
