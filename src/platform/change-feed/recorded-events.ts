import { sql } from 'kysely';
import type { UnitOfWork } from '../db/unit-of-work.js';

/**
 * Whether an event was already recorded for a resource: what a threshold event recorded "once per
 * resource" (purchase_order.late, shipment.delayed) asks before recording, so no domain needs a
 * column of its own to remember it. The answer holds while the event is retained (the change
 * feed's retention window); sweeps therefore only look at resources that crossed their
 * threshold more recently than that.
 */

/**
 * Of `resourceIds`, those with an `eventType` event recorded (committed before this statement
 * began, or by this unit of work). One read of the organization's retained events per call
 * (change_events has no index by resource): ask for a batch of candidates at once.
 */
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
