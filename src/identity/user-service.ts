import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  CreateUserRequest,
  CreateUserResponse,
  DeactivateUserRequest,
  DeactivateUserResponse,
  ReactivateUserRequest,
  ReactivateUserResponse,
  ResetUserPasswordRequest,
  ResetUserPasswordResponse,
  UpdateUserRequest,
  UpdateUserResponse,
  UserServiceService,
  type GetUserRequest,
  type GetUserResponse,
  type ListUsersRequest,
  type ListUsersResponse,
} from '../../gen/ts/imsop/identity/v1/user_service.js';
import { UserStatus } from '../../gen/ts/imsop/identity/v1/resources.js';
import type { AppContext } from '../platform/app-context.js';
import type { Principal } from '../platform/auth/principal.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import { alreadyExists, failedPrecondition } from '../platform/errors.js';
import { checkEtag } from '../platform/etag.js';
import { maskPaths } from '../platform/field-mask.js';
import { recordChange } from '../platform/change-feed/record-change.js';
import { created, domainEvent, updated } from '../platform/change-feed/resource-change.js';
import { mutation } from '../platform/mutation.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import { ensureAnotherAdmin, lockUserToChange } from './admin-guard.js';
import { USER, userJson } from './change-events.js';
import { USER_STATUS, userColumns } from './mappers.js';
import { checkNewPassword, type Passwords } from './passwords.js';
import type { PrincipalCache } from './principal-cache.js';
import { checkEmail, DISPLAY_NAME_MAX, normalizeEmail } from './rules.js';
import { scopeOf, type Caller } from './scope.js';
import { revokeUserSessions } from './sessions.js';
import { loadUser, toUsers } from './user-queries.js';

const UPDATABLE = ['email', 'display_name'] as const;
const emailTaken = () => alreadyExists('EMAIL_TAKEN', 'The organization already has a user with this email.');

/** Users of the caller's organization. Users are deactivated, never deleted. */
export class UserService {
  constructor(
    private readonly app: AppContext,
    private readonly passwords: Passwords,
    private readonly principals: PrincipalCache,
  ) {}

  /** @throws AppError INVALID_ARGUMENT for bad fields; ALREADY_EXISTS `EMAIL_TAKEN`. */
  async create(principal: Caller, request: CreateUserRequest): Promise<CreateUserResponse> {
    const v = checkEmail(new Violations(), 'email', request.email).requireText(
      'display_name',
      request.displayName,
      DISPLAY_NAME_MAX,
    );
    checkNewPassword(v, 'password', request.password).throwIfAny();
    // Hashed before the transaction: bcrypt must not hold a pooled connection.
    const passwordHash = await this.passwords.hash(request.password);
    try {
      return await mutation(
        this.app.db,
        scopeOf(principal),
        { path: UserServiceService.createUser.path, request: CreateUserRequest, response: CreateUserResponse },
        { ...request, password: '' },
        async (work) => {
          const row = await work.tx
            .insertInto('users')
            .values({
              organization_id: principal.organizationId,
              id: randomUUID(),
              email: normalizeEmail(request.email),
              display_name: request.displayName.trim(),
              password_hash: passwordHash,
            })
            .returning(userColumns)
            .executeTakeFirstOrThrow();
          const [user] = await toUsers(work, [row]);
          await recordChange(work, created(USER, userJson(user!)));
          return { user };
        },
      );
    } catch (error) {
      if (isUniqueViolation(error, 'users_organization_id_email_key')) throw emailTaken();
      throw error;
    }
  }

  /** @throws AppError INVALID_ARGUMENT (id); NOT_FOUND `USER_NOT_FOUND`. */
  async get(principal: Principal, request: GetUserRequest): Promise<GetUserResponse> {
    new Violations().uuid('id', request.id).throwIfAny();
    return this.app.db.inTenant(scopeOf(principal), async (work) => ({ user: await loadUser(work, request.id) }));
  }

