import type { BackgroundTask, TaskRunListener } from '../background-task.js';
import { readAllTenantsChanges } from '../change-feed/read-changes.js';
import type { Database } from '../db/database.js';
import { whileLeading } from '../db/leadership.js';
import type { Logger } from '../logger.js';
import { changeEventMessage } from './change-event-message.js';
import { connectNats } from './nats-connection.js';
import { JetStreamTarget, type PublishOutcome } from './jetstream-target.js';
import { relayedPosition, relayLag, saveRelayedPosition, type RelayLag } from './relay-progress.js';
import { relaySubject } from './relay-subject.js';

/** Any fixed number; every instance must use the same one (see analytics/exclusive-run.ts for the others). */
const RELAY_LOCK_KEY = 7_220_091;
/** Events read and published per round. */
const BATCH_SIZE = 500;
/** With nothing to publish: how long the leader waits for a wake-up before looking again. */
const IDLE_POLL_MS = 1_000;
/** How often a standby instance tries to become the relay (and samples the lag). */
const STANDBY_RETRY_MS = 2_000;
/** Retries after a failure wait from the first to the last, doubling, with jitter. */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;
/** The leader refreshes the lag at most this often. */
const LAG_SAMPLE_MS = 1_000;

export interface NatsRelayOptions {
  db: Database;
  logger: Logger;
  servers: readonly string[];
  stream: string;
  subjectPrefix: string;
  createStream: boolean;
  /** Past this lag in seconds, the relay reports itself unhealthy. */
  maxLagSeconds: number;
  /** Subscribes to "events were positioned" wake-ups; returns the unsubscribe. */
  onPositioned?: (listener: () => void) => () => void;
  /** Connection name NATS shows in its monitoring (the instance). */
  connectionName: string;
  /**
   * False on a process that runs no background tasks (BACKGROUND_TASKS=false, a cluster's other
   * workers): it never relays, but still samples the lag for its metrics and health, so every
   * process a probe or a scrape may reach answers for the relay.
   */
  mayLead: boolean;
}

/** What the relay's metrics and health read, sampled without a round trip. */
export interface NatsRelayStatus {
  /** The JetStream stream relayed to. */
  stream: string;
  /** Whether this instance is the one relaying. */
  leading: boolean;
  /** On the leader: whether NATS took the last publish (undefined on a standby, or before the first try). */
  natsUp: boolean | undefined;
  lagPositions: number;
  lagSeconds: number;
  /** Lag within bounds and, on the leader, NATS reachable. */
  healthy: boolean;
}

/** Why the relay is not relaying right now; logged once each time it changes. */
type RelayState = 'relaying' | 'nats-unreachable' | 'stream-missing' | 'failing';

/**
 * The change feed's relay to NATS JetStream (issue 19): every positioned change event, of every
 * tenant, in position order, published with acks to `<prefix>.<org>.<resource_type>.<event_type>`
 * with the event id as the message id. Exactly one instance relays (an advisory-lock leader; the
 * others stand by and take over within seconds of its end). After each acknowledged run of
 * messages it records the last position in PostgreSQL; a restart resumes there, and a crash
 * between a publish and its record re-sends, which JetStream drops as duplicates.
 *
 * NATS being down stops nothing but the relay: it retries with backoff (logging each change of
 * state once), the lag grows and shows in the metrics and the `nats-relay` health entry.
 */
export class NatsRelay implements BackgroundTask {
  readonly name = 'change-feed.nats-relay';
  readonly #options: NatsRelayOptions;
  readonly #listeners: TaskRunListener[] = [];
  readonly #healthListeners: ((healthy: boolean) => void)[] = [];
  #stop = new AbortController();
  #running: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #unsubscribe: (() => void) | undefined;
  #state: RelayState | undefined;
  #failures = 0;
  #leading = false;
  #natsUp: boolean | undefined;
  #lag: RelayLag = { positions: 0, oldestWaitingSince: undefined };
  #lagSampledAt = 0;
  #healthy = true;
  readonly #publishListeners: ((outcome: PublishOutcome, count: number) => void)[] = [];

