import { sql, type RawBuilder } from 'kysely';
import type { UnitOfWork } from '../db/unit-of-work.js';

/**
 * Whether an event was already recorded for a resource: what a threshold event recorded "once per
 * resource" (purchase_order.late, shipment.delayed) asks before recording, so no domain needs a
 * column of its own to remember it. The answer holds while the event is retained (the change
 * feed's retention window); sweeps therefore only look at resources that crossed their
 * threshold more recently than that.
 */

/**
 * A condition to embed in a domain's own query over its rows: true when no `eventType` event is
 * recorded for the resource whose id is `resourceId` (a column reference, e.g. sql.ref('po.id')).
 * It reads in the statement's snapshot: recheck with {@link resourcesWithEvent} once the rows are
 * locked, since an event committed meanwhile is invisible to it.
 */
export function noEventRecorded(
  work: UnitOfWork,
  resourceType: string,
  eventType: string,
  resourceId: RawBuilder<unknown>,
): RawBuilder<boolean> {
  return sql<boolean>`NOT EXISTS (
    SELECT 1 FROM change_events e
    WHERE e.organization_id = ${work.tenant.organizationId}::uuid AND e.resource_type = ${resourceType}
      AND e.resource_id = (${resourceId})::text AND e.event_type = ${eventType})`;
}

/** Of `resourceIds`, those with an `eventType` event recorded (committed before this statement began). */
export async function resourcesWithEvent(
  work: UnitOfWork,
  resourceType: string,
  eventType: string,
  resourceIds: readonly string[],
): Promise<Set<string>> {
  if (resourceIds.length === 0) return new Set();
  const { rows } = await sql<{ resource_id: string }>`
    SELECT DISTINCT e.resource_id FROM change_events e
    WHERE e.organization_id = ${work.tenant.organizationId}::uuid AND e.resource_type = ${resourceType}
      AND e.resource_id = ANY(${[...resourceIds]}::text[]) AND e.event_type = ${eventType}`.execute(work.tx);
  return new Set(rows.map((r) => r.resource_id));
}
