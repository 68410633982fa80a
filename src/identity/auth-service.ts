import { sql } from 'kysely';
import type {
  ChangePasswordRequest,
  LoginRequest,
  LoginResponse,
  RefreshTokenResponse,
} from '../../gen/ts/imsop/identity/v1/auth_service.js';
import { WhoAmIResponse } from '../../gen/ts/imsop/identity/v1/auth_service.js';
import { recordChange } from '../platform/change-feed/record-change.js';
import { domainEvent } from '../platform/change-feed/resource-change.js';
import { recordEvent } from '../platform/outbox/record-event.js';
import type { AppContext } from '../platform/app-context.js';
import type { Principal } from '../platform/auth/principal.js';
import { caseInsensitiveKey } from '../platform/case-insensitive-key.js';
import { resolveOrganization } from '../platform/db/resolve-organization.js';
import { EncodedResponse } from '../platform/grpc/encoded-response.js';
import { failedPrecondition, invalidArgument, notFound, unauthenticated } from '../platform/errors.js';
import { Violations } from '../platform/validation.js';
import { invalidToken } from './authenticator.js';
import { userJson } from './change-events.js';
import { apiKeyPermissions, effectivePermissions } from './effective-permissions.js';
import type { LoginThrottle } from './login-throttle.js';
import { apiKeyColumns, organizationColumns, toApiKey, toOrganization } from './mappers.js';
import { organizationIdIn } from './organization-reference.js';
import { checkNewPassword, PASSWORD_MAX_BYTES, type Passwords } from './passwords.js';
import type { PrincipalCache } from './principal-cache.js';
import { normalizeEmail } from './rules.js';
import { scopeOf, type Caller } from './scope.js';
import { issueAccessToken, revokeAccessToken, revokeUserSessions } from './sessions.js';
import { loadUser } from './user-queries.js';

const invalidCredentials = () => unauthenticated('INVALID_CREDENTIALS', 'Invalid organization, email or password.');
const notAUserSession = () =>
  failedPrecondition(
    'NOT_A_USER_SESSION',
    'This method needs a signed-in user; API keys are managed with ApiKeyService.',
  );

/** Sign-in, refresh, sign-out, "who am I" and changing one's own password. */
export class AuthService {
  constructor(
    private readonly app: AppContext,
    private readonly passwords: Passwords,
    private readonly throttle: LoginThrottle,
    private readonly principals: PrincipalCache,
  ) {}

  /**
   * @param address the caller's source address, for per-address throttling and fair hashing.
   * @throws AppError INVALID_ARGUMENT for missing fields or an over-long password;
   *   RESOURCE_EXHAUSTED `LOGIN_THROTTLED` past the attempt limits, `TOO_MANY_CONCURRENT_LOGINS`
   *   past the address's share of password hashing; UNAUTHENTICATED
   *   `INVALID_CREDENTIALS` for an unknown organization, unknown or inactive email or wrong
   *   password alike (a dummy hash is checked when there is no user, so timing matches).
   */
  async login(request: LoginRequest, address: string | undefined): Promise<LoginResponse> {
    const v = new Violations()
      .requireText('organization', request.organization, 200)
      .requireText('email', request.email, 320);
    if (!request.password) v.add('password', 'is required');
    v.maxBytes('password', request.password, PASSWORD_MAX_BYTES).throwIfAny();
    const email = normalizeEmail(request.email);
    const ref = request.organization.trim();
    const givenId = organizationIdIn(ref);
    const organizationId = givenId
      ? await this.#activeOrganizationWithId(givenId)
      : await resolveOrganization(this.app.db, ref);
    // Keyed by the (resolved) id when there is one, so name and id spellings share one budget.
    const account = { organization: organizationId ?? givenId ?? caseInsensitiveKey(ref), email };
    const user = organizationId
      ? await this.app.db.inTenant({ organizationId }, (work) =>
          work.tx
            .selectFrom('users')
            .select(['id', 'password_hash'])
            .where('organization_id', '=', organizationId)
            .where('email', '=', email)
            .where('status', '=', 'active')
            .executeTakeFirst(),
        )
      : undefined;
    // Unknown organizations and users are checked against a dummy hash, through the same throttle
    // and the caller's same fair share of hashing: the answer and its timing reveal nothing.
    const ok = await this.throttle.check(account, address, () =>
      this.passwords.verify(request.password, user?.password_hash, address),
    );
    if (!ok || !user || !organizationId) throw invalidCredentials();

    return this.app.db.inTenant({ organizationId, userId: user.id }, async (work) => {
      const session = await issueAccessToken(work, user.id, this.app.config.ACCESS_TOKEN_TTL_SECONDS);
      await recordEvent(work, { type: 'identity.login', entityId: user.id });
      const org = await work.tx
        .selectFrom('organizations')
        .select(organizationColumns)
        .where('id', '=', organizationId)
        .executeTakeFirstOrThrow();
      return { ...session, user: await loadUser(work, user.id), organization: toOrganization(org) };
    });
  }

