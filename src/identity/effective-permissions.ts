import type { UnitOfWork } from '../platform/db/unit-of-work.js';

/** Role names and the union of their permissions for one user, both sorted. */
export async function effectivePermissions(
  work: UnitOfWork,
  userId: string,
): Promise<{ roles: string[]; permissions: string[] }> {
  const { organizationId } = work.tenant;
  const rows = await work.tx
    .selectFrom('user_roles as ur')
    .innerJoin('roles as r', (j) =>
      j.onRef('r.organization_id', '=', 'ur.organization_id').onRef('r.id', '=', 'ur.role_id'),
    )
    .leftJoin('role_permissions as rp', (j) =>
      j.onRef('rp.organization_id', '=', 'r.organization_id').onRef('rp.role_id', '=', 'r.id'),
    )
    .select(['r.name as role', 'rp.permission_id as permission'])
    .where('ur.organization_id', '=', organizationId)
    .where('ur.user_id', '=', userId)
    .execute();
  const roles = new Set<string>();
  const permissions = new Set<string>();
  for (const row of rows) {
    roles.add(row.role);
    if (row.permission) permissions.add(row.permission);
  }
  return { roles: [...roles].sort(), permissions: [...permissions].sort() };
}

/** The permissions granted to one role, sorted. */
export async function rolePermissions(work: UnitOfWork, roleId: string): Promise<string[]> {
  const { organizationId } = work.tenant;
  const rows = await work.tx
    .selectFrom('role_permissions')
    .select('permission_id')
    .where('organization_id', '=', organizationId)
    .where('role_id', '=', roleId)
    .orderBy('permission_id')
    .execute();
  return rows.map((r) => r.permission_id);
}

/**
 * What an API key may do: its role's permissions, as far as the user who created it still holds
 * them (a key never does more than its creator could; keys without a recorded creator, made
 * before creators were recorded, act with their role alone). Sorted.
 */
export async function apiKeyPermissions(work: UnitOfWork, roleId: string, createdBy: string | null): Promise<string[]> {
  const granted = await rolePermissions(work, roleId);
  if (createdBy === null) return granted;
  const creator = new Set((await effectivePermissions(work, createdBy)).permissions);
  return granted.filter((p) => creator.has(p));
}
