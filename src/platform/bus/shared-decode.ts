/**
 * Turns bus messages into what subscribers use, once per message however many local subscribers
 * it reaches: the bus hands the same frozen message object to all of them (see Bus), and the
 * first subscriber to decode it leaves the result for the others. A thousand watchers of one
 * channel then hold one decoded copy of each batch between them, not a thousand.
 *
 * The result is shared, so subscribers must treat it as read-only (the bus freezes the message
 * itself; `decode` should build plain values nobody mutates).
 */
export function sharedDecoder<T>(decode: (message: unknown) => T): (message: unknown) => T {
  const decoded = new WeakMap<object, T>();
  return (message) => {
    if (typeof message !== 'object' || message === null) return decode(message);
    if (decoded.has(message)) return decoded.get(message)!;
    const value = decode(message);
    decoded.set(message, value);
    return value;
  };
}
