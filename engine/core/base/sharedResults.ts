/**
 * A result the engine hands to several requests (a completion list asked for on every keystroke) is shared: it is
 * frozen to the last nested object, so nothing can change it after it was built, and it is registered here. A
 * front end may therefore serialise a shared result once and reuse that text while the same object is sent again
 * (the server's stdio writer does). Only results made with `shareResult` qualify: a frozen array alone does not.
 */
const shared = new WeakSet<object>();

/** Freezes `value` deeply and marks it shared; returns it. */
export function shareResult<T extends object>(value: T): T {
  shared.add(deepFreeze(value));
  return value;
}

/** Whether `value` was made by `shareResult`: its serialised form cannot change. */
export function isSharedResult(value: unknown): value is object {
  return typeof value === 'object' && value !== null && shared.has(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
