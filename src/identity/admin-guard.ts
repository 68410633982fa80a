import type { Principal } from '../platform/auth/principal.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { failedPrecondition } from '../platform/errors.js';
import { effectivePermissions } from './effective-permissions.js';
import type { UserRow } from './mappers.js';
import { requireHeld } from './rules.js';
import { findUser } from './user-queries.js';

/**
 * The one door to changing a user: every method that changes someone (email, display name,
 * status, password, roles) takes the user through here first. Acting on a user needs every
 * permission they hold, so that `identity.users:write` or `identity.roles:write` alone can
 * neither take over, lock out nor re-enable someone more privileged than the caller.
 *
 * The user's row is locked first, and their permissions read after the lock: two changes of one
 * user run one after the other (assigning them a role and resetting their password cannot
 * interleave so that the reset passes the check against their old permissions).
 * @throws AppError NOT_FOUND `USER_NOT_FOUND` (another organization's user too, before any
 *   permission is compared); PERMISSION_DENIED naming a permission of the user the caller lacks.
 */
export async function lockUserToChange(work: UnitOfWork, principal: Principal, userId: string): Promise<UserRow> {
  const row = await findUser(work, userId, true);
  requireHeld(principal, (await effectivePermissions(work, userId)).permissions);
  return row;
}

/**
 * Taking permissions away from a role (revoking some of them, deleting it) changes every user who
 * holds it, so it needs what changing each of them needs: every permission any holder has.
 * @throws AppError PERMISSION_DENIED naming a permission of a holder the caller lacks.
 */
export async function requireOutranksHoldersOf(work: UnitOfWork, principal: Principal, roleId: string): Promise<void> {
  const rows = await work.tx
    .selectFrom('user_roles as holder')
    .innerJoin('user_roles as ur', (j) =>
      j.onRef('ur.organization_id', '=', 'holder.organization_id').onRef('ur.user_id', '=', 'holder.user_id'),
    )
    .innerJoin('role_permissions as rp', (j) =>
      j.onRef('rp.organization_id', '=', 'ur.organization_id').onRef('rp.role_id', '=', 'ur.role_id'),
    )
    .select('rp.permission_id')
    .distinct()
    .where('holder.organization_id', '=', work.tenant.organizationId)
    .where('holder.role_id', '=', roleId)
    .orderBy('rp.permission_id')
    .execute();
  requireHeld(
    principal,
    rows.map((r) => r.permission_id),
  );
}

/**
 * An organization must keep at least one active user with the system admin role, or nobody
 * could manage it any more (only the platform operator could help). Called before a change
 * that takes admin away from `userId` (deactivation, unassigning admin); a no-op when the user
 * is not an active admin.
 *
 * The admin role's row is locked first, so two such changes run one after the other and cannot
 * each leave the other as the "remaining" admin.
 * @throws AppError FAILED_PRECONDITION `LAST_ADMIN` when `userId` is the only active admin.
 */
export async function ensureAnotherAdmin(work: UnitOfWork, userId: string): Promise<void> {
  const { organizationId } = work.tenant;
  const admin = await work.tx
    .selectFrom('roles')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('name', '=', 'admin')
    .where('is_system', '=', true)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!admin) return;
  const holders = await work.tx
    .selectFrom('user_roles as ur')
    .innerJoin('users as u', (j) =>
      j.onRef('u.organization_id', '=', 'ur.organization_id').onRef('u.id', '=', 'ur.user_id'),
    )
    .select('ur.user_id')
    .where('ur.organization_id', '=', organizationId)
    .where('ur.role_id', '=', admin.id)
    .where('u.status', '=', 'active')
    .execute();
  if (holders.length === 1 && holders[0]!.user_id === userId) {
    throw failedPrecondition(
      'LAST_ADMIN',
      'This is the last active administrator of the organization; make someone else admin first.',
    );
  }
}
