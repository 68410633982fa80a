import type { User } from '../../gen/ts/imsop/identity/v1/resources.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { notFound } from '../platform/errors.js';
import { toUser, userColumns, type UserRow } from './mappers.js';

/** Role ids per user, sorted, for the given users (one query for a whole page). */
export async function roleIdsOf(work: UnitOfWork, userIds: string[]): Promise<Map<string, string[]>> {
  const { organizationId } = work.tenant;
  const result = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return result;
  const rows = await work.tx
    .selectFrom('user_roles')
    .select(['user_id', 'role_id'])
    .where('organization_id', '=', organizationId)
    .where('user_id', 'in', userIds)
    .orderBy('user_id')
    .orderBy('role_id')
    .execute();
  for (const r of rows) result.get(r.user_id)?.push(r.role_id);
  return result;
}

/** Users as messages, with their role ids. */
export async function toUsers(work: UnitOfWork, rows: UserRow[]): Promise<User[]> {
  const roles = await roleIdsOf(
    work,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toUser(r, roles.get(r.id) ?? []));
}

/**
 * One user row, optionally locked for the rest of the transaction (before a read-check-write;
 * FOR NO KEY UPDATE, so foreign-key checks of concurrent role assignments are not blocked).
 * @throws AppError NOT_FOUND `USER_NOT_FOUND` (also for another organization's user: RLS and
 *   the explicit filter make both look the same).
 */
export async function findUser(work: UnitOfWork, id: string, lock = false): Promise<UserRow> {
  const { organizationId } = work.tenant;
  const row = await work.tx
    .selectFrom('users')
    .select(userColumns)
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .$if(lock, (q) => q.forNoKeyUpdate())
    .executeTakeFirst();
  if (!row) throw notFound('user');
  return row;
}

/** A user as a message, read fresh. @throws AppError NOT_FOUND `USER_NOT_FOUND`. */
export async function loadUser(work: UnitOfWork, id: string): Promise<User> {
  const [user] = await toUsers(work, [await findUser(work, id)]);
  return user!;
}