  /**
   * A UUID-like reference is only ever an id (never a name, see organization-reference.ts). Read
   * inside that tenant: row-level security shows at most the organization itself.
   */
  async #activeOrganizationWithId(id: string): Promise<string | undefined> {
    const row = await this.app.db.inTenant({ organizationId: id }, (work) =>
      work.tx
        .selectFrom('organizations')
        .select('id')
        .where('id', '=', id)
        .where('status', '=', 'active')
        .executeTakeFirst(),
    );
    return row?.id;
  }

  /** Revokes the caller's token and drops cached principals at once, on every instance. */
  async logout(principal: Principal): Promise<void> {
    if (principal.kind !== 'user') throw notAUserSession();
    await this.app.db.inTenant(scopeOf(principal), async (work) => {
      await revokeAccessToken(work, Buffer.from(principal.credentialHash, 'hex'));
      work.afterCommit(() => this.principals.invalidateOrganization(principal.organizationId));
    });
  }

  /**
   * Replaces the caller's token with a fresh one (full lifetime); the old one stops working. A
   * token is exchanged once: only the call that itself revoked it gets a new one, so concurrent
   * refreshes (or a replayed one) cannot fork a session.
   * @throws AppError UNAUTHENTICATED `INVALID_TOKEN` when the token was revoked meanwhile (by a
   *   concurrent refresh, say) though its principal was still cached.
   */
  async refreshToken(principal: Principal): Promise<RefreshTokenResponse> {
    if (principal.kind !== 'user') throw notAUserSession();
    return this.app.db.inTenant(scopeOf(principal), async (work) => {
      if (!(await revokeAccessToken(work, Buffer.from(principal.credentialHash, 'hex')))) throw invalidToken();
      work.afterCommit(() => this.principals.invalidateOrganization(principal.organizationId));
      return issueAccessToken(work, principal.actorId, this.app.config.ACCESS_TOKEN_TTL_SECONDS);
    });
  }

  /**
   * Changes the caller's password after checking the current one (throttled like Login), then
   * revokes all of the user's tokens.
   * @throws AppError INVALID_ARGUMENT for a bad new password or a wrong current one;
   *   RESOURCE_EXHAUSTED `LOGIN_THROTTLED` or `TOO_MANY_CONCURRENT_LOGINS`; FAILED_PRECONDITION `NOT_A_USER_SESSION` for API keys.
   */
  async changePassword(principal: Caller, request: ChangePasswordRequest, address: string | undefined): Promise<void> {
    if (principal.kind !== 'user') throw notAUserSession();
    const v = new Violations();
    if (!request.currentPassword) v.add('current_password', 'is required');
    v.maxBytes('current_password', request.currentPassword, PASSWORD_MAX_BYTES);
    checkNewPassword(v, 'new_password', request.newPassword).throwIfAny();

    const { organizationId, actorId } = principal;
    const user = await this.app.db.inTenant(scopeOf(principal), (work) =>
      work.tx
        .selectFrom('users')
        .select(['email', 'password_hash'])
        .where('organization_id', '=', organizationId)
        .where('id', '=', actorId)
        .executeTakeFirst(),
    );
    if (!user) throw notFound('user');
    const account = { organization: organizationId, email: user.email };
    if (
      !(await this.throttle.check(account, address, () =>
        this.passwords.verify(request.currentPassword, user.password_hash, address),
      ))
    ) {
      throw invalidArgument(
        [{ field: 'current_password', description: 'is not the current password' }],
        'The current password is wrong.',
      );
    }
    const hash = await this.passwords.hash(request.newPassword);
    await this.app.db.inTenant(scopeOf(principal), async (work) => {
      await work.tx
        .updateTable('users')
        .set({
          password_hash: hash,
          password_changed_at: sql`now()`,
          updated_at: sql`now()`,
          version: sql`version + 1`,
        })
        .where('organization_id', '=', organizationId)
        .where('id', '=', actorId)
        .execute();
      await revokeUserSessions(work, actorId);
      work.afterCommit(() => this.principals.invalidateOrganization(organizationId));
      // The event says the password changed, never what it is: the User message has no such field.
      await recordChange(work, domainEvent('user.password_changed', userJson(await loadUser(work, actorId))));
    });
  }

  /**
   * The caller (user or API key), organization, roles and effective permissions, encoded: read
   * from the database once, then served from the principal cache (principal-cache.ts) until any
   * change to the organization's principals, users or the organization itself invalidates it —
   * a role or permission change or a revocation shows at the very next call, as before.
   */
  async whoAmI(principal: Principal): Promise<EncodedResponse<WhoAmIResponse>> {
    const encoded = await this.principals.derived(principal, 'whoami', async () =>
      Buffer.from(WhoAmIResponse.encode(await this.#readWhoAmI(principal)).finish()).toString('base64'),
    );
    return new EncodedResponse(Buffer.from(encoded, 'base64'));
  }

  async #readWhoAmI(principal: Principal): Promise<WhoAmIResponse> {
    const { organizationId, actorId } = principal;
    return this.app.db.inTenant(scopeOf(principal), async (work) => {
      const org = await work.tx
        .selectFrom('organizations')
        .select(organizationColumns)
        .where('id', '=', organizationId)
        .executeTakeFirstOrThrow();
      if (principal.kind === 'api_key') {
        const key = await work.tx
          .selectFrom('api_keys as k')
          .innerJoin('roles as r', (j) =>
            j.onRef('r.organization_id', '=', 'k.organization_id').onRef('r.id', '=', 'k.role_id'),
          )
          .select([...apiKeyColumns.map((c) => `k.${c}` as const), 'r.name as role'])
          .where('k.organization_id', '=', organizationId)
          .where('k.id', '=', actorId)
          .executeTakeFirst();
        if (!key) throw notFound('api key');
        const permissions = await apiKeyPermissions(work, key.role_id!, key.created_by);
        return {
          user: undefined,
          apiKey: toApiKey(key),
          organization: toOrganization(org),
          roles: [key.role],
          permissions,
        };
      }
      const { roles, permissions } = await effectivePermissions(work, actorId);
      return {
        user: await loadUser(work, actorId),
        apiKey: undefined,
        organization: toOrganization(org),
        roles,
        permissions,
      };
    });
  }
}
