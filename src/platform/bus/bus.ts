/**
 * Publish/subscribe between server instances, used after commit to fan out live events
 * (tracking points, cache invalidations). In-process when no Redis is configured, Redis
 * pub/sub otherwise. Delivery is at-most-once: consumers that must not miss anything resume
 * from the database (e.g. by sequence number).
 */
export interface Bus {
  readonly kind: 'memory' | 'redis';
  publish(channel: string, message: unknown): Promise<void>;
  /**
   * Calls `handler` for every message on `channel` until the returned function is called.
   * Each message is decoded once per process and the same frozen object goes to every local
   * handler of the channel (so they can share what they derive from it: see shared-decode.ts).
   * Resolves once delivery is established.
   * @throws AppError UNAVAILABLE (LIVE_UPDATES_UNAVAILABLE) when the bus cannot be reached.
   */
  subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
