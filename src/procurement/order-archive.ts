import { sql } from 'kysely';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';

/** Rows one batch moved (or would move) to the archive, per table, and the orders kept. */
export interface ArchivedOrders {
  orders: number;
  items: number;
  receipts: number;
  receiptLines: number;
  /** Orders past the cutoff kept because a live shipment still references them. */
  held: number;
}

/**
 * Retention of purchase orders (design rule 9), in the tenant's unit of work: moves up to
 * `maxRows` of the tenant's orders closed or cancelled before `cutoff`, each with its items,
 * receipts and receipt lines, to the archive schema (or with dryRun counts all of them). The
 * database function doing it is in migrations/0007.
 */
export async function archivePurchaseOrders(
  work: UnitOfWork,
  cutoff: Date,
  maxRows: number,
  dryRun: boolean,
): Promise<ArchivedOrders> {
  const { rows } = await sql<{ orders: number; items: number; receipts: number; receipt_lines: number; held: number }>`
    SELECT orders, items, receipts, receipt_lines, held FROM archive_purchase_orders(${cutoff}, ${maxRows}, ${dryRun})`.execute(
    work.tx,
  );
  const r = rows[0]!;
  return {
    orders: Number(r.orders),
    items: Number(r.items),
    receipts: Number(r.receipts),
    receiptLines: Number(r.receipt_lines),
    held: Number(r.held),
  };
}
