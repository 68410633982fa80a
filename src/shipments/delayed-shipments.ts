import { sql } from 'kysely';
import type { AppContext } from '../platform/app-context.js';
import type { BackgroundTask } from '../platform/background-task.js';
import { sweepThreshold, thresholdSweepTask, type Threshold } from '../platform/change-feed/threshold-sweep.js';
import type { Database } from '../platform/db/database.js';
import { shipmentJson } from './change-events.js';
import { shipmentColumns, toShipment, type ShipmentRow, type StatusText } from './mappers.js';
import { loadItems } from './shipment-queries.js';

export const SHIPMENT_DELAYED = 'shipment.delayed';

/** Shipments still on their way (or not yet left): the ones that can be delayed. */
const UNDELIVERED: readonly StatusText[] = ['pending', 'in_transit', 'exception'];

/**
 * `shipment.delayed`, once per shipment: its expected delivery time has passed while it is not
 * delivered (nor cancelled). The event carries the shipment as it stands. A shipment is a
 * candidate only when its expected delivery passed within the last `lookbackDays`; a status
 * change or tracking batch in flight (which holds the row) is not waited for: next sweep.
 */
export function delayedShipments(lookbackDays: number): Threshold<ShipmentRow> {
  return {
    eventType: SHIPMENT_DELAYED,
    candidates: (work) =>
      work.tx
        .selectFrom('shipments as s')
        .select(shipmentColumns.map((c) => `s.${c}` as const))
        .where('s.organization_id', '=', work.tenant.organizationId)
        .where('s.status', 'in', UNDELIVERED)
        .where('s.expected_delivery_at', '<', sql<Date>`now()`)
        .where('s.expected_delivery_at', '>=', sql<Date>`now() - make_interval(days => ${lookbackDays}::int)`),
    idColumn: 's.id',
    resources: async (work, rows) => {
      const items = await loadItems(
        work,
        rows.map((r) => r.id),
      );
      return rows.map((row) => shipmentJson(toShipment(row, items.get(row.id) ?? [])));
    },
  };
}

/**
 * One sweep over every organization, each in its own transaction.
 * @returns how many shipments were recorded delayed.
 */
export function sweepDelayedShipments(db: Database, lookbackDays: number): Promise<number> {
  return sweepThreshold(db, delayedShipments(lookbackDays));
}

/** The sweep, every SHIPMENT_DELAY_SWEEP_INTERVAL_MS (0 turns it off). */
export function delayedShipmentsTask(app: AppContext, lookbackDays: number): BackgroundTask {
  return thresholdSweepTask(
    app,
    'shipments.delayed-shipments',
    app.config.SHIPMENT_DELAY_SWEEP_INTERVAL_MS,
    delayedShipments(lookbackDays),
  );
}
