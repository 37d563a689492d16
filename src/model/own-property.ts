/**
 * Writes `key` as an own, enumerable property, even when the key is `__proto__`.
 * Plain assignment `o["__proto__"] = v` would replace the object's prototype instead: input
 * files are hostile, and JSON.parse keeps such a key as an ordinary one, so must we.
 */
export function setOwn<T>(target: Record<string | number, T>, key: string | number, value: T): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The value of an own property only: never one inherited from Object.prototype (`constructor`, `toString`…). */
export function getOwn<T>(target: Record<string | number, T>, key: string | number): T | undefined {
  return Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
}
