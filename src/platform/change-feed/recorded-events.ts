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
 * began, or by this unit of work), positioned or not yet: an event another sweep committed a
 * moment ago may still wait for the sequencer, and must count. Two index reads: positioned
 * events by resource (change_events_resource_idx, partial on `position IS NOT NULL`, so the
 * query must say so to use it), and the few unpositioned ones (change_events_unpositioned_idx).
 */
export async function resourcesWithEvent(
  work: UnitOfWork,
  resourceType: string,
  eventType: string,
  resourceIds: readonly string[],
): Promise<Set<string>> {
  if (resourceIds.length === 0) return new Set();
  const matches = sql`e.organization_id = ${work.tenant.organizationId}::uuid AND e.resource_type = ${resourceType}
      AND e.resource_id = ANY(${[...resourceIds]}::text[]) AND e.event_type = ${eventType}`;
  const { rows } = await sql<{ resource_id: string }>`
    SELECT e.resource_id FROM change_events e WHERE e.position IS NOT NULL AND ${matches}
    UNION
    SELECT e.resource_id FROM change_events e WHERE e.position IS NULL AND ${matches}`.execute(work.tx);
  return new Set(rows.map((r) => r.resource_id));
}
