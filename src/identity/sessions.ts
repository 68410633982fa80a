import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { newAccessToken } from './tokens.js';

/** Signed-in sessions: access tokens, stored only as hashes. */

/** Stores a new access token for the user and returns it (the only time it exists in clear). */
export async function issueAccessToken(
  work: UnitOfWork,
  userId: string,
  ttlSeconds: number,
): Promise<{ accessToken: string; expireTime: Date }> {
  const { organizationId } = work.tenant;
  const { token, hash } = newAccessToken(organizationId);
  const expireTime = new Date(Date.now() + ttlSeconds * 1000);
  await work.tx
    .insertInto('access_tokens')
    .values({
      organization_id: organizationId,
      id: randomUUID(),
      user_id: userId,
      token_hash: hash,
      expires_at: expireTime,
    })
    .execute();
  return { accessToken: token, expireTime };
}

/**
 * Revokes one live token by hash. Conditional on the token being unrevoked and unexpired, so of
 * concurrent calls with one token exactly one revokes it (the others wait for its row lock, then
 * find it revoked).
 * @returns whether this call revoked it (false: it was already revoked, expired or unknown).
 */
export async function revokeAccessToken(work: UnitOfWork, tokenHash: Buffer): Promise<boolean> {
  const { organizationId } = work.tenant;
  const revoked = await work.tx
    .updateTable('access_tokens')
    .set({ revoked_at: sql`now()` })
    .where('organization_id', '=', organizationId)
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('id')
    .executeTakeFirst();
  return revoked !== undefined;
}

/**
 * Revokes every live token of a user (password change or reset, deactivation). The caller also
 * invalidates cached principals after commit.
 */
export async function revokeUserSessions(work: UnitOfWork, userId: string): Promise<void> {
  const { organizationId } = work.tenant;
  await work.tx
    .updateTable('access_tokens')
    .set({ revoked_at: sql`now()` })
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .execute();
}
