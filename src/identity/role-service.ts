import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  AssignUserRoleRequest,
  AssignUserRoleResponse,
  CreateRoleRequest,
  CreateRoleResponse,
  DeleteRoleRequest,
  DeleteRoleResponse,
  GrantRolePermissionsRequest,
  GrantRolePermissionsResponse,
  RevokeRolePermissionsRequest,
  RevokeRolePermissionsResponse,
  RoleServiceService,
  UnassignUserRoleRequest,
  UnassignUserRoleResponse,
  UpdateRoleRequest,
  UpdateRoleResponse,
  type GetRoleRequest,
  type GetRoleResponse,
  type ListPermissionsResponse,
  type ListRolesRequest,
  type ListRolesResponse,
} from '../../gen/ts/imsop/identity/v1/role_service.js';
import type { Role, User } from '../../gen/ts/imsop/identity/v1/resources.js';
import type { AppContext } from '../platform/app-context.js';
import type { Principal } from '../platform/auth/principal.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import { alreadyExists, failedPrecondition, notFound } from '../platform/errors.js';
import { checkEtag } from '../platform/etag.js';
import { maskPaths } from '../platform/field-mask.js';
import { recordChange, recordChanges } from '../platform/change-feed/record-change.js';
import { created, deleted, updated } from '../platform/change-feed/resource-change.js';
import { mutation } from '../platform/mutation.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import { ensureAnotherAdmin, lockUserToChange, requireOutranksHoldersOf } from './admin-guard.js';
import { rolePermissions } from './effective-permissions.js';
import { ROLE, roleJson, USER, userJson } from './change-events.js';
import { roleColumns, toRole, userColumns, type RoleRow, type UserRow } from './mappers.js';
import type { PrincipalCache } from './principal-cache.js';
import { checkPermissions, checkRoleName, requireHeld, ROLE_DESCRIPTION_MAX } from './rules.js';
import { scopeOf, type Caller } from './scope.js';
import { loadUser, toUsers } from './user-queries.js';

const UPDATABLE = ['name', 'description'] as const;
const nameTaken = () => alreadyExists('ROLE_NAME_TAKEN', 'The organization already has a role with this name.');
const systemRole = () =>
  failedPrecondition(
    'SYSTEM_ROLE_IMMUTABLE',
    'System roles cannot be renamed, changed or deleted; create a custom role instead.',
  );

/**
 * Roles, their permissions and their holders. Every change that can alter what an existing
 * credential may do invalidates the organization's cached principals after commit.
 */
export class RoleService {
  constructor(
    private readonly app: AppContext,
    private readonly principals: PrincipalCache,
  ) {}

  async listPermissions(principal: Principal): Promise<ListPermissionsResponse> {
    const rows = await this.app.db.inTenant(scopeOf(principal), (work) =>
      work.tx.selectFrom('permissions').select(['id', 'description']).orderBy('id').execute(),
    );
    return { permissions: rows.map((r) => ({ name: r.id, description: r.description })) };
  }

  /** @throws AppError INVALID_ARGUMENT; ALREADY_EXISTS `ROLE_NAME_TAKEN`; PERMISSION_DENIED for a permission the caller lacks. */
  async create(principal: Caller, request: CreateRoleRequest): Promise<CreateRoleResponse> {
    const v = checkRoleName(new Violations(), 'name', request.name).maxChars(
      'description',
      request.description,
      ROLE_DESCRIPTION_MAX,
    );
    const permissions = checkPermissions(v, 'permissions', request.permissions, false);
    v.throwIfAny();
    requireHeld(principal, permissions);
    const { organizationId } = principal;
    try {
      return await mutation(
        this.app.db,
        scopeOf(principal),
        { path: RoleServiceService.createRole.path, request: CreateRoleRequest, response: CreateRoleResponse },
        request,
        async (work) => {
          const row = await work.tx
            .insertInto('roles')
            .values({
              organization_id: organizationId,
              id: randomUUID(),
              name: request.name,
              description: request.description.trim(),
            })
            .returning(roleColumns)
            .executeTakeFirstOrThrow();
          if (permissions.length > 0) {
            await work.tx
              .insertInto('role_permissions')
              .values(
                permissions.map((permission_id) => ({
                  organization_id: organizationId,
                  role_id: row.id,
                  permission_id,
                })),
              )
              .execute();
          }
          const role = toRole(row, permissions);
          await recordChange(work, created(ROLE, roleJson(role)));
          return { role };
        },
      );
    } catch (error) {
      if (isUniqueViolation(error, 'roles_organization_id_name_key')) throw nameTaken();
      throw error;
    }
  }

