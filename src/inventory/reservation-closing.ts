import { sql } from 'kysely';
import { recordChange } from '../platform/change-feed/record-change.js';
import { reservationClosed } from './stock-change-events.js';
import type { ReservationAllocation } from '../../gen/ts/imsop/inventory/v1/resources.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { applyBalanceMovement } from './balance-movement.js';
import { mustTakeLocated } from './located-stock.js';
import { closeReservedSerials, withSerials } from './serial-movements.js';
import { stockStateOf } from './locations.js';
import { reservationColumns, type ReservationRow, type StockLevelRow, type TransactionRow } from './mappers.js';
import type { LevelKey, StockLedger } from './stock-ledger.js';

/**
 * The allocations (balances held) of reservations of lot- and serial-tracked products, by
 * reservation id; reservations of untracked products have none (held at the level).
 */
export async function loadAllocations(
  work: UnitOfWork,
  reservationIds: readonly string[],
): Promise<Map<string, ReservationAllocation[]>> {
  const byReservation = new Map<string, ReservationAllocation[]>();
  if (reservationIds.length === 0) return byReservation;
  const rows = await work.tx
    .selectFrom('reservation_allocations')
    .select(['reservation_id', 'location_id', 'lot_id', 'quantity'])
    .where('organization_id', '=', work.tenant.organizationId)
    .where('reservation_id', 'in', reservationIds)
    .orderBy('reservation_id')
    .orderBy('location_id')
    .orderBy('lot_id')
    .execute();
  for (const r of rows) {
    const list = byReservation.get(r.reservation_id) ?? [];
    list.push({ locationId: r.location_id, lotId: r.lot_id ?? '', quantity: r.quantity, serialNumbers: [] });
    byReservation.set(r.reservation_id, list);
  }
  return byReservation;
}

/**
 * How a reservation ends (release, expiry, fulfilment), for requests, batched reservations and
 * the sweeper alike. Ending states of a reservation and the ledger entry each writes:
 */
const CLOSING = {
  released: { type: 'release', fulfils: false },
  expired: { type: 'expire', fulfils: false },
  fulfilled: { type: 'issue', fulfils: true },
} as const;

type ClosingStatus = keyof typeof CLOSING;

/** `expire_time <= now()` in the database's clock, the one expiry is judged by everywhere. */
export const isDue = sql<boolean>`(expire_time IS NOT NULL AND expire_time <= now())`;

/**
 * Ends an active reservation already locked by the caller: marks it, frees its units from the
 * level (and for fulfilment issues them), and writes the ledger entry.
 */
