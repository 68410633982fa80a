import { sql } from 'kysely';
import { recordChange } from '../platform/change-feed/record-change.js';
import { reservationColumns, type ReservationRow } from './mappers.js';
import { reservationClosed } from './stock-change-events.js';
import type { LevelKey, StockLedger } from './stock-ledger.js';

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
export async function closeReservation(ledger: StockLedger, row: ReservationRow, status: ClosingStatus, note = '') {
  const { work, organizationId } = ledger;
  const closed = await work.tx
    .updateTable('reservations')
    .set({ status, closed_at: sql`now()`, updated_at: sql`now()`, version: sql`version + 1` })
    .where('organization_id', '=', organizationId)
    .where('id', '=', row.id)
    .returning(reservationColumns)
    .executeTakeFirstOrThrow();
  // Before the movement: its round trip stays outside the level's lock.
  await recordChange(work, reservationClosed(closed));
  const { type, fulfils } = CLOSING[status];
  const moved = await ledger.tryMove({
    type,
    key: { warehouseId: row.warehouse_id, productId: row.product_id },
    delta: { onHand: fulfils ? -row.quantity : 0, reserved: -row.quantity },
    reservationId: row.id,
    reference: row.reference,
    note,
  });
  // An active reservation's units are part of the level's reserved quantity (the ledger keeps
  // them in step), so this cannot fail unless that invariant is broken: fail loudly.
  if ('available' in moved) throw new Error(`reservation ${row.id} holds more than its level has reserved`);
  return { reservation: closed, ...moved };
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
