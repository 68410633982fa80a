import type { Tx } from '../platform/db/database.js';
import { failedPrecondition } from '../platform/errors.js';

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
export async function ensureAnotherAdmin(tx: Tx, organizationId: string, userId: string): Promise<void> {
  const admin = await tx
    .selectFrom('roles')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('name', '=', 'admin')
    .where('is_system', '=', true)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!admin) return;
  const holders = await tx
    .selectFrom('user_roles as ur')
    .innerJoin('users as u', (j) => j.onRef('u.organization_id', '=', 'ur.organization_id').onRef('u.id', '=', 'ur.user_id'))
    .select('ur.user_id')
    .where('ur.organization_id', '=', organizationId)
    .where('ur.role_id', '=', admin.id)
    .where('u.status', '=', 'active')
    .execute();
  if (holders.length === 1 && holders[0]!.user_id === userId) {
    throw failedPrecondition('LAST_ADMIN', 'This is the last active administrator of the organization; make someone else admin first.');
  }
}
