import { sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { AppContext } from '../platform/app-context.js';
import type { Authenticator, Principal } from '../platform/auth/principal.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { AppError, GrpcStatus, unauthenticated } from '../platform/errors.js';
import { apiKeyPermissions, effectivePermissions } from './effective-permissions.js';
import { PRINCIPAL_CACHE_SECONDS, PrincipalCache } from './principal-cache.js';
import { parseSecret } from './tokens.js';

/** A well-formed credential's claims and hash. */
type ParsedCredential = NonNullable<ReturnType<typeof parseSecret>> & { hashHex: string };

/**
 * Resolves bearer credentials — access tokens (`imsop_at_`) and API keys (`imsop_ak_`) — to
 * principals: cache first, then one tenant-scoped transaction. The database is the authority
 * (revoked, expired, deactivated — the user, or an API key's creator — and suspended all fail
 * there); the cache only saves the lookup for a few seconds and is invalidated by every change
 * that affects a principal.
 */
export class TokenAuthenticator implements Authenticator {
  readonly #principals: PrincipalCache;
  /**
   * Resolutions running now, by organization, generation and credential: when a principal's
   * cache entry lapses under load, the calls that miss together share one database lookup
   * instead of each making its own (a stampede every PRINCIPAL_CACHE_SECONDS). The generation in
   * the key keeps a lookup started before an invalidation from answering calls made after it.
   */
  readonly #resolving = new Map<string, Promise<Principal>>();
  /**
   * Parsed credentials (organization, kind, SHA-256 hash), so a caller's repeated calls do not
   * decode and hash the same credential each time (the hash was a measurable share of a cached
   * call). A pure function of the credential: nothing here says the credential is valid — the
   * principal cache and the database still decide that on every call. Entries lapse with the
   * principal cache, so a credential no longer used does not stay in memory.
   */
  readonly #parsed = new LRUCache<string, ParsedCredential>({ max: 10_000, ttl: PRINCIPAL_CACHE_SECONDS * 1000 });

  constructor(private readonly app: AppContext) {
    this.#principals = new PrincipalCache(app.cache, app.bus);
  }

  /**
   * @throws AppError UNAUTHENTICATED `INVALID_TOKEN` for a malformed, unknown, expired or revoked
   *   credential or an inactive user; PERMISSION_DENIED `ORGANIZATION_SUSPENDED` for a valid
   *   credential of a suspended organization.
   */
  async authenticate(credential: string): Promise<Principal> {
    const parsed = this.#parse(credential);
    if (!parsed) throw invalidToken();
    const { hashHex } = parsed;
    const { principal: cached, generation } = await this.#principals.lookup(parsed.organizationId, hashHex);
    if (cached) return cached;
    const key = `${parsed.organizationId}/${generation}/${hashHex}`;
    let pending = this.#resolving.get(key);
    if (!pending) {
      pending = this.#resolve(parsed, hashHex, generation).finally(() => this.#resolving.delete(key));
      this.#resolving.set(key, pending);
    }
    return pending;
  }

  #parse(credential: string): ParsedCredential | undefined {
    let parsed = this.#parsed.get(credential);
    if (!parsed) {
      const secret = parseSecret(credential);
      if (!secret) return undefined; // malformed ones are not kept: anyone can send any number of them
      parsed = { ...secret, hashHex: secret.hash.toString('hex') };
      this.#parsed.set(credential, parsed);
    }
    return parsed;
  }

  async #resolve(parsed: ParsedCredential, hashHex: string, generation: string): Promise<Principal> {
    const resolved = await this.app.db.inTenant({ organizationId: parsed.organizationId }, async (work) => {
      const organization = await work.tx
        .selectFrom('organizations')
        .select('status')
        .where('id', '=', parsed.organizationId)
        .executeTakeFirst();
      if (!organization) return undefined;
      const principal =
        parsed.kind === 'api_key'
          ? await resolveApiKey(work, parsed.hash, hashHex)
          : await resolveAccessToken(work, parsed.hash, hashHex);
      return principal && { principal, suspended: organization.status !== 'active' };
    });
    if (!resolved) throw invalidToken();
    // Checked after the credential itself, so only a holder of a valid credential learns it.
    if (resolved.suspended) {
      throw new AppError(GrpcStatus.PERMISSION_DENIED, 'ORGANIZATION_SUSPENDED', 'The organization is suspended.');
    }
    await this.#principals.store(resolved.principal, generation);
    return resolved.principal;
  }
}

async function resolveAccessToken(work: UnitOfWork, hash: Buffer, hashHex: string): Promise<Principal | undefined> {
  const { organizationId } = work.tenant;
  const row = await work.tx
    .selectFrom('access_tokens as t')
    .innerJoin('users as u', (j) =>
      j.onRef('u.organization_id', '=', 't.organization_id').onRef('u.id', '=', 't.user_id'),
    )
    .select(['t.user_id'])
    .where('t.organization_id', '=', organizationId)
    .where('t.token_hash', '=', hash)
    .where('t.revoked_at', 'is', null)
    .where('t.expires_at', '>', sql<Date>`now()`)
    .where('u.status', '=', 'active')
    .executeTakeFirst();
  if (!row) return undefined;
  const { roles, permissions } = await effectivePermissions(work, row.user_id);
  return { kind: 'user', organizationId, actorId: row.user_id, credentialHash: hashHex, roles, permissions };
}

async function resolveApiKey(work: UnitOfWork, hash: Buffer, hashHex: string): Promise<Principal | undefined> {
  const { organizationId } = work.tenant;
  const row = await work.tx
    .selectFrom('api_keys as k')
    .innerJoin('roles as r', (j) =>
      j.onRef('r.organization_id', '=', 'k.organization_id').onRef('r.id', '=', 'k.role_id'),
    )
    // The key's creator must still be active (keys made before creators were recorded have none).
    .leftJoin('users as u', (j) =>
      j.onRef('u.organization_id', '=', 'k.organization_id').onRef('u.id', '=', 'k.created_by'),
    )
    .select(['k.id', 'k.created_by', 'r.id as role_id', 'r.name as role'])
    .where('k.organization_id', '=', organizationId)
    .where('k.secret_hash', '=', hash)
    .where('k.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('k.expires_at', 'is', null), eb('k.expires_at', '>', sql<Date>`now()`)]))
    .where((eb) => eb.or([eb('k.created_by', 'is', null), eb('u.status', '=', 'active')]))
    .executeTakeFirst();
  if (!row) return undefined;
  const permissions = await apiKeyPermissions(work, row.role_id, row.created_by);
  return { kind: 'api_key', organizationId, actorId: row.id, credentialHash: hashHex, roles: [row.role], permissions };
}

/** The one answer for every credential that does not (or no longer) work. */
export const invalidToken = () =>
  unauthenticated('INVALID_TOKEN', 'The access token or API key is invalid, expired or revoked.');
