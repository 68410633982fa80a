import type { LotPick } from '../../gen/ts/imsop/inventory/v1/resources.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { failedPrecondition, invalidArgument } from '../platform/errors.js';
import type { Violations } from '../platform/validation.js';
import { applyBalanceMovement, lockLevel, type BalanceChange, type BalanceMoved } from './balance-movement.js';
import * as input from './input.js';
import { assertLocationOpen, requireLocation, stockStateOf, type StockStateText } from './locations.js';
import { assertLotTracked, lotRequired, requireLot, resolveReceiptLot, type ReceiptLotInput } from './lots.js';
import { isTracked, type ProductRef } from './references.js';
import { chooseTakes, readCandidates, type LotChoice, type Take } from './stock-picking.js';
import {
  insufficientStock,
  type LedgerDetails,
  type LedgerType,
  type LevelKey,
  type StockLedger,
} from './stock-ledger.js';

/**
 * The located side of stock movements (issue 20): where the units are, which lots, and the
 * choice of lots; shared by the stock services and the building blocks other domains use.
 * Movements of untracked stock in a warehouse's default location never come here: they stay
 * the one-statement level movements of StockLedger.
 */

/** The validated "where and which" fields of a movement request. */
export interface Placement {
  /** '' when the request names none. */
  locationId: string;
  lots: LotChoice[];
  allowExpired: boolean;
}

/** Validates LotPick lists: ids, quantities, and that they add up to the request's quantity. */
export function lotChoices(v: Violations, field: string, picks: readonly LotPick[], quantity: number): LotChoice[] {
  const choices = picks.map((p, i) => ({
    lotId: input.id(v, `${field}[${i}].lot_id`, p.lotId),
    locationId: input.optionalId(v, `${field}[${i}].location_id`, p.locationId) || undefined,
    quantity: input.movementQuantity(v, `${field}[${i}].quantity`, p.quantity),
    field: `${field}[${i}]`,
  }));
  if (choices.length > 0 && choices.reduce((sum, c) => sum + c.quantity, 0) !== quantity)
    v.add(field, 'quantities must add up to quantity');
  return choices;
}

/** Serial numbers of a product that is not serial-tracked are refused, not ignored. */
export function assertNoSerials(product: ProductRef, serials: readonly string[] | undefined): void {
  if (serials && serials.length > 0 && !product.serial_tracked) {
    throw failedPrecondition('SERIAL_NUMBERS_NOT_TRACKED', `Product ${product.sku} is not serial-tracked.`, {
      product_id: product.id,
    });
  }
}

/**
 * Checks a movement's lot choices against the product: lots only for lot-tracked products, each
 * a lot of this product, each location one of the warehouse.
 * @throws AppError FAILED_PRECONDITION `LOT_NOT_TRACKED`, NOT_FOUND `LOT_NOT_FOUND` / `LOCATION_NOT_FOUND`.
 */
export async function checkChoices(work: UnitOfWork, product: ProductRef, warehouseId: string, p: Placement) {
  if (p.lots.length > 0) assertLotTracked({ ...product });
  for (const choice of p.lots) {
    await requireLot(work, choice.lotId, product.id, `${choice.field}.lot_id`);
    if (choice.locationId) await requireLocation(work, choice.locationId, warehouseId, `${choice.field}.location_id`);
  }
  if (p.locationId && p.locationId !== warehouseId)
    await requireLocation(work, p.locationId, warehouseId, 'location_id');
}

/** Whether a movement can be the default location's level-only movement. */
export const levelOnly = (product: ProductRef, key: LevelKey, p: Placement) =>
  !isTracked(product) && p.lots.length === 0 && atDefaultLocation(key, p.locationId);

/** Whether a request's location is its warehouse's default one (none named, or the warehouse's own id). */
export const atDefaultLocation = (key: LevelKey, locationId: string) =>
  locationId === '' || locationId === key.warehouseId;

/** The state of stock in a location (the default location is storage: available). */
async function stateAt(work: UnitOfWork, key: LevelKey, locationId: string, field: string): Promise<StockStateText> {
  if (locationId === key.warehouseId) return 'available';
  const location = await requireLocation(work, locationId, key.warehouseId, field);
  return stockStateOf(location.type);
}

