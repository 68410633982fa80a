import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  PurchaseOrderServiceService,
  type ListReceiptsRequest,
  type ListReceiptsResponse,
  type ReceivePurchaseOrderRequest,
  type ReceivePurchaseOrderResponse,
} from '../../gen/ts/imsop/procurement/v1/purchase_order_service.js';
import { recordChanges } from '../platform/change-feed/record-change.js';
import { created, domainEvent } from '../platform/change-feed/resource-change.js';
import { recordEvent } from '../platform/outbox/record-event.js';
import type { Database, TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { AppError, failedPrecondition, GrpcStatus, notFound } from '../platform/errors.js';
import { checkEtag } from '../platform/etag.js';
import { mutation, wireMethod } from '../platform/mutation.js';
import type { PageTokens } from '../platform/page-tokens.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import type { InventoryPort, ReceivedLot } from './inventory-port.js';
import { purchaseOrderJson, RECEIPT, receiptJson } from './change-events.js';
import { receiptColumns, receiptLineColumns, toPurchaseOrder, toReceipt, type ReceiptLineRow } from './mappers.js';
import { MAX_ITEMS, MAX_QUANTITY } from './purchase-order-items.js';
import {
  findPurchaseOrder,
  loadItems,
  lockPurchaseOrder,
  touchPurchaseOrder,
  withItems,
} from './purchase-order-queries.js';
import { assertActionAllowed } from './purchase-order-status.js';

/** One line of a receipt: an order item and how many units arrived (`index`: its position in the request). */
export interface ReceiptInputLine {
  index: number;
  itemId: string;
  quantity: number;
  /** The lot received (lot-tracked products), as the request line names it. */
  lot?: ReceivedLot;
  serialNumbers?: readonly string[];
}

/**
 * Receiving goods against purchase orders, and the receipts that record it.
 *
 * A receipt is one transaction: lock the order (so receipts of one order serialise and each sees
 * the last one's quantities), grow each line's quantity_received with a conditional UPDATE that
 * cannot pass the ordered quantity plus tolerance, raise stock through inventory's receive
 * movement (ledger row + level) in the same transaction, record the receipt, move the order to
 * PARTIALLY_RECEIVED or RECEIVED. Anything failing rolls all of it back: no stock without a
 * receipt, no receipt without stock.
 */
export class ReceivingService {
  constructor(
    private readonly db: Database,
    private readonly inventory: InventoryPort,
    private readonly pageTokens: PageTokens,
  ) {}

  /**
   * @throws AppError INVALID_ARGUMENT (fields), NOT_FOUND (`PURCHASE_ORDER_NOT_FOUND`,
   *   `PURCHASE_ORDER_ITEM_NOT_FOUND`, or inventory's for the warehouse), FAILED_PRECONDITION
   *   (`PURCHASE_ORDER_IS_<STATE>`, `OVER_RECEIPT`, or inventory's), ABORTED `ETAG_MISMATCH`.
   */
  async receive(scope: TenantScope, request: ReceivePurchaseOrderRequest): Promise<ReceivePurchaseOrderResponse> {
    const v = new Violations().uuid('id', request.id).uuid('warehouse_id', request.warehouseId);
    const notes = request.notes.trim();
    v.maxChars('notes', notes, 1000);
    if (request.lines.length === 0) v.add('lines', 'must have at least one line');
    if (request.lines.length > MAX_ITEMS) v.add('lines', `must have at most ${MAX_ITEMS} lines`);
    const seen = new Set<string>();
    const lines = request.lines.map((line, index) => {
      const itemId = line.purchaseOrderItemId.trim().toLowerCase();
      v.uuid(`lines[${index}].purchase_order_item_id`, itemId);
      if (itemId && seen.has(itemId))
        v.add(`lines[${index}].purchase_order_item_id`, 'names the same item as an earlier line');
      seen.add(itemId);
      if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
        v.add(`lines[${index}].quantity`, `must be a whole number from 1 to ${MAX_QUANTITY}`);
      }
      const lotNumber = line.lotNumber.trim();
      const lot =
        lotNumber || line.expiryDate || line.manufactureDate || line.supplierLotReference
          ? {
              lotNumber,
              expiryDate: line.expiryDate,
              manufactureDate: line.manufactureDate,
              supplierLotReference: line.supplierLotReference,
            }
          : undefined;
      return { index, itemId, quantity: line.quantity, lot, serialNumbers: line.serialNumbers };
    });
    const locationId = request.locationId.trim().toLowerCase();
    if (locationId) v.uuid('location_id', locationId);
    v.throwIfAny();
    const receipt = {
      purchaseOrderId: request.id.toLowerCase(),
      etag: request.etag,
      warehouseId: request.warehouseId.toLowerCase(),
      locationId,
      lines,
      notes,
    };
    return mutation(this.db, scope, wireMethod(PurchaseOrderServiceService.receivePurchaseOrder), request, (work) =>
      this.receiveInTransaction(work, receipt),
    );
  }

  /**
   * A receipt in the caller's unit of work (validated input): what ReceivePurchaseOrder does
   * once its request is checked. For other domains that receive goods as part of their own
   * change, e.g. the delivery of an inbound shipment.
   * @throws AppError as receive does (except INVALID_ARGUMENT).
   */
  async receiveInTransaction(
    work: UnitOfWork,
    receipt: {
      purchaseOrderId: string;
      etag?: string;
      warehouseId: string;
      locationId?: string;
      lines: ReceiptInputLine[];
      notes: string;
    },
  ): Promise<ReceivePurchaseOrderResponse> {
    const org = work.tenant.organizationId;
    const { warehouseId, lines, notes } = receipt;
    const order = await lockPurchaseOrder(work, receipt.purchaseOrderId);
    checkEtag(receipt.etag, order.version);
    assertActionAllowed(order.status, 'receive');
    const itemsBefore = await loadItems(work, order.id);
    const items = new Map(itemsBefore.map((item) => [item.id, item]));
    for (const line of lines) {
      if (!items.has(line.itemId)) {
        const field = `lines[${line.index}].purchase_order_item_id`;
        throw new AppError(
          GrpcStatus.NOT_FOUND,
          'PURCHASE_ORDER_ITEM_NOT_FOUND',
          `${field} is not an item of this purchase order.`,
          {
            metadata: { resource: 'purchase order item', field },
          },
        );
      }
    }

    const receiptId = randomUUID();
    const written: ReceiptLineRow[] = [];
    // Stock levels are locked per (warehouse, product): visit them in product order, like every
    // other multi-line stock operation, so concurrent ones cannot deadlock.
    const byProduct = [...lines].sort((a, b) => {
      const pa = items.get(a.itemId)!.product_id;
      const pb = items.get(b.itemId)!.product_id;
      return pa < pb ? -1 : pa > pb ? 1 : a.itemId < b.itemId ? -1 : 1;
    });
    for (const line of byProduct) {
      const item = items.get(line.itemId)!;
      const limit = Math.floor((item.quantity_ordered * (100 + order.over_receipt_tolerance_percent)) / 100);
      // The order lock already serialises receipts; the condition makes over-receipt
      // impossible even so (and states the rule where the quantity changes).
      const grown = await work.tx
        .updateTable('purchase_order_items')
        .set({
          quantity_received: sql`quantity_received + ${line.quantity}`,
          fully_received_at: sql`CASE WHEN fully_received_at IS NULL AND quantity_received + ${line.quantity} >= quantity_ordered THEN now() ELSE fully_received_at END`,
          updated_at: sql`now()`,
        })
        .where('organization_id', '=', org)
        .where('purchase_order_id', '=', order.id)
        .where('id', '=', item.id)
        .where(sql<number>`quantity_received::bigint + ${line.quantity}`, '<=', limit)
        .returning('quantity_received')
        .executeTakeFirst();
      if (!grown) {
        const receivable = Math.max(0, limit - item.quantity_received);
        throw failedPrecondition(
          'OVER_RECEIPT',
          `lines[${line.index}] would receive ${line.quantity} units of line ${item.line_number}, but only ${receivable} more can be received (ordered ${item.quantity_ordered}, received ${item.quantity_received}, tolerance ${order.over_receipt_tolerance_percent}%).`,
          { item_id: item.id, receivable: String(receivable), field: `lines[${line.index}].quantity` },
        );
      }
      const { transactionId, lotId } = await this.inventory.receiveStock(work, {
        warehouseId,
        productId: item.product_id,
        quantity: line.quantity,
        reference: order.po_number,
        note: `Receipt ${receiptId}, line ${item.line_number}`,
        locationId: receipt.locationId,
        lot: line.lot,
        serialNumbers: line.serialNumbers,
        field: `lines[${line.index}]`,
      });
      written.push({
        receipt_id: receiptId,
        purchase_order_item_id: item.id,
        product_id: item.product_id,
        quantity: line.quantity,
        inventory_transaction_id: transactionId,
        lot_id: lotId,
        lot_number: line.lot?.lotNumber ?? '',
      });
    }

    const stored = await work.tx
      .insertInto('receipts')
      .values({
        organization_id: org,
        id: receiptId,
        purchase_order_id: order.id,
        warehouse_id: warehouseId,
        received_by: work.actor.id,
        notes,
      })
      .returning(receiptColumns)
      .executeTakeFirstOrThrow();
    await work.tx
      .insertInto('receipt_lines')
      .values(written.map((line) => ({ organization_id: org, ...line })))
      .execute();

    const { complete } = await work.tx
      .selectFrom('purchase_order_items')
      .select(sql<boolean>`bool_and(quantity_received >= quantity_ordered)`.as('complete'))
      .where('organization_id', '=', org)
      .where('purchase_order_id', '=', order.id)
      .executeTakeFirstOrThrow();
    const updated = await touchPurchaseOrder(
      work,
      order.id,
      complete ? { status: 'received', received_at: sql`now()` } : { status: 'partially_received' },
    );
    if (complete)
      await recordEvent(work, {
        type: 'procurement.purchase_order_received',
        entityId: order.id,
        metadata: { supplier_id: updated.supplier_id, receipt_id: receiptId },
      });
    const inRequestOrder = lines.map((line) => written.find((w) => w.purchase_order_item_id === line.itemId)!);
    const purchaseOrder = await withItems(work, updated);
    const receiptMessage = toReceipt(stored, inRequestOrder);
    await recordChanges(work, [
      created(RECEIPT, receiptJson(receiptMessage)),
      domainEvent(
        complete ? 'purchase_order.received' : 'purchase_order.partially_received',
        purchaseOrderJson(purchaseOrder),
        purchaseOrderJson(toPurchaseOrder(order, itemsBefore)),
      ),
    ]);
    return { purchaseOrder, receipt: receiptMessage };
  }

  /**
   * Receives quantities of products (not of order lines) against an order, in the caller's
   * unit of work: each product's quantity fills the order's open lines of that product in line
   * order, and whatever exceeds them goes to its last line, where the order's over-receipt
   * tolerance decides.
   * @throws AppError FAILED_PRECONDITION `PRODUCT_NOT_ON_PURCHASE_ORDER`, or as receiveInTransaction.
   */
  async receiveProducts(
    work: UnitOfWork,
    receipt: {
      purchaseOrderId: string;
      warehouseId: string;
      lines: { productId: string; quantity: number }[];
      notes: string;
    },
  ): Promise<ReceivePurchaseOrderResponse> {
    const order = await lockPurchaseOrder(work, receipt.purchaseOrderId);
    const items = await loadItems(work, order.id);
    const lines: ReceiptInputLine[] = [];
    for (const { productId, quantity } of receipt.lines) {
      const candidates = items
        .filter((item) => item.product_id === productId)
        .sort((a, b) => a.line_number - b.line_number);
      if (candidates.length === 0) {
        throw failedPrecondition(
          'PRODUCT_NOT_ON_PURCHASE_ORDER',
          `Purchase order ${order.po_number} has no line for product ${productId}.`,
          {
            product_id: productId,
          },
        );
      }
      let left = quantity;
      candidates.forEach((item, i) => {
        const open = Math.max(0, item.quantity_ordered - item.quantity_received);
        const take = i === candidates.length - 1 ? left : Math.min(left, open);
        if (take > 0) lines.push({ index: lines.length, itemId: item.id, quantity: take });
        left -= take;
      });
    }
    return this.receiveInTransaction(work, {
      purchaseOrderId: order.id,
      warehouseId: receipt.warehouseId,
      lines,
      notes: receipt.notes,
    });
  }

  /**
   * One order's receipts, oldest first, keyset-paged on (received_at, id); the time travels as
   * PostgreSQL text (microseconds: a JS Date would truncate them and repeat or skip rows).
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND `PURCHASE_ORDER_NOT_FOUND`.
   */
  async list(scope: TenantScope, request: ListReceiptsRequest): Promise<ListReceiptsResponse> {
    new Violations().uuid('purchase_order_id', request.purchaseOrderId).throwIfAny();
    const size = resolvePageSize(request.pageSize);
    const org = scope.organizationId;
    const purchaseOrderId = request.purchaseOrderId.toLowerCase();
    const binding = {
      organizationId: org,
      method: PurchaseOrderServiceService.listReceipts.path,
      filter: { purchaseOrderId },
    };
    const after = this.pageTokens.decode(request.pageToken, binding, ['timestamp', 'uuid']);
    return this.db.inTenant(scope, async (work) => {
      if (!(await findPurchaseOrder(work, purchaseOrderId))) throw notFound('purchase order');
      let query = work.tx
        .selectFrom('receipts')
        .select([...receiptColumns, sql<string>`received_at::text`.as('cursor_time')])
        .where('organization_id', '=', org)
        .where('purchase_order_id', '=', purchaseOrderId);
      if (after) query = query.where(sql`(received_at, id)`, '>', sql`(${after[0]}::timestamptz, ${after[1]}::uuid)`);
      const rows = await query
        .orderBy('received_at')
        .orderBy('id')
        .limit(size + 1)
        .execute();
      const { items: page, nextPageToken } = this.pageTokens.page(rows, size, binding, (r) => [r.cursor_time, r.id]);
      const lines =
        page.length === 0
          ? []
          : await work.tx
              .selectFrom('receipt_lines')
              .select(receiptLineColumns)
              .where('organization_id', '=', org)
              .where(
                'receipt_id',
                'in',
                page.map((r) => r.id),
              )
              .orderBy('receipt_id')
              .orderBy('purchase_order_item_id')
              .execute();
      return {
        receipts: page.map((r) =>
          toReceipt(
            r,
            lines.filter((l) => l.receipt_id === r.id),
          ),
        ),
        nextPageToken,
      };
    });
  }
}
