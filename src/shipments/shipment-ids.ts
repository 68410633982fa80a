import type { UnitOfWork } from '../platform/db/unit-of-work.js';

/**
 * Which of the given ids are shipments of the unit of work's organization (inventory's lot
 * traces ask: a shipment moves stock under its own id as the ledger's transfer id).
 */
export async function shipmentIdsAmong(work: UnitOfWork, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await work.tx
    .selectFrom('shipments')
    .select('id')
    .where('organization_id', '=', work.tenant.organizationId)
    .where('id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => r.id));
}