  constructor(options: NatsRelayOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#running) return;
    this.#stop = new AbortController();
    this.#unsubscribe = this.#options.onPositioned?.(() => this.#wake?.());
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.#running;
  }

  observe(listener: TaskRunListener): void {
    this.#listeners.push(listener);
  }

  /** Hears every acknowledged publish, by outcome (for the published counter). */
  onPublished(listener: (outcome: PublishOutcome, count: number) => void): void {
    this.#publishListeners.push(listener);
  }

  /** Hears each change of the relay's health (lag within bounds; NATS reachable on the leader). */
  onHealthChange(listener: (healthy: boolean) => void): void {
    this.#healthListeners.push(listener);
  }

  status(): NatsRelayStatus {
    return {
      stream: this.#options.stream,
      leading: this.#leading,
      natsUp: this.#leading ? this.#natsUp : undefined,
      lagPositions: this.#lag.positions,
      lagSeconds: this.#lagSeconds(),
      healthy: this.#healthy,
    };
  }

  async #loop(): Promise<void> {
    const { db, logger } = this.#options;
    while (!this.#stop.signal.aborted) {
      let led = false;
      try {
        led =
          this.#options.mayLead &&
          (await whileLeading(db, RELAY_LOCK_KEY, async (stillLeading) => {
            this.#leading = true;
            logger.info({ stream: this.#options.stream }, 'this instance relays the change feed to NATS JetStream');
            try {
              await this.#lead(stillLeading);
            } finally {
              this.#leading = false;
              this.#natsUp = undefined;
            }
          }));
        if (!led) {
          await this.#sampleLag();
          await this.#sleep(STANDBY_RETRY_MS);
        }
      } catch (error) {
        // The database failed (the lock's connection, or a read outside the lead loop).
        this.#enter('failing', error);
        await this.#sleep(this.#nextRetryMs());
      }
      if (led && !this.#stop.signal.aborted) logger.info('this instance no longer relays the change feed');
    }
  }

  /** Relays until stopped or the lock is lost; NATS and database failures are retried here. */
  async #lead(stillLeading: () => Promise<boolean>): Promise<void> {
    const { db, stream, subjectPrefix, createStream, servers, connectionName } = this.#options;
    let target: JetStreamTarget | undefined;
    let position: number | undefined;
    try {
      while (!this.#stop.signal.aborted && (await stillLeading())) {
        const started = performance.now();
        let phase: 'database' | 'nats' = 'database';
        try {
          position ??= await relayedPosition(db, stream);
          const batch = await readAllTenantsChanges(db, position, BATCH_SIZE);
          phase = 'nats';
          if (target && !target.connected) throw new Error('the connection to NATS was lost');
          target ??= await openTarget(servers, connectionName, { stream, subjectPrefix, create: createStream });
          let error: unknown;
          if (batch.length > 0) {
            const result = await target.publish(
              batch.map((change) => ({
                id: change.id,
                subject: relaySubject(subjectPrefix, change),
                ...changeEventMessage(change),
              })),
            );
            error = result.error;
            this.#count(result.outcomes);
            if (result.outcomes.length > 0) {
              phase = 'database';
              const upTo = batch[result.outcomes.length - 1]!.position;
              await saveRelayedPosition(db, stream, upTo);
              position = upTo;
            }
          }
          if (error !== undefined) {
            phase = 'nats';
            throw error;
          }
          this.#natsUp = true;
          this.#enter('relaying');
          this.#ran(true, started);
          if (batch.length < BATCH_SIZE) {
            await this.#sampleLag(true);
            await this.#sleep(IDLE_POLL_MS, true);
          } else {
            await this.#sampleLag();
          }
        } catch (error) {
          this.#ran(false, started);
          if (phase === 'nats') {
            this.#natsUp = false;
            // A connection that failed to open, or whose publishes fail, is started afresh.
            await target?.close();
            target = undefined;
            this.#enter(
              error instanceof Error && error.name === 'StreamMissingError' ? 'stream-missing' : 'nats-unreachable',
              error,
            );
          } else {
            this.#enter('failing', error);
          }
          // What it had recorded may have moved on (another leader meanwhile): read it again.
          position = undefined;
          await this.#sampleLag().catch(() => {});
          await this.#sleep(this.#nextRetryMs());
        }
      }
    } finally {
      await target?.close();
    }
  }