/**
 * Goods in at a location, of a lot: the level (created when new) and the balance, one ledger row.
 * @throws AppError NOT_FOUND, FAILED_PRECONDITION (LOT_REQUIRED, LOT_NOT_TRACKED, LOCATION_INACTIVE,
 *   LOT_DATES_MISMATCH, STOCK_LIMIT_EXCEEDED).
 */
export async function receiveLocated(
  ledger: StockLedger,
  product: ProductRef,
  m: {
    key: LevelKey;
    quantity: number;
    locationId: string;
    lot?: ReceiptLotInput;
    type?: LedgerType;
    /** The units' serial numbers (serial-tracked products), for the ledger row's event. */
    serialNumbers?: readonly string[];
  } & LedgerDetails,
): Promise<BalanceMoved> {
  const { work } = ledger;
  const { key } = m;
  if (m.lot) assertLotTracked({ ...product });
  else if (product.lot_tracked) throw lotRequired(product);
  const locationId = m.locationId || key.warehouseId;
  let state: StockStateText = 'available';
  if (locationId !== key.warehouseId) {
    const location = await requireLocation(work, locationId, key.warehouseId, 'location_id');
    assertLocationOpen(location);
    state = stockStateOf(location.type);
  }
  const lot = m.lot ? await resolveReceiptLot(work, key.productId, m.lot) : undefined;
  await lockLevel(ledger, key, product.reorder_point);
  const moved = await applyBalanceMovement(ledger, {
    ...m,
    tracked: isTracked(product),
    changes: [
      {
        type: m.type ?? 'receive',
        locationId,
        lotId: lot?.id ?? null,
        state,
        onHand: m.quantity,
        reserved: 0,
        serialNumbers: m.serialNumbers,
      },
    ],
  });
  if (!moved) throw new Error('a receipt was refused by its level');
  return moved;
}

/**
 * Takes units out of a locked level's available stock, first expiry first or as named:
 * issues, transfers out, and (with `reserve`) reservations. Returns what was written, or the
 * units that could be found (nothing written).
 * @throws AppError FAILED_PRECONDITION `LOT_EXPIRED`.
 */
export async function takeLocated(
  ledger: StockLedger,
  m: {
    key: LevelKey;
    quantity: number;
    placement: Placement;
    type: 'issue' | 'transfer_out' | 'reserve';
  } & Omit<Parameters<typeof applyBalanceMovement>[1], 'key' | 'changes'>,
): Promise<{ moved: BalanceMoved; takes: Take[] } | { available: number }> {
  const { key, quantity, placement } = m;
  const level = await lockLevel(ledger, key);
  if (!level) return { available: 0 };
  const candidates = await readCandidates(ledger.work, key, level.quantity_on_hand - level.quantity_located);
  const { takes, found } = chooseTakes(candidates, quantity, {
    locationId: placement.locationId || undefined,
    lots: placement.lots,
    allowExpired: placement.allowExpired,
  });
  const available = Math.min(found, level.quantity_available ?? 0);
  if (found < quantity || available < quantity) return { available };
  const changes: BalanceChange[] = takes.map((t) => ({
    type: m.type,
    locationId: t.locationId,
    lotId: t.lotId,
    state: t.state,
    onHand: m.type === 'reserve' ? 0 : -t.quantity,
    reserved: m.type === 'reserve' ? t.quantity : 0,
  }));
  const moved = await applyBalanceMovement(ledger, { ...m, key, changes });
  if (!moved) return { available: level.quantity_available ?? 0 };
  return { moved, takes };
}

/** takeLocated, failing when the stock is not there. @throws AppError FAILED_PRECONDITION `INSUFFICIENT_STOCK`. */
export async function mustTakeLocated(
  ledger: StockLedger,
  m: Parameters<typeof takeLocated>[1],
): Promise<{ moved: BalanceMoved; takes: Take[] }> {
  const result = await takeLocated(ledger, m);
  if ('available' in result) throw insufficientStock(result.available, m.quantity, m.key);
  return result;
}

