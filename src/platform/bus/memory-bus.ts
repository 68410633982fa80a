import { EventEmitter } from 'node:events';
import type { Bus } from './bus.js';
import { deepFreeze } from './deep-freeze.js';

/** Single-process bus. Messages are delivered asynchronously, like Redis would, and copied (one copy shared by all subscribers). */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  async publish(channel: string, message: unknown): Promise<void> {
    // Like Redis, a message nobody listens to is gone; skipping it spares the copy (publishers
    // on hot paths, such as tracking ingest, publish whether or not anyone watches).
    if (this.#emitter.listenerCount(channel) === 0) return;
    const copy = JSON.stringify(message);
    queueMicrotask(() => this.#emitter.emit(channel, deepFreeze(JSON.parse(copy))));
  }

  async subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>> {
    this.#emitter.on(channel, handler);
    return async () => void this.#emitter.off(channel, handler);
  }

  async close(): Promise<void> {
    this.#emitter.removeAllListeners();
  }
}