  #count(outcomes: readonly PublishOutcome[]): void {
    const stored = outcomes.filter((o) => o === 'stored').length;
    const duplicate = outcomes.length - stored;
    for (const [outcome, count] of [
      ['stored', stored],
      ['duplicate', duplicate],
    ] as const) {
      if (count === 0) continue;
      for (const listener of this.#publishListeners) listener(outcome, count);
    }
  }

  /** Logs the relay's state when it changes (not at every retry), and moves its health. */
  #enter(state: RelayState, error?: unknown): void {
    if (state === 'relaying') this.#failures = 0;
    else this.#failures++;
    if (state !== this.#state) {
      const { logger, stream, servers } = this.#options;
      const err = error instanceof Error ? error.message : error === undefined ? undefined : String(error);
      if (state === 'relaying') {
        logger.info(
          { stream },
          this.#state === undefined
            ? 'relaying the change feed to NATS JetStream'
            : 'NATS relay recovered; relaying again',
        );
      } else if (state === 'nats-unreachable') {
        logger.warn(
          { err, servers: servers.length },
          'NATS is not answering (EVENTS_NATS_URL): the change feed relay retries with backoff; the service keeps serving',
        );
      } else if (state === 'stream-missing') {
        logger.error({ err, stream }, 'the NATS relay has no stream to publish to; retrying with backoff');
      } else {
        logger.warn({ err }, 'the NATS relay cannot reach PostgreSQL; retrying with backoff');
      }
      this.#state = state;
    }
    this.#updateHealth();
  }

  #nextRetryMs(): number {
    const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(this.#failures, 16));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  async #sampleLag(force = false): Promise<void> {
    if (!force && performance.now() - this.#lagSampledAt < LAG_SAMPLE_MS) return;
    this.#lagSampledAt = performance.now();
    try {
      this.#lag = await relayLag(this.#options.db, this.#options.stream);
    } catch {
      // Unknown while the database does not answer: the last sample stands, and ages (seconds).
    }
    this.#updateHealth();
  }

  #lagSeconds(): number {
    const since = this.#lag.oldestWaitingSince;
    return since ? Math.max(0, (Date.now() - since.getTime()) / 1000) : 0;
  }

  #updateHealth(): void {
    const healthy = this.#lagSeconds() <= this.#options.maxLagSeconds && !(this.#leading && this.#natsUp === false);
    if (healthy === this.#healthy) return;
    this.#healthy = healthy;
    for (const listener of this.#healthListeners) listener(healthy);
  }

  #ran(ok: boolean, started: number): void {
    for (const listener of this.#listeners) listener(this.name, ok, (performance.now() - started) / 1000);
  }

  /** Waits `ms`, or less when stopped or, if `wakeable` (idle waits, not backoff), woken by new positions. */
  #sleep(ms: number, wakeable = false): Promise<void> {
    const signal = this.#stop.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      signal.addEventListener('abort', done, { once: true });
      if (wakeable) this.#wake = done;
    });
  }
}

/** A connection and the stream on it; the connection is closed again when the stream cannot be opened. */
async function openTarget(
  servers: readonly string[],
  connectionName: string,
  options: { stream: string; subjectPrefix: string; create: boolean },
): Promise<JetStreamTarget> {
  const connection = await connectNats(servers, connectionName);
  try {
    return await JetStreamTarget.open(connection, options);
  } catch (error) {
    await connection.close().catch(() => {});
    throw error;
  }
}
