import { randomUUID } from 'node:crypto';
import type { Database } from '../platform/db/database.js';
import { alreadyExists } from '../platform/errors.js';
import { Violations } from '../platform/validation.js';
import { recordChanges } from '../platform/change-feed/record-change.js';
import { created } from '../platform/change-feed/resource-change.js';
import { ORGANIZATION, organizationJson, ROLE, roleJson, USER, userJson } from './change-events.js';
import { organizationColumns, roleColumns, toOrganization, toRole, toUser, userColumns } from './mappers.js';
import { checkOrganizationName } from './organization-reference.js';
import { SYSTEM_ROLES } from './permission-catalogue.js';
import { checkNewPassword, type Passwords } from './passwords.js';
import { checkEmail, DISPLAY_NAME_MAX, normalizeEmail, organizationName } from './rules.js';
import { SUBSCRIPTION_TIER_MAX } from './subscription-tier.js';

export interface NewOrganization {
  name: string;
  subscriptionTier?: string;
  admin: { email: string; displayName: string; password: string };
}

export interface CreatedOrganization {
  organizationId: string;
  adminUserId: string;
  roles: string[];
}

/**
 * Creates an organization with its system roles and a first admin user, in one transaction.
 * Platform-level: `ownerDb` must act as the owner role (the CLI), never the app role — a
 * tenant can neither create nor see another organization.
 *
 * @throws AppError INVALID_ARGUMENT for bad fields (a UUID-like name among them); ALREADY_EXISTS
 *   when the name is taken.
 */
export async function createOrganization(
  ownerDb: Database,
  passwords: Passwords,
  input: NewOrganization,
): Promise<CreatedOrganization> {
  const v = checkOrganizationName(new Violations(), 'name', input.name).requireText(
    'admin.display_name',
    input.admin.displayName,
    DISPLAY_NAME_MAX,
  );
  if (input.subscriptionTier !== undefined)
    v.requireText('subscription_tier', input.subscriptionTier, SUBSCRIPTION_TIER_MAX);
  checkEmail(v, 'admin.email', input.admin.email);
  checkNewPassword(v, 'admin.password', input.admin.password).throwIfAny();

  const organizationId = randomUUID();
  const adminUserId = randomUUID();
  const passwordHash = await passwords.hash(input.admin.password);
  try {
    // Platform work: audited as the 'system' actor (there is no signed-in user yet).
    await ownerDb.inTenant({ organizationId, actorKind: 'system' }, async (work) => {
      const organization = await work.tx
        .insertInto('organizations')
        .values({
          id: organizationId,
          ...organizationName(input.name),
          subscription_tier: input.subscriptionTier?.trim() ?? 'standard',
        })
        .returning(organizationColumns)
        .executeTakeFirstOrThrow();
      const changes = [created(ORGANIZATION, organizationJson(toOrganization(organization)))];
      const roleIds: Record<string, string> = {};
      for (const [name, role] of Object.entries(SYSTEM_ROLES)) {
        roleIds[name] = randomUUID();
        const roleRow = await work.tx
          .insertInto('roles')
          .values({
            organization_id: organizationId,
            id: roleIds[name]!,
            name,
            description: role.description,
            is_system: true,
          })
          .returning(roleColumns)
          .executeTakeFirstOrThrow();
        changes.push(created(ROLE, roleJson(toRole(roleRow, [...role.permissions].sort()))));
        await work.tx
          .insertInto('role_permissions')
          .values(
            role.permissions.map((permission_id) => ({
              organization_id: organizationId,
              role_id: roleIds[name]!,
              permission_id,
            })),
          )
          .execute();
      }
      const admin = await work.tx
        .insertInto('users')
        .values({
          organization_id: organizationId,
          id: adminUserId,
          email: normalizeEmail(input.admin.email),
          display_name: input.admin.displayName.trim(),
          password_hash: passwordHash,
        })
        .returning(userColumns)
        .executeTakeFirstOrThrow();
      await work.tx
        .insertInto('user_roles')
        .values({ organization_id: organizationId, user_id: adminUserId, role_id: roleIds.admin! })
        .execute();
      changes.push(created(USER, userJson(toUser(admin, [roleIds.admin!]))));
      // The organization's feed starts with its own creation, so a replay from the start shows
      // every resource there is.
      await recordChanges(work, changes);
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw alreadyExists('ORGANIZATION_NAME_TAKEN', `An organization named "${input.name.trim()}" already exists.`);
    }
    throw error;
  }
  return { organizationId, adminUserId, roles: Object.keys(SYSTEM_ROLES) };
}
