import { sql } from 'kysely';
import type { Database } from '../platform/db/database.js';
import { caseInsensitiveKey } from '../platform/case-insensitive-key.js';
import { notFound } from '../platform/errors.js';
import { Violations } from '../platform/validation.js';
import { recordChange } from '../platform/change-feed/record-change.js';
import { updated } from '../platform/change-feed/resource-change.js';
import { ORGANIZATION, organizationJson } from './change-events.js';
import { organizationColumns, toOrganization } from './mappers.js';
import { organizationIdIn } from './organization-reference.js';

export const SUBSCRIPTION_TIER_MAX = 50;

/**
 * Sets an organization's subscription tier. The tier is the platform operator's commercial
 * decision, so this is platform-level (`imsop org set-tier`): `ownerDb` must act as the owner
 * role. Tenants only read it (UpdateOrganization refuses it). Audited as the 'system' actor.
 *
 * @param organization the organization's id, or its name (case-insensitive); suspended ones too.
 * @throws AppError INVALID_ARGUMENT for an empty or over-long tier; NOT_FOUND
 *   `ORGANIZATION_NOT_FOUND`.
 */
export async function setSubscriptionTier(
  ownerDb: Database,
  organization: string,
  tier: string,
): Promise<{ organizationId: string; name: string; previousTier: string; tier: string }> {
  new Violations()
    .requireText('organization', organization, 200)
    .requireText('tier', tier, SUBSCRIPTION_TIER_MAX)
    .throwIfAny();
  const ref = organization.trim();
  const id = organizationIdIn(ref);
  // The owner role may read every organization (the policy resolve_organization relies on).
  const found = await ownerDb.withoutTenant((tx) =>
    tx
      .selectFrom('organizations')
      .select('id')
      .$if(id !== undefined, (q) => q.where('id', '=', id!))
      .$if(id === undefined, (q) => q.where('name_key', '=', caseInsensitiveKey(ref)))
      .executeTakeFirst(),
  );
  if (!found) throw notFound('organization');
  return ownerDb.inTenant({ organizationId: found.id, actorKind: 'system' }, async (work) => {
    const before = await work.tx
      .selectFrom('organizations')
      .select(organizationColumns)
      .where('id', '=', found.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const row = await work.tx
      .updateTable('organizations')
      .set({ subscription_tier: tier.trim(), updated_at: sql`now()`, version: sql`version + 1` })
      .where('id', '=', found.id)
      .returning(organizationColumns)
      .executeTakeFirstOrThrow();
    await recordChange(
      work,
      updated(ORGANIZATION, organizationJson(toOrganization(before)), organizationJson(toOrganization(row))),
    );
    return {
      organizationId: row.id,
      name: row.name,
      previousTier: before.subscription_tier,
      tier: row.subscription_tier,
    };
  });
}
