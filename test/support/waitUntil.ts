/**
 * A wait on a client's messages: resolves when `condition` holds, re-checked by every listener call (the client
 * calls its listeners after the messages it watches); rejects at the deadline with what was awaited and the
 * server's stderr, so a broken server fails a test or a bench instead of hanging it.
 */
export function waitUntil(
  listeners: Set<() => void>,
  condition: () => boolean,
  what: string,
  limitMs: number,
  stderr: () => string,
): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!condition()) return;
      listeners.delete(check);
      clearTimeout(deadline);
      resolve();
    };
    const deadline = setTimeout(() => {
      listeners.delete(check);
      reject(new Error(`timed out waiting for ${what}; server stderr:\n${stderr()}`));
    }, limitMs);
    listeners.add(check);
  });
}
