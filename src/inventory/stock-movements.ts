import { randomUUID } from 'node:crypto';
import { AdjustmentReason } from '../../gen/ts/imsop/inventory/v1/resources.js';
import {
  StockServiceService,
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
import * as input from './input.js';
import { ADJUSTMENT_REASON, toStockLevel, toTransaction, type StockLevelRow, type TransactionRow } from './mappers.js';
import { assertInboundOpen, assertStockable, requireProduct, requireWarehouse } from './references.js';
import { compareLevelKeys, StockLedger, type LevelKey, type Movement } from './stock-ledger.js';

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
 * within their limits.
 * @throws AppError NOT_FOUND (PRODUCT_NOT_FOUND, WAREHOUSE_NOT_FOUND), FAILED_PRECONDITION
 *   (PRODUCT_ARCHIVED, WAREHOUSE_INACTIVE, STOCK_LIMIT_EXCEEDED).
 */
export async function receiveInTransaction(
  work: UnitOfWork,
  cache: Cache,
  movement: { key: LevelKey; quantity: number; note: string; reference: string },
): Promise<{ level: StockLevelRow; entry: TransactionRow }> {
  const { key } = movement;
  const product = await requireProduct(work, key.productId);
  const warehouse = await requireWarehouse(work, key.warehouseId);
  assertStockable(product);
  assertInboundOpen(warehouse);
  return new StockLedger(work, cache).move({
    type: 'receive',
    key,
    delta: { onHand: movement.quantity, reserved: 0 },
    reorderPointIfNew: product.reorder_point,
    note: movement.note,
    reference: movement.reference,
  });
}

/** Receipts, issues, adjustments and transfers: each one or two levels plus their ledger rows. */
export class StockMovements {
  constructor(private readonly app: AppContext) {}

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION (PRODUCT_ARCHIVED, WAREHOUSE_INACTIVE, STOCK_LIMIT_EXCEEDED). */
  async receive(scope: TenantScope, request: ReceiveStockRequest): Promise<ReceiveStockResponse> {
    const v = new Violations();
    const { key, note, reference } = levelAndText(v, request);
    const quantity = input.movementQuantity(v, 'quantity', request.quantity);
    v.throwIfAny();
    return mutation(this.app.db, scope, wireMethod(StockServiceService.receiveStock), request, async (work) => {
      const { level, entry } = await receiveInTransaction(work, this.app.cache, { key, quantity, note, reference });
      return { stockLevel: toStockLevel(level), transaction: toTransaction(entry), balance: undefined };
    });
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION `INSUFFICIENT_STOCK`. */
  async issue(scope: TenantScope, request: IssueStockRequest): Promise<IssueStockResponse> {
    const v = new Violations();
    const { key, note, reference } = levelAndText(v, request);
    const quantity = input.movementQuantity(v, 'quantity', request.quantity);
    v.throwIfAny();
    return mutation(this.app.db, scope, wireMethod(StockServiceService.issueStock), request, async (work) => {
      await requireProduct(work, key.productId);
      await requireWarehouse(work, key.warehouseId);
      const ledger = new StockLedger(work, this.app.cache);
      const { level, entry } = await ledger.move({
        type: 'issue',
        key,
        delta: { onHand: -quantity, reserved: 0 },
        note,
        reference,
      });
      return {
        stockLevel: toStockLevel(level),
        transaction: toTransaction(entry),
        transactions: [toTransaction(entry)],
      };
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
    v.throwIfAny();
    const org = scope.organizationId;
    return mutation(this.app.db, scope, wireMethod(StockServiceService.adjustStock), request, async (work) => {
      const product = await requireProduct(work, key.productId);
      await requireWarehouse(work, key.warehouseId);
      if (counted !== undefined) {
        const current = await work.tx
          .selectFrom('inventory')
          .select('quantity_on_hand')
          .where('organization_id', '=', org)
          .where('warehouse_id', '=', key.warehouseId)
          .where('product_id', '=', key.productId)
          .forNoKeyUpdate()
          .executeTakeFirst();
        delta = counted - (current?.quantity_on_hand ?? 0);
      }
      const ledger = new StockLedger(work, this.app.cache);
      const { level, entry } = await ledger.move({
        type: 'adjust',
        key,
        delta: { onHand: delta!, reserved: 0 },
        reorderPointIfNew: product.reorder_point,
        reason: ADJUSTMENT_REASON.fromProto(reason!),
        countedQuantity: counted,
        note,
        reference,
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
    v.throwIfAny();
    return mutation(this.app.db, scope, wireMethod(StockServiceService.transferStock), request, async (work) => {
      const product = await requireProduct(work, productId);
      await requireWarehouse(work, sourceId);
      assertInboundOpen(await requireWarehouse(work, destinationId));
      const transferId = randomUUID();
      const source: LevelKey = { warehouseId: sourceId, productId };
      const destination: LevelKey = { warehouseId: destinationId, productId };
      const movements: Movement[] = [
        { type: 'transfer_out', key: source, delta: { onHand: -quantity, reserved: 0 }, transferId, note, reference },
        {
          type: 'transfer_in',
          key: destination,
          delta: { onHand: quantity, reserved: 0 },
          reorderPointIfNew: product.reorder_point,
          transferId,
          note,
          reference,
        },
      ];
      const ledger = new StockLedger(work, this.app.cache);
      const done = new Map<Movement, Awaited<ReturnType<StockLedger['move']>>>();
      for (const m of [...movements].sort((a, b) => compareLevelKeys(a.key, b.key))) done.set(m, await ledger.move(m));
      const [out, into] = movements.map((m) => done.get(m)!);
      return {
        sourceStockLevel: toStockLevel(out!.level),
        destinationStockLevel: toStockLevel(into!.level),
        transactions: [toTransaction(out!.entry), toTransaction(into!.entry)],
      };
    });
  }
}
