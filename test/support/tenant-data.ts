import type { ImsopClient } from '../../src/sdk/index.js';

/**
 * Gives an organization a little of everything through the public API (users, roles, API keys,
 * and each domain's resources), so isolation checks have real rows to look for. Each domain adds
 * its part here.
 */
export async function seedTenantData(imsop: ImsopClient, tag: string): Promise<void> {
  const user = await imsop.users.createUser({ email: `member-${tag}@${tag}.tenant.test`, displayName: `Member ${tag}`, password: 'member-password-1' });
  const role = await imsop.roles.createRole({ name: `auditors-${tag}`, description: `Auditors of ${tag}`, permissions: ['identity.audit:read'] });
  await imsop.roles.assignUserRole({ userId: user.user!.id, roleId: role.role!.id });
  await imsop.apiKeys.createApiKey({ name: `key-${tag}`, roleId: role.role!.id });
}
