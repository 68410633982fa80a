import { sql } from 'kysely';
import type { BackgroundTask, TaskRunListener } from '../background-task.js';
import type { Bus } from '../bus/bus.js';
import type { Database } from '../db/database.js';
import { thenCommit } from '../db/deferred-begin-dialect.js';
import { whileLeading, type StillLeading } from '../db/leadership.js';
import type { Logger } from '../logger.js';
import { LoopPause } from '../loop-pause.js';
import { POSITIONED_CHANNEL, type PositionedWakeup } from './read-changes.js';

/** The bus channel on which any instance says "I committed changes" (payload ignored). */
export const RECORDED_CHANNEL = 'change-feed.recorded';

/** The advisory lock key of the sequencer's leadership (any fixed number every instance agrees on). */
const LEADER_LOCK_KEY = 7_220_081;

export interface SequencerOptions {
  /** Events positioned per transaction at most (a backlog is worked off batch after batch). */
  batchSize?: number;
  /** How long the leader waits for a wake-up before looking anyway (covers a lost one). */
  pollMs?: number;
  /** How often a follower tries to become the leader. */
  electionMs?: number;
}

/**
 * The change feed's sequencer (docs/decisions/0004-change-feed-sequencer.md): exactly one
 * instance across replicas, the leader, repeatedly runs `assign_change_positions`, giving the
 * committed, unpositioned events the next positions in write order, and then publishes on the
 * bus which organizations' feeds moved (`change-feed.positioned`), so live readers on every
 * instance read at once.
 *
 * Leadership is a transaction-level advisory lock held by a transaction that stays open (idle,
 * with no snapshot) while the leader works on other pooled connections, as the analytics jobs
 * do (analytics/exclusive-run.ts): it dies with its connection, so a crashed leader is replaced
 * within `electionMs`. The database function takes its own lock too, so even two leaders for a
 * moment would only take turns.
 *
 * The leader wakes on `change-feed.recorded` (published after the commit of every unit of work
 * that recorded changes, see commit-nudges.ts; on one instance the bus hands it over in-process),
 * and polls every `pollMs` anyway, so commit -> positioned takes a few milliseconds.
 */
export class ChangeSequencer implements BackgroundTask {
  readonly name = 'change-feed.sequencer';
  readonly #batchSize: number;
  readonly #pollMs: number;
  readonly #electionMs: number;
  readonly #listeners: TaskRunListener[] = [];
  #stopped = true;
  #running: Promise<void> | undefined;
  #pending = false;
  readonly #pause = new LoopPause(true);
  /**
   * The wait between tries for the lead, and after a failed step: only stop cuts it short. A
   * nudge is the leader's cue; a standby woken by every commit it heard would try for the lead
   * (a transaction) again at once, and keep trying: it did, thousands of times a second.
   */
  readonly #retryPause = new LoopPause(true);
  #unsubscribe: Promise<() => Promise<void>> | undefined;

  constructor(
    private readonly db: Database,
    private readonly bus: Bus,
    private readonly logger: Logger,
    options: SequencerOptions = {},
  ) {
    this.#batchSize = options.batchSize ?? 1000;
    this.#pollMs = options.pollMs ?? 250;
    this.#electionMs = options.electionMs ?? 2000;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribe = this.bus.subscribe(RECORDED_CHANNEL, () => this.#nudge());
    this.#unsubscribe.catch((error: unknown) =>
      this.logger.warn({ err: error }, 'change-feed sequencer: no bus wake-ups, polling only'),
    );
    this.#running = this.#campaign();
  }

  observe(listener: TaskRunListener): void {
    this.#listeners.push(listener);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#pause.wake();
    this.#retryPause.wake();
    await this.#running;
    const unsubscribe = await this.#unsubscribe?.catch(() => undefined);
    await unsubscribe?.().catch(() => undefined);
  }

  #nudge(): void {
    this.#pending = true;
    this.#pause.wake();
  }

  /** Tries to lead until stopped; between tries (not the leader, or leadership lost) waits electionMs. */
  async #campaign(): Promise<void> {
    while (!this.#stopped) {
      try {
        const led = await whileLeading(this.db, LEADER_LOCK_KEY, async (stillLeading) => {
          this.logger.info('change-feed sequencer: leading');
          await this.#lead(stillLeading);
        });
        if (!led) this.logger.debug({ retryInMs: this.#electionMs }, 'change-feed sequencer: another instance leads');
      } catch (error) {
        this.logger.warn({ err: error }, 'change-feed sequencer: leadership lost');
      }
      if (!this.#stopped) await this.#retryPause.for(this.#electionMs);
    }
  }

  /** The leader's loop: position, publish, wait for a wake-up or the poll; checks its lock's connection now and then. */
  async #lead(stillLeading: StillLeading): Promise<void> {
    let lastConfirmed = Date.now();
    while (!this.#stopped) {
      this.#pending = false;
      const started = performance.now();
      let full = false;
      try {
        full = (await this.#positionOnce()) >= this.#batchSize;
        this.#ran(true, started);
      } catch (error) {
        this.logger.error({ err: error }, 'change-feed sequencer: positioning failed');
        this.#ran(false, started);
        if (!this.#stopped) await this.#retryPause.for(this.#pollMs);
      }
      if (Date.now() - lastConfirmed > this.#electionMs) {
        if (!(await stillLeading())) return; // the lock's connection is gone: whileLeading reports it
        lastConfirmed = Date.now();
      }
      if (!full && !this.#pending) await this.#sleep(this.#pollMs);
    }
  }

  /** One batch; returns how many events it positioned. */
  async #positionOnce(): Promise<number> {
    const rows = await this.db.withoutTenant(async (tx) => {
      const positioned = sql<{
        organization_id: string;
        up_to: number | string;
        events: number;
      }>`SELECT organization_id, up_to, events FROM assign_change_positions(${this.#batchSize}::integer)`;
      // The batch's only statement: it carries the COMMIT, one round trip from BEGIN to COMMIT.
      const result = await thenCommit(positioned).execute(tx);
      return result.rows;
    });
    if (rows.length === 0) return 0;
    const wakeup: PositionedWakeup = {
      upTo: Math.max(...rows.map((r) => Number(r.up_to))),
      organizations: rows.map((r) => r.organization_id),
    };
    await this.bus.publish(POSITIONED_CHANNEL, wakeup).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'change-feed sequencer: wake-up not published; readers poll');
    });
    return rows.reduce((sum, r) => sum + r.events, 0);
  }

  /** Waits `ms`, or less when nudged or stopped. */
  #sleep(ms: number): Promise<void> {
    return this.#pending || this.#stopped ? Promise.resolve() : this.#pause.for(ms);
  }

  #ran(ok: boolean, started: number): void {
    for (const listener of this.#listeners) listener(this.name, ok, (performance.now() - started) / 1000);
  }
}
