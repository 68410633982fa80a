import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { unavailable } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Bus } from './bus.js';
import { deepFreeze } from './deep-freeze.js';

/**
 * Redis pub/sub bus. A subscribed ioredis connection cannot issue other commands, so this
 * keeps its own duplicate for subscriptions and dispatches to local handlers per channel.
 *
 * A message published here reaches this instance's own subscribers in-process, without the
 * round trip through Redis (live fan-out latency), and goes to Redis for the other instances.
 * Each message travels in an envelope naming the instance that sent it, so the copy Redis
 * echoes back to its sender is dropped: local subscribers get every message exactly once.
 */
export class RedisBus implements Bus {
  readonly kind = 'redis' as const;
  readonly #subscriber: Redis;
  readonly #handlers = new Map<string, Set<(message: unknown) => void>>();
  /** The SUBSCRIBE of each channel's handler set, settled once Redis confirmed it. */
  readonly #ready = new WeakMap<Set<(message: unknown) => void>, Promise<unknown>>();
  /** This instance, as named in the envelopes it publishes. */
  readonly #origin = randomUUID();

  constructor(
    private readonly publisher: Redis,
    private readonly logger: Logger,
    private readonly prefix = 'imsop:bus:',
  ) {
    this.#subscriber = publisher.duplicate();
    this.#subscriber.on('error', (error) => logger.warn({ err: error.message }, 'redis subscriber error'));
    this.#subscriber.on('message', (channel: string, raw: string) => {
      const handlers = this.#handlers.get(channel.slice(this.prefix.length));
      if (!handlers) return;
      let decoded: unknown;
      try {
        decoded = JSON.parse(raw);
      } catch {
        this.logger.warn({ channel }, 'dropped a malformed bus message');
        return;
      }
      const envelope = asEnvelope(decoded);
      if (envelope?.origin === this.#origin) return; // delivered in-process when it was published
      const message = deepFreeze(envelope ? envelope.message : decoded);
      for (const handler of handlers) handler(message);
    });
  }

  /** Opens the subscriber connection (the publisher is connected by whoever created it). */
  async connect(): Promise<void> {
    if (this.#subscriber.status === 'wait') await this.#subscriber.connect();
  }

  async publish(channel: string, message: unknown): Promise<void> {
    const raw = JSON.stringify({ [ENVELOPE]: 1, origin: this.#origin, message } satisfies Envelope);
    const local = this.#handlers.get(channel);
    if (local && local.size > 0) {
      // Decoded from the same JSON the other instances get: local subscribers see what remote
      // ones see (dates as strings), one frozen copy shared by all of them, delivered
      // asynchronously like a Redis message.
      const copy = deepFreeze((JSON.parse(raw) as Envelope).message);
      queueMicrotask(() => {
        for (const handler of local) handler(copy);
      });
    }
    await this.publisher.publish(this.prefix + channel, raw);
  }

  async subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>> {
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
      this.#ready.set(handlers, this.#subscriber.subscribe(this.prefix + channel));
    }
    // Registered before waiting, and every subscriber of the channel waits for the same
    // SUBSCRIBE: resolving means "Redis delivers this channel to us now", which callers rely on
    // (a watcher reads the database only after subscribing, and must not miss what follows).
    handlers.add(handler);
    try {
      await this.#ready.get(handlers);
    } catch (error) {
      // Redis refused or is unreachable: forget this attempt, so a later subscribe tries again.
      handlers.delete(handler);
      if (handlers.size === 0 && this.#handlers.get(channel) === handlers) this.#handlers.delete(channel);
      this.logger.warn(
        { err: (error as Error).message, channel },
        'redis subscribe failed (degraded: live fan-out unavailable)',
      );
      throw unavailable('LIVE_UPDATES_UNAVAILABLE', 'Live updates are unavailable right now; retry shortly.');
    }
    return async () => {
      handlers.delete(handler);
      if (handlers.size === 0 && this.#handlers.get(channel) === handlers) {
        this.#handlers.delete(channel);
        await this.#subscriber.unsubscribe(this.prefix + channel).catch(() => {});
      }
    };
  }

  async close(): Promise<void> {
    this.#subscriber.disconnect();
  }
}

/** Marks an enveloped message (what this bus publishes); a bare JSON value is a message from an older instance. */
const ENVELOPE = 'imsop-bus';

interface Envelope {
  [ENVELOPE]: 1;
  /** The publishing instance. */
  origin: string;
  message: unknown;
}

function asEnvelope(value: unknown): Envelope | undefined {
  const v = value as Partial<Envelope> | null;
  return v && typeof v === 'object' && v[ENVELOPE] === 1 && typeof v.origin === 'string' && 'message' in v
    ? (v as Envelope)
    : undefined;
}