  /** Oldest first, keyset-paginated on (created_at, id). */
  async list(principal: Principal, request: ListUsersRequest): Promise<ListUsersResponse> {
    const size = resolvePageSize(request.pageSize);
    const status =
      request.status === UserStatus.USER_STATUS_UNSPECIFIED ? undefined : USER_STATUS.fromProto(request.status);
    const v = new Violations();
    if (request.status !== UserStatus.USER_STATUS_UNSPECIFIED && !status) v.add('status', 'is not a known user status');
    v.maxChars('email', request.email, 320).throwIfAny();
    const email = request.email ? normalizeEmail(request.email) : undefined;
    const { organizationId } = principal;
    const binding = { organizationId, method: UserServiceService.listUsers.path, filter: { status, email } };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['timestamp', 'uuid']);
    return this.app.db.inTenant(scopeOf(principal), async (work) => {
      const rows = await work.tx
        .selectFrom('users')
        .select([...userColumns, sql<string>`created_at::text`.as('cursor_time')])
        .where('organization_id', '=', organizationId)
        .$if(status !== undefined, (q) => q.where('status', '=', status!))
        .$if(email !== undefined, (q) => q.where('email', '=', email!))
        .$if(after !== undefined, (q) =>
          q.where(sql<boolean>`(created_at, id) > (${after![0]}::timestamptz, ${after![1]}::uuid)`),
        )
        .orderBy('created_at')
        .orderBy('id')
        .limit(size + 1)
        .execute();
      const page = this.app.pageTokens.page(rows, size, binding, (r) => [r.cursor_time, r.id]);
      return { users: await toUsers(work, page.items), nextPageToken: page.nextPageToken };
    });
  }

  /**
   * @throws AppError INVALID_ARGUMENT for the mask or values; NOT_FOUND; PERMISSION_DENIED when
   *   the user holds a permission the caller lacks; ALREADY_EXISTS `EMAIL_TAKEN`; ABORTED
   *   `ETAG_MISMATCH`.
   */
  async update(principal: Caller, request: UpdateUserRequest): Promise<UpdateUserResponse> {
    const paths = maskPaths(request.updateMask, UPDATABLE);
    const given = request.user;
    const v = new Violations().uuid('user.id', given?.id);
    const changes: { email?: string; display_name?: string } = {};
    if (paths.has('email')) {
      checkEmail(v, 'user.email', given?.email);
      changes.email = normalizeEmail(given?.email ?? '');
    }
    if (paths.has('display_name')) {
      v.requireText('user.display_name', given?.displayName, DISPLAY_NAME_MAX);
      changes.display_name = given?.displayName.trim();
    }
    v.throwIfAny();
    const { organizationId } = principal;
    const id = given!.id;
    try {
      return await mutation(
        this.app.db,
        scopeOf(principal),
        { path: UserServiceService.updateUser.path, request: UpdateUserRequest, response: UpdateUserResponse },
        request,
        async (work) => {
          const current = await lockUserToChange(work, principal, id);
          checkEtag(given?.etag, current.version);
          const before = await loadUser(work, id);
          await work.tx
            .updateTable('users')
            .set({ ...changes, updated_at: sql`now()`, version: sql`version + 1` })
            .where('organization_id', '=', organizationId)
            .where('id', '=', id)
            .execute();
          // Nothing about access changed, but WhoAmI's cached answer carries the user's name and email.
          work.afterCommit(() => this.principals.invalidateOrganization(organizationId));
          const user = await loadUser(work, id);
          await recordChange(work, updated(USER, userJson(before), userJson(user)));
          return { user };
        },
      );
    } catch (error) {
      if (isUniqueViolation(error, 'users_organization_id_email_key')) throw emailTaken();
      throw error;
    }
  }

  /**
   * Sets the status; on deactivation every token of the user is revoked. A user already in
   * that status is returned unchanged (nothing is written, nothing audited).
   * @throws AppError NOT_FOUND; PERMISSION_DENIED when the user holds a permission the caller
   *   lacks; FAILED_PRECONDITION `CANNOT_DEACTIVATE_SELF` or `LAST_ADMIN`; ABORTED `ETAG_MISMATCH`.
   */
  async deactivate(principal: Caller, request: DeactivateUserRequest): Promise<DeactivateUserResponse> {
    new Violations().uuid('id', request.id).throwIfAny();
    if (principal.kind === 'user' && principal.actorId === request.id) {
      throw failedPrecondition('CANNOT_DEACTIVATE_SELF', 'You cannot deactivate yourself; ask another administrator.');
    }
    return mutation(
      this.app.db,
      scopeOf(principal),
      {
        path: UserServiceService.deactivateUser.path,
        request: DeactivateUserRequest,
        response: DeactivateUserResponse,
      },
      request,
      async (work) => {
        const changed = await this.#setStatus(
          work,
          principal,
          request.id,
          request.etag,
          'inactive',
          'user.deactivated',
        );
        if (changed) {
          await revokeUserSessions(work, request.id);
          work.afterCommit(() => this.principals.invalidateOrganization(principal.organizationId));
        }
        return { user: await loadUser(work, request.id) };
      },
    );
  }

  /**
   * @throws AppError NOT_FOUND; PERMISSION_DENIED when the user holds a permission the caller
   *   lacks; ABORTED `ETAG_MISMATCH`.
   */
  async reactivate(principal: Caller, request: ReactivateUserRequest): Promise<ReactivateUserResponse> {
    new Violations().uuid('id', request.id).throwIfAny();
    return mutation(
      this.app.db,
      scopeOf(principal),
      {
        path: UserServiceService.reactivateUser.path,
        request: ReactivateUserRequest,
        response: ReactivateUserResponse,
      },
      request,
      async (work) => {
        // No principal can exist for an inactive user, so there is nothing to invalidate.
        await this.#setStatus(work, principal, request.id, request.etag, 'active', 'user.reactivated');
        return { user: await loadUser(work, request.id) };
      },
    );
  }

  /**
   * Administrator's reset: new password, every token revoked.
   * @throws AppError INVALID_ARGUMENT; NOT_FOUND; PERMISSION_DENIED when the user holds a
   *   permission the caller lacks.
   */
  async resetPassword(principal: Caller, request: ResetUserPasswordRequest): Promise<ResetUserPasswordResponse> {
    const v = new Violations().uuid('id', request.id);
    checkNewPassword(v, 'new_password', request.newPassword).throwIfAny();
    const passwordHash = await this.passwords.hash(request.newPassword);
    const { organizationId } = principal;
    return mutation(
      this.app.db,
      scopeOf(principal),
      {
        path: UserServiceService.resetUserPassword.path,
        request: ResetUserPasswordRequest,
        response: ResetUserPasswordResponse,
      },
      { ...request, newPassword: '' },
      async (work) => {
        // Setting someone's password is signing in as them: only over users you outrank.
        await lockUserToChange(work, principal, request.id);
        await work.tx
          .updateTable('users')
          .set({
            password_hash: passwordHash,
            password_changed_at: sql`now()`,
            updated_at: sql`now()`,
            version: sql`version + 1`,
          })
          .where('organization_id', '=', organizationId)
          .where('id', '=', request.id)
          .execute();
        await revokeUserSessions(work, request.id);
        work.afterCommit(() => this.principals.invalidateOrganization(organizationId));
        // The event says the password changed, never what it is: the User message has no such field.
        await recordChange(work, domainEvent('user.password_reset', userJson(await loadUser(work, request.id))));
        return {};
      },
    );
  }

  /** @returns whether the status changed (and then records `eventType`). */
  async #setStatus(
    work: UnitOfWork,
    principal: Principal,
    id: string,
    etag: string,
    status: 'active' | 'inactive',
    eventType: 'user.deactivated' | 'user.reactivated',
  ): Promise<boolean> {
    const { organizationId } = principal;
    // Both ways: re-enabling someone another admin shut out is as much a change to them.
    const current = await lockUserToChange(work, principal, id);
    checkEtag(etag, current.version);
    if (current.status === status) return false;
    if (status === 'inactive') await ensureAnotherAdmin(work, id);
    const before = await loadUser(work, id);
    await work.tx
      .updateTable('users')
      .set({ status, updated_at: sql`now()`, version: sql`version + 1` })
      .where('organization_id', '=', organizationId)
      .where('id', '=', id)
      .execute();
    await recordChange(work, domainEvent(eventType, userJson(await loadUser(work, id)), userJson(before)));
    return true;
  }
}
