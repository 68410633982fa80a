import { resourceExhausted } from '../errors.js';

/** How many streaming calls may be open at once on this server instance, by who is calling. */
export interface StreamLimitSettings {
  perAddress: number;
  perPrincipal: number;
  perOrganization: number;
  total: number;
}

/** Who opens a stream: each key that is known takes a slot under its limit. */
export interface StreamCaller {
  /** The caller's IP address; undefined when not recognisable (then only the other limits apply). */
  address?: string;
  /** The authenticated actor (user or API key); undefined on public methods. */
  principal?: string;
  organization?: string;
}

/** One open stream's slots; `release` gives them back (once, however often it is called). */
export interface StreamLease {
  release(): void;
}

/** When a stream is refused, how long until trying again is worth it (streams end at their own pace). */
const RETRY_DELAY_MS = 1_000;

type Scope = 'address' | 'principal' | 'organization' | 'total';

/** The configuration variable of each limit: what the refusal names, so operators know what to raise. */
const LIMIT_NAMES: Record<Scope, string> = {
  address: 'STREAMS_MAX_PER_ADDRESS',
  principal: 'STREAMS_MAX_PER_PRINCIPAL',
  organization: 'STREAMS_MAX_PER_ORGANIZATION',
  total: 'STREAMS_MAX_TOTAL',
};

/**
 * Counts the open streaming calls (watches, scanner streams, health watches, reflection) per
 * caller address, principal, organization and in all, and refuses one more beyond a limit. Every
 * stream holds memory for as long as it is open, so without these an unauthenticated caller (or
 * one tenant) could open streams until the process runs out of memory. The gRPC pipeline takes a
 * lease for every streaming call before its handler runs and releases it when the call ends, in
 * whatever way it ends. Per instance: memory is per process.
 */
export class StreamLimits {
  readonly #open = new Map<string, number>();

  constructor(private readonly settings: StreamLimitSettings) {}

  /**
   * Takes a slot under every limit that applies to `caller`, all or none.
   * @throws AppError RESOURCE_EXHAUSTED STREAM_LIMIT_REACHED naming the limit reached (`limit`,
   *   `max`), with a RetryInfo.
   */
  acquire(caller: StreamCaller): StreamLease {
    const keys: [Scope, string][] = [['total', 'total']];
    if (caller.address !== undefined) keys.push(['address', `address:${caller.address}`]);
    if (caller.principal !== undefined) keys.push(['principal', `principal:${caller.principal}`]);
    if (caller.organization !== undefined) keys.push(['organization', `organization:${caller.organization}`]);
    for (const [scope, key] of keys) {
      const max = this.#max(scope);
      if ((this.#open.get(key) ?? 0) >= max) {
        throw resourceExhausted(
          'STREAM_LIMIT_REACHED',
          `Too many open streams (${scope === 'total' ? 'on this server' : `for this ${scope}`}: at most ${max}); close one or retry later.`,
          RETRY_DELAY_MS,
          { limit: LIMIT_NAMES[scope], max: String(max) },
        );
      }
    }
    for (const [, key] of keys) this.#open.set(key, (this.#open.get(key) ?? 0) + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        for (const [, key] of keys) {
          const left = (this.#open.get(key) ?? 1) - 1;
          if (left > 0) this.#open.set(key, left);
          else this.#open.delete(key); // no entry per past caller: the map stays as small as what is open
        }
      },
    };
  }

  /** Streams open in all (for tests and metrics). */
  get openTotal(): number {
    return this.#open.get('total') ?? 0;
  }

  #max(scope: Scope): number {
    switch (scope) {
      case 'address':
        return this.settings.perAddress;
      case 'principal':
        return this.settings.perPrincipal;
      case 'organization':
        return this.settings.perOrganization;
      case 'total':
        return this.settings.total;
    }
  }
}
