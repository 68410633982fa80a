/** A signal that aborts when any of its sources does, until it is released. */
export interface LinkedSignal {
  /** Aborted with the reason of the first source that aborts. */
  readonly signal: AbortSignal;
  /** Stops following the sources (once the stream it serves has ended); idempotent. */
  release(): void;
}

/** Per source signal: what to abort when it aborts. One 'abort' listener per source feeds them all. */
const followers = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

/**
 * `AbortSignal.any(sources)` for signals that must not outlive what they serve. Streams link
 * their own call's signal with the server's shutdown signal, which lives as long as the process:
 * on Node 20, `AbortSignal.any` registers every composite with each source (a WeakRef in a set
 * the source never prunes), so the shutdown signal would keep an entry for every stream ever
 * opened. Here a source holds only the signals linked to it and not yet released, and gets a
 * single 'abort' listener however many live streams follow it, so no source collects listeners
 * (no MaxListenersExceededWarning on the shutdown signal, whatever the number of open streams).
 */
export function linkedSignal(sources: readonly AbortSignal[]): LinkedSignal {
  const controller = new AbortController();
  const aborted = sources.find((source) => source.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, release: () => {} };
  }
  const release = () => {
    for (const source of sources) followers.get(source)?.delete(follow);
  };
  const follow = (reason: unknown) => {
    release();
    controller.abort(reason);
  };
  for (const source of sources) followersOf(source).add(follow);
  return { signal: controller.signal, release };
}

function followersOf(source: AbortSignal): Set<(reason: unknown) => void> {
  const known = followers.get(source);
  if (known) return known;
  const created = new Set<(reason: unknown) => void>();
  followers.set(source, created);
  source.addEventListener(
    'abort',
    () => {
      followers.delete(source);
      for (const follow of [...created]) follow(source.reason);
    },
    { once: true },
  );
  return created;
}
