/**
 * Freezes a decoded JSON value and everything in it. The bus delivers one decoded message to all
 * local subscribers; frozen, none of them can change what the others see.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