  /** @throws AppError INVALID_ARGUMENT (id); NOT_FOUND `ROLE_NOT_FOUND`. */
  async get(principal: Principal, request: GetRoleRequest): Promise<GetRoleResponse> {
    new Violations().uuid('id', request.id).throwIfAny();
    return this.app.db.inTenant(scopeOf(principal), async (work) => ({ role: await loadRole(work, request.id) }));
  }

  /** Oldest first, keyset-paginated on (created_at, id), each role with its permissions. */
  async list(principal: Principal, request: ListRolesRequest): Promise<ListRolesResponse> {
    const size = resolvePageSize(request.pageSize);
    const { organizationId } = principal;
    const binding = { organizationId, method: RoleServiceService.listRoles.path, filter: {} };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['timestamp', 'uuid']);
    return this.app.db.inTenant(scopeOf(principal), async (work) => {
      const rows = await work.tx
        .selectFrom('roles')
        .select([...roleColumns, sql<string>`created_at::text`.as('cursor_time')])
        .where('organization_id', '=', organizationId)
        .$if(after !== undefined, (q) =>
          q.where(sql<boolean>`(created_at, id) > (${after![0]}::timestamptz, ${after![1]}::uuid)`),
        )
        .orderBy('created_at')
        .orderBy('id')
        .limit(size + 1)
        .execute();
      const page = this.app.pageTokens.page(rows, size, binding, (r) => [r.cursor_time, r.id]);
      const grants = page.items.length
        ? await work.tx
            .selectFrom('role_permissions')
            .select(['role_id', 'permission_id'])
            .where('organization_id', '=', organizationId)
            .where(
              'role_id',
              'in',
              page.items.map((r) => r.id),
            )
            .orderBy('permission_id')
            .execute()
        : [];
      const roles = page.items.map((r) =>
        toRole(
          r,
          grants.filter((g) => g.role_id === r.id).map((g) => g.permission_id),
        ),
      );
      return { roles, nextPageToken: page.nextPageToken };
    });
  }

  /**
   * @throws AppError INVALID_ARGUMENT; NOT_FOUND; ALREADY_EXISTS `ROLE_NAME_TAKEN`;
   *   FAILED_PRECONDITION `SYSTEM_ROLE_IMMUTABLE`; ABORTED `ETAG_MISMATCH`.
   */
  async update(principal: Caller, request: UpdateRoleRequest): Promise<UpdateRoleResponse> {
    const paths = maskPaths(request.updateMask, UPDATABLE);
    const given = request.role;
    const v = new Violations().uuid('role.id', given?.id);
    const changes: { name?: string; description?: string } = {};
    if (paths.has('name')) {
      checkRoleName(v, 'role.name', given?.name);
      changes.name = given?.name;
    }
    if (paths.has('description')) {
      v.maxChars('role.description', given?.description, ROLE_DESCRIPTION_MAX);
      changes.description = (given?.description ?? '').trim();
    }
    v.throwIfAny();
    const { organizationId } = principal;
    const id = given!.id;
    try {
      return await mutation(
        this.app.db,
        scopeOf(principal),
        { path: RoleServiceService.updateRole.path, request: UpdateRoleRequest, response: UpdateRoleResponse },
        request,
        async (work) => {
          const current = await findCustomRole(work, id);
          checkEtag(given?.etag, current.version);
          const before = await loadRole(work, id);
          await work.tx
            .updateTable('roles')
            .set({ ...changes, updated_at: sql`now()`, version: sql`version + 1` })
            .where('organization_id', '=', organizationId)
            .where('id', '=', id)
            .execute();
          // Principals carry role names.
          if (changes.name !== undefined && changes.name !== current.name)
            work.afterCommit(() => this.principals.invalidateOrganization(organizationId));
          const role = await loadRole(work, id);
          await recordChange(work, updated(ROLE, roleJson(before), roleJson(role)));
          return { role };
        },
      );
    } catch (error) {
      if (isUniqueViolation(error, 'roles_organization_id_name_key')) throw nameTaken();
      throw error;
    }
  }

  /**
   * Deletes a custom role (its grants and assignments go with it).
   * @throws AppError NOT_FOUND; PERMISSION_DENIED for a permission of the role, or of one of its
   *   holders, the caller lacks; FAILED_PRECONDITION `SYSTEM_ROLE_IMMUTABLE` or `ROLE_IN_USE` (unrevoked API keys);
   *   ABORTED `ETAG_MISMATCH`.
   */
  async delete(principal: Caller, request: DeleteRoleRequest): Promise<DeleteRoleResponse> {
    new Violations().uuid('id', request.id).throwIfAny();
    const { organizationId } = principal;
    return mutation(
      this.app.db,
      scopeOf(principal),
      { path: RoleServiceService.deleteRole.path, request: DeleteRoleRequest, response: DeleteRoleResponse },
      request,
      async (work) => {
        const current = await findCustomRole(work, request.id);
        checkEtag(request.etag, current.version);
        // Deleting takes the role from all its holders: only who could give it, and who
        // outranks each holder, may do that.
        requireHeld(principal, await rolePermissions(work, request.id));
        await requireOutranksHoldersOf(work, principal, request.id);
        const key = await work.tx
          .selectFrom('api_keys')
          .select('id')
          .where('organization_id', '=', organizationId)
          .where('role_id', '=', request.id)
          .where('revoked_at', 'is', null)
          .limit(1)
          .executeTakeFirst();
        if (key)
          throw failedPrecondition('ROLE_IN_USE', 'API keys that are not revoked use this role; revoke them first.');
        const holders = await holdersOf(work, request.id);
        await work.tx
          .deleteFrom('roles')
          .where('organization_id', '=', organizationId)
          .where('id', '=', request.id)
          .execute();
        work.afterCommit(() => this.principals.invalidateOrganization(organizationId));
        // The role leaves its holders with it: each of them changed too (role_ids).
        const after = await toUsers(
          work,
          await usersById(
            work,
            holders.map((u) => u.id),
          ),
        );
        await recordChanges(work, [
          deleted(ROLE, request.id),
          ...after.map((user, i) => updated(USER, userJson(holders[i]!), userJson(user))),
        ]);
        return {};
      },
    );
  }

  /** @throws AppError INVALID_ARGUMENT; NOT_FOUND; FAILED_PRECONDITION `SYSTEM_ROLE_IMMUTABLE`; PERMISSION_DENIED. */
  async grant(principal: Caller, request: GrantRolePermissionsRequest): Promise<GrantRolePermissionsResponse> {
    const v = new Violations().uuid('role_id', request.roleId);
    const permissions = checkPermissions(v, 'permissions', request.permissions, true);
    v.throwIfAny();
    requireHeld(principal, permissions);
    const { organizationId } = principal;
    return mutation(
      this.app.db,
      scopeOf(principal),
      {
        path: RoleServiceService.grantRolePermissions.path,
        request: GrantRolePermissionsRequest,
        response: GrantRolePermissionsResponse,
      },
      request,
      async (work) => {
        await findCustomRole(work, request.roleId);
        const before = await loadRole(work, request.roleId);
        const added = await work.tx
          .insertInto('role_permissions')
          .values(
            permissions.map((permission_id) => ({
              organization_id: organizationId,
              role_id: request.roleId,
              permission_id,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .returning('permission_id')
          .execute();
        const role = await loadRole(work, request.roleId);
        if (added.length > 0) {
          work.afterCommit(() => this.principals.invalidateOrganization(organizationId));
          await recordChange(work, updated(ROLE, roleJson(before), roleJson(role)));
        }
        return { role };
      },
    );
  }

  /**
   * @throws AppError INVALID_ARGUMENT; NOT_FOUND; FAILED_PRECONDITION `SYSTEM_ROLE_IMMUTABLE`;
   *   PERMISSION_DENIED for a permission named, or of a holder of the role, the caller lacks.
   */
  async revoke(principal: Caller, request: RevokeRolePermissionsRequest): Promise<RevokeRolePermissionsResponse> {
    const v = new Violations().uuid('role_id', request.roleId);
    const permissions = checkPermissions(v, 'permissions', request.permissions, true);
    v.throwIfAny();
    requireHeld(principal, permissions);
    const { organizationId } = principal;
    return mutation(
      this.app.db,
      scopeOf(principal),
      {
        path: RoleServiceService.revokeRolePermissions.path,
        request: RevokeRolePermissionsRequest,
        response: RevokeRolePermissionsResponse,
      },
      request,
      async (work) => {
        await findCustomRole(work, request.roleId);
        await requireOutranksHoldersOf(work, principal, request.roleId);
        const before = await loadRole(work, request.roleId);
        const removed = await work.tx
          .deleteFrom('role_permissions')
          .where('organization_id', '=', organizationId)
          .where('role_id', '=', request.roleId)
          .where('permission_id', 'in', permissions)
          .returning('permission_id')
          .execute();
        const role = await loadRole(work, request.roleId);
        if (removed.length > 0) {
          work.afterCommit(() => this.principals.invalidateOrganization(organizationId));
          await recordChange(work, updated(ROLE, roleJson(before), roleJson(role)));
        }
        return { role };
      },
    );
  }

  /**
   * @throws AppError INVALID_ARGUMENT; NOT_FOUND (user or role); PERMISSION_DENIED for a
   *   permission of the user or of the role the caller lacks.
   */
  async assign(principal: Caller, request: AssignUserRoleRequest): Promise<AssignUserRoleResponse> {
    new Violations().uuid('user_id', request.userId).uuid('role_id', request.roleId).throwIfAny();
    const { organizationId } = principal;
    return mutation(
      this.app.db,
      scopeOf(principal),
      {
        path: RoleServiceService.assignUserRole.path,
        request: AssignUserRoleRequest,
        response: AssignUserRoleResponse,
      },
      request,
      async (work) => {
        await lockUserToChange(work, principal, request.userId);
        const role = await loadRole(work, request.roleId);
        requireHeld(principal, role.permissions);
        const before = await loadUser(work, request.userId);
        const added = await work.tx
          .insertInto('user_roles')
          .values({ organization_id: organizationId, user_id: request.userId, role_id: request.roleId })
          .onConflict((oc) => oc.doNothing())
          .returning('role_id')
          .execute();
        const user = await loadUser(work, request.userId);
        if (added.length > 0) {
          work.afterCommit(() => this.principals.invalidateOrganization(organizationId));
          await recordChange(work, updated(USER, userJson(before), userJson(user)));
        }
        return { user };
      },
    );
  }

  /**
   * @throws AppError INVALID_ARGUMENT; NOT_FOUND (user or role); PERMISSION_DENIED for a
   *   permission of the user or of the role the caller lacks; FAILED_PRECONDITION `LAST_ADMIN`.
   */
  async unassign(principal: Caller, request: UnassignUserRoleRequest): Promise<UnassignUserRoleResponse> {
    new Violations().uuid('user_id', request.userId).uuid('role_id', request.roleId).throwIfAny();
    const { organizationId } = principal;
    return mutation(
      this.app.db,
      scopeOf(principal),
      {
        path: RoleServiceService.unassignUserRole.path,
        request: UnassignUserRoleRequest,
        response: UnassignUserRoleResponse,
      },
      request,
      async (work) => {
        await lockUserToChange(work, principal, request.userId);
        const role = await loadRole(work, request.roleId);
        // Symmetric with assigning: only who could give the role may take it away.
        requireHeld(principal, role.permissions);
        if (role.system && role.name === 'admin') await ensureAnotherAdmin(work, request.userId);
        const before = await loadUser(work, request.userId);
        const removed = await work.tx
          .deleteFrom('user_roles')
          .where('organization_id', '=', organizationId)
          .where('user_id', '=', request.userId)
          .where('role_id', '=', request.roleId)
          .returning('role_id')
          .execute();
        const user = await loadUser(work, request.userId);
        if (removed.length > 0) {
          work.afterCommit(() => this.principals.invalidateOrganization(organizationId));
          await recordChange(work, updated(USER, userJson(before), userJson(user)));
        }
        return { user };
      },
    );
  }
}

/** @throws AppError NOT_FOUND `ROLE_NOT_FOUND` (also for another organization's role). */
export async function findRole(work: UnitOfWork, id: string, lock = false): Promise<RoleRow> {
  const { organizationId } = work.tenant;
  const row = await work.tx
    .selectFrom('roles')
    .select(roleColumns)
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .$if(lock, (q) => q.forNoKeyUpdate())
    .executeTakeFirst();
  if (!row) throw notFound('role');
  return row;
}

/** A role locked for a change. @throws AppError NOT_FOUND; FAILED_PRECONDITION `SYSTEM_ROLE_IMMUTABLE`. */
async function findCustomRole(work: UnitOfWork, id: string): Promise<RoleRow> {
  const row = await findRole(work, id, true);
  if (row.is_system) throw systemRole();
  return row;
}

/** The users holding a role, as messages, in id order. */
async function holdersOf(work: UnitOfWork, roleId: string): Promise<User[]> {
  const held = await work.tx
    .selectFrom('user_roles')
    .select('user_id')
    .where('organization_id', '=', work.tenant.organizationId)
    .where('role_id', '=', roleId)
    .execute();
  return toUsers(
    work,
    await usersById(
      work,
      held.map((h) => h.user_id),
    ),
  );
}

/** User rows by id, in id order. */
function usersById(work: UnitOfWork, ids: string[]): Promise<UserRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return work.tx
    .selectFrom('users')
    .select(userColumns)
    .where('organization_id', '=', work.tenant.organizationId)
    .where('id', 'in', ids)
    .orderBy('id')
    .execute();
}

/** @throws AppError NOT_FOUND `ROLE_NOT_FOUND`. */
export async function loadRole(work: UnitOfWork, id: string): Promise<Role> {
  const row = await findRole(work, id);
  return toRole(row, await rolePermissions(work, id));
}
