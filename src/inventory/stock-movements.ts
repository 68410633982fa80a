import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { AdjustmentReason } from '../../gen/ts/imsop/inventory/v1/resources.js';
import {
  StockServiceService,
  type MoveStockRequest,
  type MoveStockResponse,
  type AdjustStockRequest,
  type AdjustStockResponse,
  type IssueStockRequest,
  type IssueStockResponse,
  type ReceiveStockRequest,
  type ReceiveStockResponse,
  type TransferStockRequest,
  type TransferStockResponse,
} from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { Cache } from '../platform/cache/cache.js';
import type { TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { mutation, wireMethod } from '../platform/mutation.js';
import { Violations } from '../platform/validation.js';
import { applyBalanceMovement, lockLevel, type BalanceMoved } from './balance-movement.js';
import { toStockBalance } from './balance-reads.js';
import * as input from './input.js';
import {
  atDefaultLocation,
  checkChoices,
  levelOnly,
  lotChoices,
  moveLocated,
  mustTakeLocated,
  putLocated,
  receiveLocated,
  type Placement,
} from './located-stock.js';
import { assertLocationOpen, requireLocation, stockStateOf, type StockStateText } from './locations.js';
import { lotRequired, receiptLotInput, requireLot, assertLotTracked, type ReceiptLotInput } from './lots.js';
import { ADJUSTMENT_REASON, toStockLevel, toTransaction, type StockLevelRow, type TransactionRow } from './mappers.js';
import {
  assertInboundOpen,
  assertStockable,
  isTracked,
  requireProduct,
  requireWarehouse,
  type ProductRef,
} from './references.js';
import {
  pickSerials,
  receiveSerials,
  serialNumbers,
  serialsForProduct,
  settleSerials,
  type PickedSerial,
} from './serial-numbers.js';
import { moveSerials, takeSerials, transferSerials } from './serial-movements.js';
import { compareLevelKeys, insufficientStock, StockLedger, type LevelKey, type Movement } from './stock-ledger.js';

const NOTE_MAX = 1000;
const REFERENCE_MAX = 200;

/** What every single-level movement request carries. */
function levelAndText(
  v: Violations,
  request: { warehouseId: string; productId: string; note: string; reference: string },
) {
  return {
    key: {
      warehouseId: input.id(v, 'warehouse_id', request.warehouseId),
      productId: input.id(v, 'product_id', request.productId),
    },
    note: input.text(v, 'note', request.note, NOTE_MAX),
    reference: input.text(v, 'reference', request.reference, REFERENCE_MAX),
  };
}

/**
 * Goods in, inside the caller's unit of work: ReceiveStock's movement without its request handling
 * (validation, idempotency, own transaction). For domains whose own work includes receiving
 * stock: procurement books a purchase order receipt and the stock it brings in one transaction.
 * The product and warehouse must be the organization's, the product not archived, the warehouse
 * active; `quantity` must already be valid (1..MAX_MOVEMENT_QUANTITY), `note` and `reference`
 * within their limits. Into the default location without a lot (untracked products) it is the
 * level's one-statement movement; otherwise the balance's (located-stock.ts).
 * @throws AppError NOT_FOUND (PRODUCT_NOT_FOUND, WAREHOUSE_NOT_FOUND, LOCATION_NOT_FOUND,
 *   LOT_NOT_FOUND), FAILED_PRECONDITION (PRODUCT_ARCHIVED, WAREHOUSE_INACTIVE, LOCATION_INACTIVE,
 *   LOT_REQUIRED, LOT_NOT_TRACKED, LOT_DATES_MISMATCH, STOCK_LIMIT_EXCEEDED).
 */
export async function receiveInTransaction(
  work: UnitOfWork,
  cache: Cache,
  movement: {
    key: LevelKey;
    quantity: number;
    note: string;
    reference: string;
    locationId?: string;
    lot?: ReceiptLotInput;
    serialNumbers?: readonly string[];
  },
): Promise<{ level: StockLevelRow; entry: TransactionRow; moved?: BalanceMoved }> {
  const { key } = movement;
  const product = await requireProduct(work, key.productId);
  const warehouse = await requireWarehouse(work, key.warehouseId);
  assertStockable(product);
  assertInboundOpen(warehouse);
  const serials = movement.serialNumbers ?? [];
  serialsForProduct(product, serials, movement.quantity, { required: true });
  const ledger = new StockLedger(work, cache);
  const locationId = movement.locationId ?? '';
  if (!movement.lot && levelOnly(product, key, { locationId, lots: [], allowExpired: false })) {
    return ledger.move({
      type: 'receive',
      key,
      delta: { onHand: movement.quantity, reserved: 0 },
      reorderPointIfNew: product.reorder_point,
      note: movement.note,
      reference: movement.reference,
    });
  }
  const moved = await receiveLocated(ledger, product, { ...movement, locationId });
  const entry = moved.entries[0]!;
  await receiveSerials(work, {
    productId: key.productId,
    lotId: entry.lot_id,
    warehouseId: key.warehouseId,
    locationId: entry.location_id,
    serials,
    transactionId: entry.id,
  });
  return { level: moved.level, entry, moved };
}

/** The location / lots / allow_expired fields of an issue or transfer request. */
function placementOf(
  v: Violations,
  request: { lots: IssueStockRequest['lots']; allowExpired: boolean },
  locationField: string,
  locationId: string | undefined,
  quantity: number,
): Placement {
  return {
    locationId: input.optionalId(v, locationField, locationId),
    lots: lotChoices(v, 'lots', request.lots, quantity),
    allowExpired: request.allowExpired,
  };
}

/** Receipts, issues, adjustments, transfers and moves: each one or two levels plus a ledger row per balance. */
export class StockMovements {
  constructor(private readonly app: AppContext) {}

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION (PRODUCT_ARCHIVED, WAREHOUSE_INACTIVE, STOCK_LIMIT_EXCEEDED). */
  async receive(scope: TenantScope, request: ReceiveStockRequest): Promise<ReceiveStockResponse> {
    const v = new Violations();
    const { key, note, reference } = levelAndText(v, request);
    const quantity = input.movementQuantity(v, 'quantity', request.quantity);
    const locationId = input.optionalId(v, 'location_id', request.locationId);
    const lot = receiptLotInput(v, 'lot', request.lot);
    const serials = serialNumbers(v, 'serial_numbers', request.serialNumbers);
    v.throwIfAny();
    const cache = this.app.cache;
    const answer = (level: StockLevelRow, entry: TransactionRow, moved?: BalanceMoved): ReceiveStockResponse => ({
      stockLevel: toStockLevel(level),
      transaction: { ...toTransaction(entry), serialNumbers: serials },
      balance: moved ? toStockBalance(moved.balances[0]!) : undefined,
    });
    // To the level alone (no lot, bin or serial numbers): one statement with its checks first.
    const plain = !lot && serials.length === 0 && atDefaultLocation(key, locationId);
    return mutation(
      this.app.db,
      scope,
      wireMethod(StockServiceService.receiveStock),
      request,
      async (work) => {
        const { level, entry, moved } = await receiveInTransaction(work, cache, {
          key,
          quantity,
          note,
          reference,
          locationId,
          lot,
          serialNumbers: serials,
        });
        return answer(level, entry, moved);
      },
      plain
        ? async (work, { commit }) => {
            const moved = await new StockLedger(work, cache).tryReceive({ key, quantity, note, reference }, { commit });
            return moved === 'unreceivable' ? undefined : answer(moved.level, moved.entry);
          }
        : undefined,
    );
  }

  /**
   * The default location's untracked stock in one statement when it has the units; otherwise
   * (bins, lots, a named location) first expiry first over the warehouse's balances.
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION (INSUFFICIENT_STOCK, LOT_EXPIRED, ...).
   */
  async issue(scope: TenantScope, request: IssueStockRequest): Promise<IssueStockResponse> {
    const v = new Violations();
    const { key, note, reference } = levelAndText(v, request);
    const quantity = input.movementQuantity(v, 'quantity', request.quantity);
    const placement = placementOf(v, request, 'location_id', request.locationId, quantity);
    const serials = serialNumbers(v, 'serial_numbers', request.serialNumbers);
    v.throwIfAny();
    return mutation(this.app.db, scope, wireMethod(StockServiceService.issueStock), request, async (work) => {
      const product = await requireProduct(work, key.productId);
      await requireWarehouse(work, key.warehouseId);
      serialsForProduct(product, serials, quantity, { required: false });
      await checkChoices(work, product, key.warehouseId, placement);
      const ledger = new StockLedger(work, this.app.cache);
      if (product.serial_tracked) {
        // The units are the serial numbers named (or chosen first expiry first): serial-movements.ts.
        const { moved, entries } = await takeSerials(ledger, {
          key,
          quantity,
          serials,
          locationId: placement.locationId || undefined,
          type: 'issue',
          note,
          reference,
        });
        const written = entries.map((e) => ({ ...toTransaction(e), serialNumbers: e.serialNumbers }));
        return { stockLevel: toStockLevel(moved.level), transaction: written[0], transactions: written };
      }
      if (levelOnly(product, key, placement)) {
        const result = await ledger.tryMove({
          type: 'issue',
          key,
          delta: { onHand: -quantity, reserved: 0 },
          note,
          reference,
        });
        if (!('available' in result)) {
          const entry = toTransaction(result.entry);
          return { stockLevel: toStockLevel(result.level), transaction: entry, transactions: [entry] };
        }
        // Enough available, but not all in the default location: take the rest from bins.
        if (result.available < quantity || placement.locationId)
          throw insufficientStock(result.available, quantity, key);
      }
      const tracked = isTracked(product);
      const { moved } = await mustTakeLocated(ledger, {
        key,
        quantity,
        placement,
        type: 'issue',
        tracked,
        note,
        reference,
      });
      const entries = moved.entries.map(toTransaction);
      return { stockLevel: toStockLevel(moved.level), transaction: entries[0], transactions: entries };
    });
  }

  /**
   * A signed correction, or a cycle count whose change is computed from the on-hand quantity
   * under the row lock (so a movement committed meanwhile is not overwritten).
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION (INSUFFICIENT_STOCK, STOCK_LIMIT_EXCEEDED).
   */
  async adjust(scope: TenantScope, request: AdjustStockRequest): Promise<AdjustStockResponse> {
    const v = new Violations();
    const { key, note, reference } = levelAndText(v, request);
    const reason = input.enumValue(
      v,
      'reason',
      request.reason,
      ADJUSTMENT_REASON.protoValues,
      'an ADJUSTMENT_REASON other than UNSPECIFIED',
    );
    const cycleCount = reason === AdjustmentReason.ADJUSTMENT_REASON_CYCLE_COUNT;
    let delta: number | undefined;
    let counted: number | undefined;
    const change = request.change;
    if (cycleCount) {
      if (change?.$case === 'quantityDelta')
        v.add('quantity_delta', 'must not be set for CYCLE_COUNT: give counted_quantity');
      if (change?.$case !== 'countedQuantity') v.add('counted_quantity', 'is required for CYCLE_COUNT');
      else counted = input.intInRange(v, 'counted_quantity', change.value, 0, input.MAX_COUNTED_QUANTITY);
    } else if (reason !== undefined) {
      if (change?.$case === 'countedQuantity')
        v.add('counted_quantity', 'is only for the CYCLE_COUNT reason: give quantity_delta');
      if (change?.$case !== 'quantityDelta' || change.value === 0)
        v.add('quantity_delta', 'is required and must not be 0');
      else
        delta = input.intInRange(
          v,
          'quantity_delta',
          change.value,
          -input.MAX_MOVEMENT_QUANTITY,
          input.MAX_MOVEMENT_QUANTITY,
        );
    }
    const locationId = input.optionalId(v, 'location_id', request.locationId);
    const lotId = input.optionalId(v, 'lot_id', request.lotId);
    const serials = serialNumbers(v, 'serial_numbers', request.serialNumbers);
    v.throwIfAny();
    const org = scope.organizationId;
    return mutation(this.app.db, scope, wireMethod(StockServiceService.adjustStock), request, async (work) => {
      const product = await requireProduct(work, key.productId);
      await requireWarehouse(work, key.warehouseId);
      if (!product.serial_tracked) serialsForProduct(product, serials, 0, { required: false });
      if (lotId) {
        assertLotTracked(product);
        await requireLot(work, lotId, product.id, 'lot_id');
      } else if (product.lot_tracked) throw lotRequired(product);
      const ledger = new StockLedger(work, this.app.cache);
      const details = { reason: ADJUSTMENT_REASON.fromProto(reason!), countedQuantity: counted, note, reference };
      if (!levelOnly(product, key, { locationId, lots: [], allowExpired: false })) {
        const moved = await adjustBalance(ledger, key, product, {
          serials,
          locationId: locationId || key.warehouseId,
          lotId: lotId || null,
          delta,
          counted,
          reorderPoint: product.reorder_point,
          details,
        });
        return {
          stockLevel: toStockLevel(moved.level),
          transaction: { ...toTransaction(moved.entries[0]!), serialNumbers: product.serial_tracked ? serials : [] },
        };
      }
      if (counted !== undefined) {
        // The default location's untracked stock: the level's on hand less its located units.
        const current = await work.tx
          .selectFrom('inventory')
          .select(sql<number>`quantity_on_hand - quantity_located`.as('unlocated'))
          .where('organization_id', '=', org)
          .where('warehouse_id', '=', key.warehouseId)
          .where('product_id', '=', key.productId)
          .forNoKeyUpdate()
          .executeTakeFirst();
        delta = counted - (current?.unlocated ?? 0);
      }
      const { level, entry } = await ledger.move({
        type: 'adjust',
        key,
        delta: { onHand: delta!, reserved: 0 },
        reorderPointIfNew: product.reorder_point,
        ...details,
      });
      return { stockLevel: toStockLevel(level), transaction: toTransaction(entry) };
    });
  }

  /**
   * Both levels change in the domain's lock order (by warehouse id), whichever is the source,
   * so two opposite transfers wait for each other at the first level instead of deadlocking.
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION (INSUFFICIENT_STOCK, WAREHOUSE_INACTIVE, ...).
   */
  async transfer(scope: TenantScope, request: TransferStockRequest): Promise<TransferStockResponse> {
    const v = new Violations();
    const productId = input.id(v, 'product_id', request.productId);
    const sourceId = input.id(v, 'source_warehouse_id', request.sourceWarehouseId);
    const destinationId = input.id(v, 'destination_warehouse_id', request.destinationWarehouseId);
    if (sourceId && sourceId === destinationId)
      v.add('destination_warehouse_id', 'must differ from source_warehouse_id');
    const quantity = input.movementQuantity(v, 'quantity', request.quantity);
    const note = input.text(v, 'note', request.note, NOTE_MAX);
    const reference = input.text(v, 'reference', request.reference, REFERENCE_MAX);
    const placement = placementOf(v, request, 'source_location_id', request.sourceLocationId, quantity);
    const destinationLocationId = input.optionalId(v, 'destination_location_id', request.destinationLocationId);
    const serials = serialNumbers(v, 'serial_numbers', request.serialNumbers);
    v.throwIfAny();
    return mutation(this.app.db, scope, wireMethod(StockServiceService.transferStock), request, async (work) => {
      const product = await requireProduct(work, productId);
      await requireWarehouse(work, sourceId);
      assertInboundOpen(await requireWarehouse(work, destinationId));
      serialsForProduct(product, serials, quantity, { required: false });
      if (product.serial_tracked && placement.lots.length > 0)
        new Violations().add('lots', 'is not for serial-tracked products: name serial_numbers').throwIfAny();
      await checkChoices(work, product, sourceId, placement);
      let destinationState: StockStateText = 'available';
      if (destinationLocationId && destinationLocationId !== destinationId) {
        const location = await requireLocation(work, destinationLocationId, destinationId, 'destination_location_id');
        if (location.status !== 'active') assertInboundOpen({ id: destinationId, status: 'inactive' });
        destinationState = stockStateOf(location.type);
      }
      const transferId = randomUUID();
      const source: LevelKey = { warehouseId: sourceId, productId };
      const destination: LevelKey = { warehouseId: destinationId, productId };
      const ledger = new StockLedger(work, this.app.cache);
      const details = { transferId, note, reference };
      if (product.serial_tracked) {
        // The units are the serial numbers named (or chosen first expiry first): serial-movements.ts.
        const { out, into, entries } = await transferSerials(ledger, {
          source,
          destination,
          quantity,
          serials,
          sourceLocationId: placement.locationId || undefined,
          destinationLocation: { id: destinationLocationId || destinationId, state: destinationState },
          reorderPoint: product.reorder_point,
          ...details,
        });
        return {
          sourceStockLevel: toStockLevel(out.level),
          destinationStockLevel: toStockLevel(into.level),
          transactions: entries.map((e) => ({ ...toTransaction(e), serialNumbers: e.serialNumbers })),
        };
      }
      const simple =
        levelOnly(product, source, placement) &&
        (destinationLocationId === '' || destinationLocationId === destinationId);
      if (simple) {
        const movements: Movement[] = [
          { type: 'transfer_out', key: source, delta: { onHand: -quantity, reserved: 0 }, ...details },
          {
            type: 'transfer_in',
            key: destination,
            delta: { onHand: quantity, reserved: 0 },
            reorderPointIfNew: product.reorder_point,
            ...details,
          },
        ];
        const done = new Map<Movement, Awaited<ReturnType<StockLedger['move']>>>();
        let short: number | undefined;
        for (const m of [...movements].sort((a, b) => compareLevelKeys(a.key, b.key))) {
          const result = await ledger.tryMove(m);
          if ('available' in result) {
            short = result.available;
            break;
          }
          done.set(m, result);
        }
        if (short === undefined) {
          const [out, into] = movements.map((m) => done.get(m)!);
          return {
            sourceStockLevel: toStockLevel(out!.level),
            destinationStockLevel: toStockLevel(into!.level),
            transactions: [toTransaction(out!.entry), toTransaction(into!.entry)],
          };
        }
        // Not all of it in the source's default location (or too little): located transfer
        // below, in a clean state only when nothing was written yet.
        if (short < quantity || done.size > 0) throw insufficientStock(short, quantity, source);
      }
      // Both levels locked in the domain's order before either side moves.
      for (const key of [source, destination].sort(compareLevelKeys))
        await lockLevel(ledger, key, key === destination ? product.reorder_point : undefined);
      const { moved: out, takes } = await mustTakeLocated(ledger, {
        key: source,
        quantity,
        placement,
        type: 'transfer_out',
        tracked: isTracked(product),
        ...details,
      });
      const into = await putLocated(ledger, destination, takes, destinationLocationId, {
        ...details,
        tracked: isTracked(product),
      });
      return {
        sourceStockLevel: toStockLevel(out.level),
        destinationStockLevel: toStockLevel(into.level),
        transactions: [...out.entries, ...into.entries].map(toTransaction),
      };
    });
  }

  /**
   * Moves stock between two locations of one warehouse (located-stock.ts moveLocated).
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION (INSUFFICIENT_STOCK, LOCATION_INACTIVE, ...).
   */
  async move(scope: TenantScope, request: MoveStockRequest): Promise<MoveStockResponse> {
    const v = new Violations();
    const { key, note, reference } = levelAndText(v, request);
    const sourceLocationId = input.id(v, 'source_location_id', request.sourceLocationId);
    const destinationLocationId = input.id(v, 'destination_location_id', request.destinationLocationId);
    if (sourceLocationId && sourceLocationId === destinationLocationId)
      v.add('destination_location_id', 'must differ from source_location_id');
    const quantity = input.movementQuantity(v, 'quantity', request.quantity);
    const lotId = input.optionalId(v, 'lot_id', request.lotId);
    const serials = serialNumbers(v, 'serial_numbers', request.serialNumbers);
    v.throwIfAny();
    return mutation(this.app.db, scope, wireMethod(StockServiceService.moveStock), request, async (work) => {
      const product = await requireProduct(work, key.productId);
      await requireWarehouse(work, key.warehouseId);
      serialsForProduct(product, serials, quantity, { required: false });
      const ledger = new StockLedger(work, this.app.cache);
      if (product.serial_tracked) {
        if (lotId) {
          assertLotTracked({ ...product });
          await requireLot(work, lotId, product.id, 'lot_id');
        }
        if (sourceLocationId !== key.warehouseId)
          await requireLocation(work, sourceLocationId, key.warehouseId, 'source_location_id');
        const destination = await requireLocation(
          work,
          destinationLocationId,
          key.warehouseId,
          'destination_location_id',
        );
        assertLocationOpen(destination);
        const { moved, outCount, entries } = await moveSerials(ledger, {
          key,
          quantity,
          serials,
          sourceLocationId,
          destination: {
            id: destination.id,
            state: destination.is_default ? 'available' : stockStateOf(destination.type),
          },
          lotId: lotId || undefined,
          transferId: randomUUID(),
          note,
          reference,
        });
        // The ledger has the arrivals first; the answer lists departures first (as below).
        const written = entries.map((e) => ({ ...toTransaction(e), serialNumbers: e.serialNumbers }));
        const balances = moved.balances.map(toStockBalance);
        return {
          stockLevel: toStockLevel(moved.level),
          transactions: [...written.slice(written.length - outCount), ...written.slice(0, written.length - outCount)],
          balances: [...balances.slice(balances.length - outCount), ...balances.slice(0, balances.length - outCount)],
        };
      }
      const moved = await moveLocated(ledger, product, {
        key,
        quantity,
        sourceLocationId,
        destinationLocationId,
        lotId,
        transferId: randomUUID(),
        note,
        reference,
      });
      // The ledger has the arrivals first (see moveLocated); the answer lists departures first.
      const order = (list: readonly unknown[]) => [
        ...list.slice(list.length - moved.outCount),
        ...list.slice(0, list.length - moved.outCount),
      ];
      return {
        stockLevel: toStockLevel(moved.level),
        transactions: (order(moved.entries) as TransactionRow[]).map(toTransaction),
        balances: (order(moved.balances) as BalanceMoved['balances']).map(toStockBalance),
      };
    });
  }
}

/**
 * Corrects one balance (a location other than the default, or a lot): by a delta, or to a
 * counted quantity computed under the level's lock.
 */
async function adjustBalance(
  ledger: StockLedger,
  key: LevelKey,
  product: ProductRef,
  a: {
    /** Serial-tracked products: the units found (delta > 0) or lost (delta < 0), one per unit. */
    serials: readonly string[];
    locationId: string;
    lotId: string | null;
    delta: number | undefined;
    counted: number | undefined;
    reorderPoint: number;
    details: { reason?: string; countedQuantity?: number; note: string; reference: string };
  },
): Promise<BalanceMoved> {
  const { work } = ledger;
  let state: 'available' | 'hold' | 'damaged' = 'available';
  if (a.locationId !== key.warehouseId) {
    const location = await requireLocation(work, a.locationId, key.warehouseId, 'location_id');
    state = stockStateOf(location.type);
  }
  const level = await lockLevel(ledger, key, a.reorderPoint);
  const balance =
    !isTracked(product) && a.locationId === key.warehouseId && a.lotId === null
      ? { quantity_on_hand: level!.quantity_on_hand - level!.quantity_located, quantity_reserved: 0 }
      : ((await work.tx
          .selectFrom('stock_balances')
          .select(['quantity_on_hand', 'quantity_reserved'])
          .where('organization_id', '=', ledger.organizationId)
          .where('warehouse_id', '=', key.warehouseId)
          .where('product_id', '=', key.productId)
          .where('location_id', '=', a.locationId)
          .where(sql<boolean>`lot_id IS NOT DISTINCT FROM ${a.lotId}::uuid`)
          .executeTakeFirst()) ?? { quantity_on_hand: 0, quantity_reserved: 0 });
  const delta = a.counted !== undefined ? a.counted - balance.quantity_on_hand : a.delta!;
  // Serials: as many as the change (known only now for a count), the lost ones in this balance.
  let lost: PickedSerial[] = [];
  if (product.serial_tracked) {
    if (delta === 0 && a.serials.length > 0)
      new Violations().add('serial_numbers', 'must be empty: the count equals the books').throwIfAny();
    if (delta !== 0) serialsForProduct(product, a.serials, Math.abs(delta), { required: true });
    if (delta < 0) {
      lost = await pickSerials(work, {
        productId: key.productId,
        warehouseId: key.warehouseId,
        locationId: a.locationId,
        lotId: a.lotId ?? undefined,
        serials: a.serials,
        quantity: -delta,
      });
    }
  }
  const free = balance.quantity_on_hand - balance.quantity_reserved;
  if (delta < 0 && free < -delta) throw insufficientStock(free, -delta, key);
  const moved = await applyBalanceMovement(ledger, {
    ...a.details,
    key,
    tracked: isTracked(product),
    changes: [
      {
        type: 'adjust',
        locationId: a.locationId,
        lotId: a.lotId,
        state,
        onHand: delta,
        reserved: 0,
        // The serials found (received) or lost (issued), for the ledger row's event.
        serialNumbers: product.serial_tracked ? (delta > 0 ? a.serials : lost.map((x) => x.serial_number)) : undefined,
      },
    ],
  });
  if (!moved) throw insufficientStock(level!.quantity_available ?? 0, -delta, key);
  const entry = moved.entries[0]!;
  if (delta > 0 && product.serial_tracked) {
    await receiveSerials(work, {
      productId: key.productId,
      lotId: a.lotId,
      warehouseId: key.warehouseId,
      locationId: a.locationId,
      serials: a.serials,
      transactionId: entry.id,
    });
  }
  if (lost.length > 0) await settleSerials(work, lost, { status: 'issued' }, () => entry.id);
  return moved;
}
