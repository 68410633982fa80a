import { sql } from 'kysely';
import type { AppContext } from '../platform/app-context.js';
import { PeriodicTask, type BackgroundTask } from '../platform/background-task.js';
import { recordChanges } from '../platform/change-feed/record-change.js';
import { resourcesWithEvent } from '../platform/change-feed/recorded-events.js';
import { domainEvent } from '../platform/change-feed/resource-change.js';
import type { Database } from '../platform/db/database.js';
import { organizationIds } from '../platform/db/organization-ids.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { SHIPMENT, shipmentJson } from './change-events.js';
import { shipmentColumns, toShipment, type StatusText } from './mappers.js';
import { loadItems } from './shipment-queries.js';

export const SHIPMENT_DELAYED = 'shipment.delayed';

/** Shipments still on their way (or not yet left): the ones that can be delayed. */
const UNDELIVERED: readonly StatusText[] = ['pending', 'in_transit', 'exception'];

/** Shipments marked delayed per tenant transaction. */
const BATCH = 100;

/**
 * Records `shipment.delayed` for the organization's shipments whose expected delivery time has
 * passed while they are not delivered (nor cancelled), once per shipment. The event carries the
 * shipment as it stands, recorded by the system.
 *
 * Once: a shipment is only a candidate while no delayed event is recorded for it, and only when
 * its expected delivery passed within the last `lookbackDays` (less than the change feed keeps
 * events, so the record it checks is still there). Shipments are claimed with SKIP LOCKED and
 * checked again once locked, so instances sweeping at once never record one twice, and a status
 * change or tracking batch in flight (which holds the row) is not waited for: next sweep.
 *
 * @returns how many shipments were recorded delayed.
 */
export async function recordDelayedShipments(work: UnitOfWork, lookbackDays: number): Promise<number> {
  const { organizationId } = work.tenant;
  let recorded = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await work.tx
      .selectFrom('shipments as s')
      .select(shipmentColumns.map((c) => `s.${c}` as const))
      .where('s.organization_id', '=', organizationId)
      .where('s.status', 'in', UNDELIVERED)
      .where('s.expected_delivery_at', '<', sql<Date>`now()`)
      .where('s.expected_delivery_at', '>=', sql<Date>`now() - make_interval(days => ${lookbackDays}::int)`)
      .$if(after !== undefined, (q) => q.where('s.id', '>', after!))
      .orderBy('s.id')
      .limit(BATCH)
      .forNoKeyUpdate()
      .skipLocked()
      .execute();
    // Asked once the rows are locked, so a sweep that recorded one of them and committed before
    // we got its lock is seen; while we hold the locks nobody else records these.
    const already = await resourcesWithEvent(
      work,
      SHIPMENT,
      SHIPMENT_DELAYED,
      rows.map((r) => r.id),
    );
    const delayed = rows.filter((r) => !already.has(r.id));
    const items = await loadItems(
      work,
      delayed.map((r) => r.id),
    );
    await recordChanges(
      work,
      delayed.map((row) => domainEvent(SHIPMENT_DELAYED, shipmentJson(toShipment(row, items.get(row.id) ?? [])))),
    );
    recorded += delayed.length;
    if (rows.length < BATCH) return recorded;
    after = rows[rows.length - 1]!.id;
  }
}

/**
 * One sweep over every organization, each in its own transaction (no user: the system records).
 * @returns how many shipments were recorded delayed.
 */
export async function sweepDelayedShipments(db: Database, lookbackDays: number): Promise<number> {
  let recorded = 0;
  for await (const organizationId of organizationIds(db)) {
    recorded += await db.inTenant({ organizationId }, (work) => recordDelayedShipments(work, lookbackDays));
  }
  return recorded;
}

/** The sweep, every SHIPMENT_DELAY_SWEEP_INTERVAL_MS (0 turns it off). */
export function delayedShipmentsTask(app: AppContext, lookbackDays: number): BackgroundTask {
  return new PeriodicTask(
    'shipments.delayed-shipments',
    app.config.SHIPMENT_DELAY_SWEEP_INTERVAL_MS,
    async () => {
      const delayed = await sweepDelayedShipments(app.db, lookbackDays);
      if (delayed > 0) app.logger.info({ delayed }, 'shipments recorded delayed');
    },
    app.logger,
    { runAtStart: true },
  );
}