export async function closeReservation(
  ledger: StockLedger,
  row: ReservationRow,
  status: ClosingStatus,
  note = '',
): Promise<{
  reservation: ReservationRow;
  level: StockLevelRow;
  entry: TransactionRow;
  entries: TransactionRow[];
  allocations: ReservationAllocation[];
}> {
  const { work, organizationId } = ledger;
  const closed = await work.tx
    .updateTable('reservations')
    .set({ status, closed_at: sql`now()`, updated_at: sql`now()`, version: sql`version + 1` })
    .where('organization_id', '=', organizationId)
    .where('id', '=', row.id)
    .returning(reservationColumns)
    .executeTakeFirstOrThrow();
  const { type, fulfils } = CLOSING[status];
  const key = { warehouseId: row.warehouse_id, productId: row.product_id };
  const held = await work.tx
    .selectFrom('reservation_allocations as a')
    .innerJoin('locations as l', (j) =>
      j.onRef('l.organization_id', '=', 'a.organization_id').onRef('l.id', '=', 'a.location_id'),
    )
    .select(['a.location_id', 'a.lot_id', 'a.quantity', 'l.type'])
    // The serial numbers held there (serial-tracked products), for the events of the closing.
    .select(
      sql<string[]>`array(SELECT s.serial_number FROM serial_numbers s
        WHERE s.organization_id = a.organization_id AND s.reservation_id = a.reservation_id
          AND s.location_id = a.location_id AND s.lot_id IS NOT DISTINCT FROM a.lot_id ORDER BY s.serial_number)`.as(
        'serial_numbers',
      ),
    )
    .where('a.organization_id', '=', organizationId)
    .where('a.reservation_id', '=', row.id)
    .orderBy('a.location_id')
    .orderBy('a.lot_id')
    .execute();
  const allocations = held.map((a) => ({
    locationId: a.location_id,
    lotId: a.lot_id ?? '',
    quantity: a.quantity,
    serialNumbers: a.serial_numbers,
  }));
  // Before the movement: its round trip stays outside the level's lock.
  await recordChange(work, reservationClosed(closed, allocations));
  const details = { reservationId: row.id, reference: row.reference, note };
  if (held.length > 0) {
    // A reservation of a tracked product frees (or issues) exactly the balances it holds.
    const moved = await applyBalanceMovement(ledger, {
      ...details,
      key,
      tracked: true,
      changes: held.map((a) => ({
        type,
        locationId: a.location_id,
        lotId: a.lot_id,
        state: stockStateOf(a.type),
        onHand: fulfils ? -a.quantity : 0,
        reserved: -a.quantity,
        serialNumbers: a.serial_numbers,
      })),
    });
    if (!moved) throw new Error(`reservation ${row.id} holds more than its level has reserved`);
    // Serial numbers it held are issued with it, or back in stock where they were.
    const serials = await closeReservedSerials(work, row.id, fulfils, moved.entries);
    return {
      reservation: closed,
      level: moved.level,
      entry: moved.entries[0]!,
      entries: moved.entries,
      allocations: withSerials(allocations, serials),
    };
  }
  const moved = await ledger.tryMove({
    type,
    key,
    delta: { onHand: fulfils ? -row.quantity : 0, reserved: -row.quantity },
    ...details,
  });
  if (!('available' in moved)) return { reservation: closed, ...moved, entries: [moved.entry], allocations: [] };
  // An active reservation's units are part of the level's reserved quantity (the ledger keeps
  // them in step), so only a fulfilment can find too little: the units are in the warehouse,
  // but not all in its default location. Then the hold is released at the level and the units
  // are issued from the warehouse's bins, first expiry first, both entries naming the reservation.
  if (!fulfils) throw new Error(`reservation ${row.id} holds more than its level has reserved`);
  const released = await ledger.move({
    type: 'release',
    key,
    delta: { onHand: 0, reserved: -row.quantity },
    ...details,
  });
  const { moved: issued } = await mustTakeLocated(ledger, {
    key,
    quantity: row.quantity,
    placement: { locationId: '', lots: [], allowExpired: false },
    type: 'issue',
    ...details,
  });
  return {
    reservation: closed,
    level: issued.level,
    entry: issued.entries[0]!,
    entries: [released.entry, ...issued.entries],
    allocations: [],
  };
}

/**
 * Expires active reservations whose expire_time has passed: of one level, or of the whole
 * organization, at most `limit` per call. Rows another transaction holds are skipped (SKIP
 * LOCKED), so several sweepers, or a sweeper and a reserving call, never wait on each other
 * here; the rows are taken in lock order, reservations before levels.
 * @returns how many reservations were expired.
 */
export async function expireDueReservations(ledger: StockLedger, limit: number, level?: LevelKey): Promise<number> {
  let query = ledger.work.tx
    .selectFrom('reservations')
    .select(reservationColumns)
    .where('organization_id', '=', ledger.organizationId)
    .where('status', '=', 'active')
    .where(isDue);
  if (level) query = query.where('warehouse_id', '=', level.warehouseId).where('product_id', '=', level.productId);
  const due = await query
    .orderBy('warehouse_id')
    .orderBy('product_id')
    .orderBy('id')
    .limit(limit)
    .forNoKeyUpdate()
    .skipLocked()
    .execute();
  for (const row of due) await closeReservation(ledger, row, 'expired');
  return due.length;
}