/**
 * Puts the units taken from one level into another level (a transfer's arriving side): the same
 * lots, into `locationId` (the destination's default location when ''). The level must be
 * locked already (levels are locked in the domain's order before either side moves).
 */
export async function putLocated(
  ledger: StockLedger,
  key: LevelKey,
  takes: readonly Take[],
  locationId: string,
  details: LedgerDetails & { tracked?: boolean },
): Promise<BalanceMoved> {
  const target = locationId || key.warehouseId;
  const state = await stateAt(ledger.work, key, target, 'destination_location_id');
  const byLot = new Map<string, number>();
  for (const t of takes) byLot.set(t.lotId ?? '', (byLot.get(t.lotId ?? '') ?? 0) + t.quantity);
  const moved = await applyBalanceMovement(ledger, {
    ...details,
    key,
    changes: [...byLot].map(([lot, quantity]) => ({
      type: 'transfer_in' as const,
      locationId: target,
      lotId: lot || null,
      state,
      onHand: quantity,
      reserved: 0,
    })),
  });
  if (!moved) throw new Error('a transfer was refused at its destination level');
  return moved;
}

/**
 * Moves units inside one warehouse from a location to another (MoveStock): the same lot, or the
 * source's lots first expiry first (expired ones too: moving them out is how they reach
 * quarantine). Into a HOLD or DAMAGED location the units stay on hand but leave available.
 * @throws AppError FAILED_PRECONDITION (INSUFFICIENT_STOCK, LOCATION_INACTIVE), NOT_FOUND.
 */
export async function moveLocated(
  ledger: StockLedger,
  product: ProductRef,
  m: {
    key: LevelKey;
    quantity: number;
    sourceLocationId: string;
    destinationLocationId: string;
    lotId: string;
  } & LedgerDetails,
): Promise<BalanceMoved & { outCount: number }> {
  const { work } = ledger;
  const { key, quantity } = m;
  if (m.lotId) {
    assertLotTracked({ ...product });
    await requireLot(work, m.lotId, product.id, 'lot_id');
  }
  const source =
    m.sourceLocationId === key.warehouseId
      ? undefined
      : await requireLocation(work, m.sourceLocationId, key.warehouseId, 'source_location_id');
  const destination = await requireLocation(work, m.destinationLocationId, key.warehouseId, 'destination_location_id');
  assertLocationOpen(destination);
  const level = await lockLevel(ledger, key);
  if (!level) throw insufficientStock(0, quantity, key);
  const candidates = await readCandidates(work, key, level.quantity_on_hand - level.quantity_located);
  const { takes, found } = chooseTakes(candidates, quantity, {
    locationId: m.sourceLocationId,
    lots: m.lotId ? [{ lotId: m.lotId, quantity, field: 'lot_id' }] : undefined,
    allowExpired: true,
    anyState: true,
  });
  if (found < quantity) throw insufficientStock(found, quantity, key);
  const state = destination.is_default ? 'available' : stockStateOf(destination.type);
  const sourceState = source ? stockStateOf(source.type) : 'available';
  const ins: BalanceChange[] = takes.map((t) => ({
    type: 'move_in',
    locationId: destination.id,
    lotId: t.lotId,
    state,
    onHand: t.quantity,
    reserved: 0,
  }));
  const outs: BalanceChange[] = takes.map((t) => ({
    type: 'move_out',
    locationId: t.locationId,
    lotId: t.lotId,
    state: sourceState,
    onHand: -t.quantity,
    reserved: 0,
  }));
  // Arrivals first in the ledger: the level's on hand after each entry never dips below what
  // it has reserved (its after-values are cumulative over the entries).
  const moved = await applyBalanceMovement(ledger, {
    ...m,
    key,
    tracked: isTracked(product),
    changes: [...ins, ...outs],
  });
  if (!moved) throw insufficientStock(level.quantity_available ?? 0, quantity, key);
  return { ...moved, outCount: outs.length };
}

/** The request named a location or lots for a product whose reservations hold no balances. */
export function placementNotForUntracked(field: string) {
  return invalidArgument([{ field, description: 'is only for lot- or serial-tracked products' }]);
}
