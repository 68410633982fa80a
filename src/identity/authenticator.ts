import { sql } from 'kysely';
import type { AppContext } from '../platform/app-context.js';
import type { Authenticator, Principal } from '../platform/auth/principal.js';
import { unauthenticated } from '../platform/errors.js';
import { effectivePermissions } from './effective-permissions.js';
import { parseAccessToken } from './tokens.js';

/**
 * How long a resolved principal may be served from cache. Revocations delete the entry at
 * once; the TTL bounds how long any change we did not invalidate explicitly can take to apply.
 */
export const PRINCIPAL_CACHE_SECONDS = 5;

export const principalCacheKey = (organizationId: string, credentialHash: string) =>
  `org:${organizationId}:principal:${credentialHash}`;

/** Resolves bearer access tokens to principals: cache first, then one tenant-scoped lookup. */
export class TokenAuthenticator implements Authenticator {
  constructor(private readonly app: AppContext) {}

  async authenticate(credential: string): Promise<Principal> {
    const parsed = parseAccessToken(credential);
    if (!parsed) throw invalidToken();
    const hashHex = parsed.hash.toString('hex');
    const key = principalCacheKey(parsed.organizationId, hashHex);
    const cached = await this.app.cache.get<Principal>(key);
    if (cached) return cached;

    const principal = await this.app.db.inTenant({ organizationId: parsed.organizationId }, async (tx) => {
      const row = await tx
        .selectFrom('access_tokens as t')
        .innerJoin('users as u', (j) => j.onRef('u.organization_id', '=', 't.organization_id').onRef('u.id', '=', 't.user_id'))
        .innerJoin('organizations as o', 'o.id', 't.organization_id')
        .select(['t.user_id'])
        .where('t.organization_id', '=', parsed.organizationId)
        .where('t.token_hash', '=', parsed.hash)
        .where('t.revoked_at', 'is', null)
        .where('t.expires_at', '>', sql<Date>`now()`)
        .where('u.status', '=', 'active')
        .where('o.status', '=', 'active')
        .executeTakeFirst();
      if (!row) return undefined;
      const { roles, permissions } = await effectivePermissions(tx, parsed.organizationId, row.user_id);
      return {
        kind: 'user',
        organizationId: parsed.organizationId,
        actorId: row.user_id,
        credentialHash: hashHex,
        roles,
        permissions,
      } satisfies Principal;
    });
    if (!principal) throw invalidToken();
    await this.app.cache.set(key, principal, PRINCIPAL_CACHE_SECONDS);
    return principal;
  }
}

const invalidToken = () => unauthenticated('INVALID_TOKEN', 'The access token is invalid, expired or revoked; log in again.');
