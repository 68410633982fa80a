import pg from 'pg';
import { OWNER_ROLE } from '../src/platform/db/migrate.js';

export interface BenchShipment {
  id: string;
  /** created_at as PostgreSQL text: the partition key of the shipment's tracking points. */
  createdAt: string;
}

/**
 * Creates `count` fresh pending inbound shipments for the streaming scenarios (fresh, so their
 * histories start at sequence 0 and a run's points can be counted exactly), as the owner role
 * in the tenant, like the data generator.
 */
export async function createBenchShipments(
  adminUrl: string,
  organizationId: string,
  count: number,
  label: string,
): Promise<BenchShipment[]> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('BEGIN');
    await admin.query(`SET LOCAL ROLE ${OWNER_ROLE}`);
    await admin.query(`SELECT set_config('app.org_id', $1, true), set_config('app.actor_kind', 'system', true)`, [
      organizationId,
    ]);
    const { rows } = await admin.query<{ id: string; created_at: string }>(
      `INSERT INTO shipments (organization_id, type, carrier, carrier_key, tracking_number, destination_warehouse_id)
       SELECT $1, 'inbound', 'BENCH', 'bench', $2 || '-' || lpad(n::text, 5, '0'),
              (SELECT id FROM warehouses WHERE organization_id = $1 ORDER BY code LIMIT 1)
       FROM generate_series(1, $3::int) n
       RETURNING id, created_at::text AS created_at`,
      [organizationId, label, count],
    );
    await admin.query('COMMIT');
    return rows.map((r) => ({ id: r.id, createdAt: r.created_at })).sort((a, b) => a.id.localeCompare(b.id));
  } catch (error) {
    await admin.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await admin.end();
  }
}

/** What the database holds for these shipments: no loss, no duplicates, sequences 1..n without gaps. */
export interface StoredHistory {
  rows: number;
  distinctUpdateIds: number;
  /** Shipments whose points are not exactly sequences 1..last_sequence. */
  gappedShipments: number;
  /** Average points per transaction (points of one transaction share recorded_at = now()). */
  rowsPerTransaction: number;
}

export async function storedHistory(
  adminUrl: string,
  organizationId: string,
  shipmentIds: string[],
): Promise<StoredHistory> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ rows: number; ids: number; gapped: number; txns: number }>(
      `WITH per AS (
         SELECT s.id, s.last_sequence, count(t.sequence) AS n, coalesce(min(t.sequence), 1) AS lo, coalesce(max(t.sequence), 0) AS hi,
                count(DISTINCT t.update_id) AS ids
         FROM shipments s LEFT JOIN shipment_tracking t
           ON t.organization_id = s.organization_id AND t.shipment_id = s.id AND t.shipment_created_at = s.created_at
         WHERE s.organization_id = $1 AND s.id = ANY ($2::uuid[])
         GROUP BY s.id, s.last_sequence)
       SELECT coalesce(sum(n), 0)::int AS rows, coalesce(sum(ids), 0)::int AS ids,
              count(*) FILTER (WHERE lo <> 1 OR hi <> n OR hi <> last_sequence)::int AS gapped,
              (SELECT count(DISTINCT recorded_at) FROM shipment_tracking
               WHERE organization_id = $1 AND shipment_id = ANY ($2::uuid[]))::int AS txns
       FROM per`,
      [organizationId, shipmentIds],
    );
    const r = rows[0]!;
    return {
      rows: r.rows,
      distinctUpdateIds: r.ids,
      gappedShipments: r.gapped,
      rowsPerTransaction: r.txns === 0 ? 0 : r.rows / r.txns,
    };
  } finally {
    await admin.end();
  }
}

/**
 * Deletes the tenant's bench shipments (of this and earlier runs) with their tracking points, so
 * the tracking table does not grow with every run: left there, millions of points from earlier
 * runs (against 128 MB of shared buffers) lowered both the service and its INSERT ceiling from
 * one run to the next.
 */
export async function removeBenchShipments(adminUrl: string, organizationId: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('BEGIN');
    await admin.query(
      `DELETE FROM shipment_tracking WHERE organization_id = $1
         AND shipment_id IN (SELECT id FROM shipments WHERE organization_id = $1 AND carrier = 'BENCH')`,
      [organizationId],
    );
    await admin.query(`DELETE FROM shipments WHERE organization_id = $1 AND carrier = 'BENCH'`, [organizationId]);
    await admin.query('COMMIT');
  } catch (error) {
    await admin.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await admin.end();
  }
}
