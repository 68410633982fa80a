import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { principalChangesChannel } from '../platform/auth/principal-changes.js';
import type { Principal } from '../platform/auth/principal.js';
import type { Bus } from '../platform/bus/bus.js';
import type { Cache } from '../platform/cache/cache.js';

/**
 * How long a resolved principal may be served from cache. Every change that affects principals
 * invalidates explicitly (below); the TTL only bounds the damage of a race or of an
 * invalidation lost to a cache outage.
 */
export const PRINCIPAL_CACHE_SECONDS = 5;
/**
 * How long this process reuses a principal it read from (or stored in) the cache without reading
 * it again: within that time a caller's calls share one decoded principal instead of each
 * decoding (with Redis: fetching) it. Under the same generation key only, so an invalidation
 * still reaches the next call at once; at most this much is added to PRINCIPAL_CACHE_SECONDS.
 */
const REUSE_MS = 1_000;
/** Any value above PRINCIPAL_CACHE_SECONDS works: a lost generation falls back to "0" (see below). */
const GENERATION_SECONDS = 24 * 3600;

const generationKey = (organizationId: string) => `org:${organizationId}:principals:generation`;
const principalKey = (organizationId: string, generation: string, credentialHash: string) =>
  `org:${organizationId}:principal:${generation}:${credentialHash}`;

/**
 * Resolved principals (who a credential is, with roles and effective permissions), cached per
 * credential hash under an organization-wide *generation*. Any change that can affect a
 * principal (logout, refresh, password change, deactivation, role or permission change, API key
 * revocation, organization suspension) replaces the generation after commit, which orphans
 * every cached principal of the organization at once — no index of who holds which token is
 * needed. With Redis the generation is shared, so the invalidation reaches every instance.
 *
 * Races: a lookup remembers the generation it read *before* going to the database, and stores
 * under that one; a database read that raced with a change therefore lands under the replaced
 * generation, which nobody reads any more. A missing generation reads as "0" and is never
 * written by readers, so a reader cannot undo an invalidation; entries under "0" are older than
 * the first invalidation's generation, hence expired by the time that one could be lost.
 *
 * Each invalidation is also announced on the bus (principal-changes.ts), so open streams on
 * every instance re-check their caller at once instead of at their next interval.
 */
export class PrincipalCache {
  /** Principals read recently, by their cache key (generation included); frozen, as they are shared. */
  readonly #recent = new LRUCache<string, Principal>({ max: 10_000, ttl: REUSE_MS, ttlAutopurge: false });

  constructor(
    private readonly cache: Cache,
    private readonly bus: Bus,
  ) {}

  /** The cached principal (if any) and the generation to store a freshly resolved one under. */
  async lookup(
    organizationId: string,
    credentialHash: string,
  ): Promise<{ principal: Principal | undefined; generation: string }> {
    const generation = (await this.cache.get<string>(generationKey(organizationId))) ?? '0';
    const key = principalKey(organizationId, generation, credentialHash);
    let principal = this.#recent.get(key);
    if (!principal) {
      principal = await this.cache.get<Principal>(key);
      if (principal) this.#recent.set(key, frozen(principal));
    }
    return { principal, generation };
  }

  async store(principal: Principal, generation: string): Promise<void> {
    await this.cache.set(
      principalKey(principal.organizationId, generation, principal.credentialHash),
      principal,
      PRINCIPAL_CACHE_SECONDS,
    );
  }

  /**
   * Something derived from the principal's own rows (WhoAmI's answer), cached next to the
   * principal under the same generation and lifetime: every invalidation of the organization's
   * principals drops it too, with the same race rule (the generation is read before `load`).
   * Only for values of rows whose every change invalidates (see invalidateOrganization's callers).
   */
  async derived(principal: Principal, facet: string, load: () => Promise<string>): Promise<string> {
    const generation = (await this.cache.get<string>(generationKey(principal.organizationId))) ?? '0';
    const key = `${principalKey(principal.organizationId, generation, principal.credentialHash)}:${facet}`;
    const hit = await this.cache.get<string>(key);
    if (typeof hit === 'string') return hit;
    const value = await load();
    await this.cache.set(key, value, PRINCIPAL_CACHE_SECONDS);
    return value;
  }

  /**
   * Drops every cached principal of the organization, then tells open streams to re-check.
   * Call it after the commit of any change affecting principals.
   * @throws Error when the cache cannot be written (a stale principal would otherwise live on),
   *   or the announcement cannot be published (streams then notice at their next interval).
   */
  async invalidateOrganization(organizationId: string): Promise<void> {
    await this.cache.set(generationKey(organizationId), randomUUID(), GENERATION_SECONDS);
    // After the new generation: a stream re-checking on this message cannot be answered from
    // the cache entry it is meant to distrust.
    await this.bus.publish(principalChangesChannel(organizationId), {});
  }
}

/** The principal with its lists, frozen: one object is handed to many calls. */
function frozen(principal: Principal): Principal {
  Object.freeze(principal.roles);
  Object.freeze(principal.permissions);
  return Object.freeze(principal);
}
