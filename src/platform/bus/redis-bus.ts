import type { Redis } from 'ioredis';
import { unavailable } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Bus } from './bus.js';
import { deepFreeze } from './deep-freeze.js';

/**
 * Redis pub/sub bus. A subscribed ioredis connection cannot issue other commands, so this
 * keeps its own duplicate for subscriptions and dispatches to local handlers per channel.
 */
export class RedisBus implements Bus {
  readonly kind = 'redis' as const;
  readonly #subscriber: Redis;
  readonly #handlers = new Map<string, Set<(message: unknown) => void>>();
  /** The SUBSCRIBE of each channel's handler set, settled once Redis confirmed it. */
  readonly #ready = new WeakMap<Set<(message: unknown) => void>, Promise<unknown>>();

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
      let message: unknown;
      try {
        message = deepFreeze(JSON.parse(raw));
      } catch {
        this.logger.warn({ channel }, 'dropped a malformed bus message');
        return;
      }
      for (const handler of handlers) handler(message);
    });
  }

  /** Opens the subscriber connection (the publisher is connected by whoever created it). */
  async connect(): Promise<void> {
    if (this.#subscriber.status === 'wait') await this.#subscriber.connect();
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.publisher.publish(this.prefix + channel, JSON.stringify(message));
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
      this.logger.warn({ err: (error as Error).message, channel }, 'redis subscribe failed (degraded: live fan-out unavailable)');
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
