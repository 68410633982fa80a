/**
 * A signal inside this process: "a unit of work that recorded changes has committed". The
 * sequencer (sequencer.ts) listens, so a committed change gets its position within milliseconds
 * instead of waiting for the sequencer's poll. Only a hint: losing it delays, never loses, an
 * event.
 */
const listeners = new Set<() => void>();

/** Calls `listener` on every signal until the returned function is called. */
export function onChangesCommitted(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells the listeners that recorded changes are committed. */
export function signalChangesCommitted(): void {
  for (const listener of listeners) listener();
}
