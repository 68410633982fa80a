import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { LoginRequest, LoginResponse, WhoAmIResponse } from '../../gen/ts/imsop/identity/v1/auth_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { Principal } from '../platform/auth/principal.js';
import { notFound, unauthenticated } from '../platform/errors.js';
import { Violations } from '../platform/validation.js';
import { principalCacheKey } from './authenticator.js';
import { effectivePermissions } from './effective-permissions.js';
import { organizationColumns, toOrganization, toUser, userColumns } from './mappers.js';
import { PASSWORD_MAX_BYTES, type Passwords } from './passwords.js';
import { newAccessToken } from './tokens.js';

const invalidCredentials = () => unauthenticated('INVALID_CREDENTIALS', 'Invalid organization, email or password.');

/** Sign-in, sign-out and "who am I". */
export class AuthService {
  constructor(
    private readonly app: AppContext,
    private readonly passwords: Passwords,
  ) {}

  /**
   * @throws AppError INVALID_ARGUMENT for missing fields or an over-long password;
   *   UNAUTHENTICATED `INVALID_CREDENTIALS` for an unknown organization, unknown email or wrong
   *   password alike (a dummy hash is checked when there is no user, so timing matches).
   */
  async login(request: LoginRequest): Promise<LoginResponse> {
    const v = new Violations().requireText('organization', request.organization, 200).requireText('email', request.email, 320);
    if (!request.password) v.add('password', 'is required');
    v.maxBytes('password', request.password, PASSWORD_MAX_BYTES).throwIfAny();
    const email = request.email.trim().toLowerCase();
    const organizationId = await this.app.db.withoutTenant(async (tx) => {
      const { rows } = await sql<{ id: string | null }>`SELECT resolve_organization(${request.organization.trim()}) AS id`.execute(tx);
      return rows[0]?.id ?? undefined;
    });
    const user = organizationId
      ? await this.app.db.inTenant({ organizationId }, (tx) =>
          tx
            .selectFrom('users')
            .select(['id', 'password_hash'])
            .where('organization_id', '=', organizationId)
            .where('email', '=', email)
            .where('status', '=', 'active')
            .executeTakeFirst(),
        )
      : undefined;
    const ok = await this.passwords.verify(request.password, user?.password_hash);
    if (!ok || !user || !organizationId) throw invalidCredentials();

    const { token, hash } = newAccessToken(organizationId);
    const expireTime = new Date(Date.now() + this.app.config.ACCESS_TOKEN_TTL_SECONDS * 1000);
    return this.app.db.inTenant({ organizationId, userId: user.id }, async (tx) => {
      await tx
        .insertInto('access_tokens')
        .values({ organization_id: organizationId, id: randomUUID(), user_id: user.id, token_hash: hash, expires_at: expireTime })
        .execute();
      const org = await tx.selectFrom('organizations').select(organizationColumns).where('id', '=', organizationId).executeTakeFirstOrThrow();
      const u = await tx.selectFrom('users').select(userColumns).where('organization_id', '=', organizationId).where('id', '=', user.id).executeTakeFirstOrThrow();
      return { accessToken: token, expireTime, user: toUser(u), organization: toOrganization(org) };
    });
  }

  /** Revokes the caller's token (idempotent) and drops its cached principal at once. */
  async logout(principal: Principal): Promise<void> {
    await this.app.db.inTenant({ organizationId: principal.organizationId, userId: principal.actorId }, (tx) =>
      tx
        .updateTable('access_tokens')
        .set({ revoked_at: sql`now()` })
        .where('organization_id', '=', principal.organizationId)
        .where('token_hash', '=', Buffer.from(principal.credentialHash, 'hex'))
        .where('revoked_at', 'is', null)
        .execute(),
    );
    await this.app.cache.delete(principalCacheKey(principal.organizationId, principal.credentialHash));
  }

  /** The caller's user, organization, roles and effective permissions, read fresh from the database. */
  async whoAmI(principal: Principal): Promise<WhoAmIResponse> {
    const { organizationId, actorId } = principal;
    return this.app.db.inTenant({ organizationId, userId: actorId }, async (tx) => {
      const org = await tx.selectFrom('organizations').select(organizationColumns).where('id', '=', organizationId).executeTakeFirst();
      const user = await tx.selectFrom('users').select(userColumns).where('organization_id', '=', organizationId).where('id', '=', actorId).executeTakeFirst();
      if (!org || !user) throw notFound('user');
      const { roles, permissions } = await effectivePermissions(tx, organizationId, actorId);
      return { user: toUser(user), organization: toOrganization(org), roles, permissions };
    });
  }
}
