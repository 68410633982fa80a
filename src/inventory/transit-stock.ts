import { sql } from 'kysely';
import type { Cache } from '../platform/cache/cache.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { applyBalanceMovement, lockLevel } from './balance-movement.js';
import { mustTakeLocated } from './located-stock.js';
import { isTracked, requireProduct } from './references.js';
import { arrivalOfSerials, dispatchSerials } from './serial-movements.js';
import { insufficientStock, StockLedger, type LevelKey } from './stock-ledger.js';

/**
 * Stock in transit between two warehouses over time (a transfer shipment): dispatch takes the
 * units out of the origin as TransferStock does (the default location's untracked stock in one
 * level statement when it has them, otherwise first expiry first over the warehouse's bins and
 * lots), arrival puts the same lots into the destination's default location. Both sides' ledger
 * rows carry the shipment's id as their transfer id, so arrival reads from the ledger which lots
 * left the origin. Callers order the lines by level key (the domain's lock order).
 */

/**
 * Takes one line of a transfer out of its origin, inside the caller's unit of work.
 * Serial-tracked units are chosen by the service (shipments name no serials) and are in transit
 * until arrival.
 * @throws AppError NOT_FOUND `PRODUCT_NOT_FOUND`, FAILED_PRECONDITION `INSUFFICIENT_STOCK`.
 */
export async function dispatchInTransit(
  work: UnitOfWork,
  cache: Cache,
  line: { key: LevelKey; quantity: number; transferId: string; reference: string; note: string },
): Promise<void> {
  const { key, quantity, ...details } = line;
  const product = await requireProduct(work, key.productId);
  const ledger = new StockLedger(work, cache);
  // The units are serial numbers: chosen first expiry first, then in transit (serial-movements.ts).
  if (product.serial_tracked) return dispatchSerials(ledger, { key, quantity, ...details });
  if (!isTracked(product)) {
    const result = await ledger.tryMove({
      type: 'transfer_out',
      key,
      delta: { onHand: -quantity, reserved: 0 },
      ...details,
    });
    if (!('available' in result)) return;
    // Enough available, but not all in the default location: take the rest from bins.
    if (result.available < quantity) throw insufficientStock(result.available, quantity, key);
  }
  await mustTakeLocated(ledger, {
    key,
    quantity,
    placement: { locationId: '', lots: [], allowExpired: false },
    type: 'transfer_out',
    tracked: isTracked(product),
    ...details,
  });
}

/**
 * Puts one line of a transfer into its destination's default location, inside the caller's unit
 * of work: the lots its dispatch took from `originWarehouseId` (read from the ledger by transfer
 * id), or the line's quantity without a lot when the ledger shows none (dispatched untracked).
 * @throws AppError NOT_FOUND `PRODUCT_NOT_FOUND`, FAILED_PRECONDITION `STOCK_LIMIT_EXCEEDED`.
 */
export async function arriveFromTransit(
  work: UnitOfWork,
  cache: Cache,
  line: {
    key: LevelKey;
    originWarehouseId: string;
    quantity: number;
    transferId: string;
    reference: string;
    note: string;
  },
): Promise<void> {
  const { key, quantity, originWarehouseId, ...details } = line;
  const product = await requireProduct(work, key.productId);
  const ledger = new StockLedger(work, cache);
  const dispatched = await work.tx
    .selectFrom('inventory_transactions')
    .select(['lot_id', sql<number>`(-sum(on_hand_delta))::integer`.as('quantity')])
    .where('organization_id', '=', work.tenant.organizationId)
    .where('transfer_id', '=', line.transferId)
    .where('type', '=', 'transfer_out')
    .where('warehouse_id', '=', originWarehouseId)
    .where('product_id', '=', key.productId)
    .groupBy('lot_id')
    .orderBy('lot_id')
    .execute();
  const lots = dispatched.filter((d) => d.quantity > 0);
  const fromLedger = lots.reduce((sum, d) => sum + d.quantity, 0) === quantity;
  const arrivals = fromLedger ? lots : [{ lot_id: null, quantity }];
  await lockLevel(ledger, key, product.reorder_point);
  const moved = await applyBalanceMovement(ledger, {
    ...details,
    key,
    tracked: isTracked(product),
    changes: arrivals.map((d) => ({
      type: 'transfer_in' as const,
      locationId: key.warehouseId,
      lotId: d.lot_id,
      state: 'available' as const,
      onHand: d.quantity,
      reserved: 0,
    })),
  });
  if (!moved) throw new Error('a transfer shipment was refused at its destination level');
  if (product.serial_tracked)
    await arrivalOfSerials(work, {
      key,
      transferId: line.transferId,
      locationId: key.warehouseId,
      entries: moved.entries,
    });
}
