import type { Database, TenantScope } from '../db/database.js';
import type { Logger } from '../logger.js';
import { LoopPause } from '../loop-pause.js';
import { lastPosition, onPositioned, readChanges, type StoredChange } from './read-changes.js';

/** Events read per round of a tail (a backlog is read round after round). */
const READ_PAGE = 500;
/** The most recent events a tail keeps for its watchers; one further behind reads the feed itself. */
const KEPT_EVENTS = 2_000;
/** How often a tail reads without a wake-up: the bus wake-up is at-most-once. */
const IDLE_POLL_MS = 1_000;
/** How long a tail waits after a failed read before the next. */
const RETRY_MS = 500;

/**
 * The latest events of one organization's feed as this instance last read them: what every live
 * watcher of the organization on this instance takes instead of reading the feed itself. One
 * read per wake-up serves them all (with 16 watchers the per-watcher reads and their per-watcher
 * replies were most of the server's work), and all of them are handed the new events in the same
 * turn of the event loop, so their stream writes leave in one socket write.
 *
 * `events` holds, unfiltered and in position order, EVERY event of the organization with a
 * position in (`from`, `upTo`]: the tail reads `position > upTo` and appends all it gets, and a
 * read's events are everything positioned up to its last one (positions become visible in
 * increasing order, docs/decisions/0004). So a watcher whose own cursor is in [`from`, `upTo`]
 * takes the events after its cursor from here, filters them itself, and has then seen the feed
 * up to `upTo`: no gap, and no duplicate as long as its cursor only grows.
 *
 * The rows are read in the organization's own transaction (row-level security), so a tail holds
 * only that organization's events; each watcher filters them by its own filter, narrowed to what
 * its principal may read (subscriber-filter.ts).
 */
export class OrganizationTail {
  /** Positions after which `events` is complete; undefined until the first read. */
  #from: number | undefined;
  #upTo = 0;
  #events: StoredChange[] = [];
  #watchers = 0;
  #stopped = false;
  #woken = false;
  readonly #pause = new LoopPause();
  readonly #advanced = new Set<() => void>();

  constructor(
    private readonly db: Database,
    private readonly scope: TenantScope,
    private readonly logger: Logger,
  ) {}

  /**
   * The events after `after`, and the position up to which they are all of the feed; undefined
   * when the tail does not reach back to `after` (not read yet, or the watcher is further behind
   * than the events kept): the watcher reads the feed itself.
   */
  after(after: number): { events: StoredChange[]; upTo: number } | undefined {
    if (this.#from === undefined || after < this.#from) return undefined;
    if (after >= this.#upTo) return { events: [], upTo: after };
    let lo = 0;
    let hi = this.#events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#events[mid]!.position <= after) lo = mid + 1;
      else hi = mid;
    }
    return { events: this.#events.slice(lo), upTo: this.#upTo };
  }

  /**
   * The position up to which every event is visible to a read that starts now (the tail's last
   * read saw them committed); undefined before the first read.
   */
  get readUpTo(): number | undefined {
    return this.#from === undefined ? undefined : this.#upTo;
  }

  /** Calls `listener` whenever the tail has read further, until the returned function is called. */
  onAdvance(listener: () => void): () => void {
    this.#advanced.add(listener);
    return () => this.#advanced.delete(listener);
  }

  join(): void {
    this.#watchers++;
  }

  /** @returns whether no watcher is left (the tail stops). */
  leave(): boolean {
    this.#watchers--;
    if (this.#watchers > 0) return false;
    this.#stopped = true;
    this.#pause.wake();
    return true;
  }

  /** Reads the feed on every wake-up of the organization until the last watcher leaves. */
  async run(): Promise<void> {
    const stopListening = onPositioned((_upTo, organizations) => {
      if (!organizations.includes(this.scope.organizationId)) return;
      this.#woken = true;
      this.#pause.wake();
    });
    try {
      while (!this.#stopped) {
        this.#woken = false;
        let full = false;
        try {
          full = await this.#readOnce();
        } catch (error) {
          this.logger.warn({ err: error }, 'change feed: reading the feed for live watchers failed; retrying');
          await this.#sleep(RETRY_MS);
          continue;
        }
        if (!full && !this.#woken) await this.#sleep(IDLE_POLL_MS);
      }
    } finally {
      stopListening();
    }
  }

  /** One read; returns whether it was a full page (more may follow at once). */
  async #readOnce(): Promise<boolean> {
    if (this.#from === undefined) {
      this.#upTo = await lastPosition(this.db, this.scope);
      this.#from = this.#upTo;
      this.#notify();
      return false;
    }
    const page = await readChanges(this.db, this.scope, this.#upTo, {}, READ_PAGE);
    if (page.length === 0) return false;
    this.#events.push(...page);
    this.#upTo = page.at(-1)!.position;
    if (this.#events.length > KEPT_EVENTS) {
      const dropped = this.#events.splice(0, this.#events.length - KEPT_EVENTS);
      this.#from = dropped.at(-1)!.position;
    }
    this.#notify();
    return page.length === READ_PAGE;
  }

  #notify(): void {
    for (const listener of this.#advanced) listener();
  }

  /** Pauses `ms` unless woken or stopped meanwhile (then at once). */
  #sleep(ms: number): Promise<void> {
    return this.#woken || this.#stopped ? Promise.resolve() : this.#pause.for(ms);
  }
}

/**
 * The tails of this instance, one per organization that has live watchers here: started by its
 * first watcher, stopped when its last one leaves.
 */
export class FeedTails {
  readonly #tails = new Map<string, OrganizationTail>();

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
  ) {}

  /** The organization's tail, for as long as the caller has not called the returned `leave`. */
  join(organizationId: string): { tail: OrganizationTail; leave: () => void } {
    let tail = this.#tails.get(organizationId);
    if (!tail) {
      tail = new OrganizationTail(this.db, { organizationId }, this.logger);
      this.#tails.set(organizationId, tail);
      void tail.run();
    }
    tail.join();
    const joined = tail;
    let left = false;
    return {
      tail: joined,
      leave: () => {
        if (left) return;
        left = true;
        // A tail without watchers stops; the next watcher starts a new one.
        if (joined.leave() && this.#tails.get(organizationId) === joined) this.#tails.delete(organizationId);
      },
    };
  }
}
