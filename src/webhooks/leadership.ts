import type { Database } from '../platform/db/database.js';
import { whileLeading } from '../platform/db/leadership.js';
import type { Logger } from '../platform/logger.js';

/** How often a follower tries to become the leader, and the leader checks it still is. */
const CHECK_INTERVAL_MS = 2000;

/**
 * Runs `lead` on exactly one instance at a time across replicas: the holder of the platform's
 * leadership lock (`whileLeading`), retried by followers every CHECK_INTERVAL_MS. The leader
 * checks its lock's connection as often and, when it has lost it, aborts `lead` through the
 * signal.
 *
 * Needs one pooled connection for as long as it leads.
 */
export class Leadership {
  #stopped = true;
  #stop = new AbortController();
  #running: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly lockKey: number,
    private readonly name: string,
    private readonly logger: Logger,
  ) {}

  start(lead: (signal: AbortSignal) => Promise<void>): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#stop = new AbortController();
    this.#running = this.#follow(lead);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stop.abort();
    await this.#running;
  }

  async #follow(lead: (signal: AbortSignal) => Promise<void>): Promise<void> {
    while (!this.#stopped) {
      try {
        await whileLeading(this.db, this.lockKey, async (stillLeading) => {
          this.logger.info({ task: this.name }, 'leading');
          const term = new AbortController();
          const onStop = () => term.abort();
          this.#stop.signal.addEventListener('abort', onStop);
          const working = lead(term.signal);
          working.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled
          try {
            while (!term.signal.aborted) {
              await sleep(CHECK_INTERVAL_MS, this.#stop.signal);
              if (this.#stop.signal.aborted || !(await stillLeading())) break;
            }
          } finally {
            term.abort();
            this.#stop.signal.removeEventListener('abort', onStop);
            await working;
          }
        });
      } catch (error) {
        if (!this.#stopped) this.logger.warn({ err: error, task: this.name }, 'leadership lost or not reachable');
      }
      await sleep(CHECK_INTERVAL_MS, this.#stop.signal);
    }
  }
}

/**
 * Resolves after `ms`, at once when `signal` aborts, or when `wake` (if given) resolves. Whichever
 * comes first clears the timer and the abort listener: a loop that is woken far more often than
 * `ms` (the webhook dispatcher, each time a delivery finishes) leaves no sleeper behind on its
 * long-lived signal (they piled up there until their timers ran out: MaxListenersExceededWarning).
 */
export function sleep(ms: number, signal: AbortSignal, wake?: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref();
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
    void wake?.then(done);
  });
}
