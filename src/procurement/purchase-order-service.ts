import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  PurchaseOrderServiceService,
  type ApprovePurchaseOrderRequest,
  type CancelPurchaseOrderRequest,
  type ClosePurchaseOrderRequest,
  type CreatePurchaseOrderRequest,
  type CreatePurchaseOrderResponse,
  type GetPurchaseOrderRequest,
  type GetPurchaseOrderResponse,
  type ListPurchaseOrdersRequest,
  type ListPurchaseOrdersResponse,
  type SubmitPurchaseOrderRequest,
  type UpdatePurchaseOrderRequest,
  type UpdatePurchaseOrderResponse,
} from '../../gen/ts/imsop/procurement/v1/purchase_order_service.js';
import { PurchaseOrderStatus, type PurchaseOrder } from '../../gen/ts/imsop/procurement/v1/resources.js';
import { recordEvent } from '../platform/outbox/record-event.js';
import type { Database, TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { failedPrecondition, invalidArgument, notFound } from '../platform/errors.js';
import { checkEtag } from '../platform/etag.js';
import { maskPaths } from '../platform/field-mask.js';
import { recordChange } from '../platform/change-feed/record-change.js';
import { created, domainEvent, updated as updatedChange } from '../platform/change-feed/resource-change.js';
import { mutation, wireMethod, type MethodDefinition } from '../platform/mutation.js';
import type { PageTokens } from '../platform/page-tokens.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import type { InventoryPort } from './inventory-port.js';
import { PURCHASE_ORDER, purchaseOrderJson } from './change-events.js';
import {
  purchaseOrderColumns,
  toPurchaseOrder,
  type ItemRow,
  type PurchaseOrderRow,
  type SupplierRow,
} from './mappers.js';
import { nextPurchaseOrderNumber } from './po-number.js';
import { checkOrderable, insertItems, parseItems, replaceItems } from './purchase-order-items.js';
import {
  findPurchaseOrder,
  itemsTotal,
  loadItems,
  lockPurchaseOrder,
  touchPurchaseOrder,
  withItems,
  type PurchaseOrderChange,
} from './purchase-order-queries.js';
import { assertActionAllowed, statusFromProto, type PurchaseOrderAction } from './purchase-order-status.js';
import { findSupplier } from './supplier-service.js';

/** The change event each state change records (docs/change-events.md). */
const TRANSITION_EVENTS = {
  submit: 'purchase_order.submitted',
  approve: 'purchase_order.approved',
  cancel: 'purchase_order.cancelled',
  close: 'purchase_order.closed',
} as const;

const UPDATABLE = ['supplier_id', 'currency_code', 'over_receipt_tolerance_percent', 'notes', 'items'] as const;
const CURRENCY = /^[A-Z]{3}$/;
const ITEMS = 'purchase_order.items';

/** A state change: the request fields every one of them has. */
interface TransitionRequest {
  id: string;
  etag: string;
  requestId: string;
}

/**
 * Purchase orders: writing drafts and moving orders through their states. Every change locks
 * the order's row first (lockPurchaseOrder), checks the etag and the state machine, and bumps
 * the version; receiving lives in receiving.ts.
 */
export class PurchaseOrderService {
  constructor(
    private readonly db: Database,
    private readonly inventory: InventoryPort,
    private readonly pageTokens: PageTokens,
  ) {}

  /**
   * @throws AppError INVALID_ARGUMENT for bad fields; NOT_FOUND `SUPPLIER_NOT_FOUND` /
   *   `PRODUCT_NOT_FOUND`; FAILED_PRECONDITION `SUPPLIER_INACTIVE` / `PRODUCT_NOT_ORDERABLE`.
   */
  async create(scope: TenantScope, request: CreatePurchaseOrderRequest): Promise<CreatePurchaseOrderResponse> {
    const v = new Violations();
    const po = request.purchaseOrder;
    if (!po) v.add('purchase_order', 'is required').throwIfAny();
    const supplierId = po!.supplierId.trim().toLowerCase();
    v.uuid('purchase_order.supplier_id', supplierId);
    const currency = checkCurrency(v, po!.currencyCode);
    checkTolerance(v, po!.overReceiptTolerancePercent);
    const notes = po!.notes.trim();
    v.maxChars('purchase_order.notes', notes, 2000);
    const items = parseItems(v, ITEMS, po!.items, currency, false);
    v.throwIfAny();
    const org = scope.organizationId;

    return mutation(
      this.db,
      scope,
      wireMethod(PurchaseOrderServiceService.createPurchaseOrder),
      request,
      async (work) => {
        const supplier = await orderableSupplier(work, supplierId);
        await checkOrderable(work, this.inventory, ITEMS, items);
        // Last, right before the insert: the counter's row lock is held until commit.
        const number = await nextPurchaseOrderNumber(work);
        const id = randomUUID();
        await work.tx
          .insertInto('purchase_orders')
          .values({
            organization_id: org,
            id,
            number,
            supplier_id: supplier.id,
            currency_code: currency!,
            over_receipt_tolerance_percent: po!.overReceiptTolerancePercent,
            notes,
            created_by: work.actor.id,
          })
          .execute();
        const lastLineNumber = await insertItems(
          work,
          { id, lastLineNumber: 0, leadTimeDays: supplier.default_lead_time_days },
          items,
        );
        // Same transaction, same version: nobody has seen the order without its items.
        const row = await work.tx
          .updateTable('purchase_orders')
          .set({ total_amount: itemsTotal(org, id), last_line_number: lastLineNumber })
          .where('organization_id', '=', org)
          .where('id', '=', id)
          .returning(purchaseOrderColumns)
          .executeTakeFirstOrThrow();
        const purchaseOrder = await withItems(work, row);
        await recordChange(work, created(PURCHASE_ORDER, purchaseOrderJson(purchaseOrder)));
        return { purchaseOrder };
      },
    );
  }

  /** @throws AppError INVALID_ARGUMENT (id not a UUID), NOT_FOUND `PURCHASE_ORDER_NOT_FOUND`. */
  async get(scope: TenantScope, request: GetPurchaseOrderRequest): Promise<GetPurchaseOrderResponse> {
    new Violations().uuid('id', request.id).throwIfAny();
    return this.db.inTenant(scope, async (work) => {
      const row = await findPurchaseOrder(work, request.id);
      if (!row) throw notFound('purchase order');
      return { purchaseOrder: await withItems(work, row) };
    });
  }

  /**
   * Newest first: keyset pages on the order number (unique per organization), each filter
   * served by an index in number order.
   * @throws AppError INVALID_ARGUMENT for a bad page size, filter or page token.
   */
  async list(scope: TenantScope, request: ListPurchaseOrdersRequest): Promise<ListPurchaseOrdersResponse> {
    const v = new Violations();
    const status = statusFromProto(request.status);
    if (request.status !== PurchaseOrderStatus.PURCHASE_ORDER_STATUS_UNSPECIFIED && !status)
      v.add('status', 'is not a known purchase order status');
    const supplierId = request.supplierId.trim().toLowerCase();
    v.uuid('supplier_id', supplierId, false);
    const { createTimeStart: start, createTimeEnd: end } = request;
    if (start && end && start.getTime() >= end.getTime()) v.add('create_time_end', 'must be after create_time_start');
    v.throwIfAny();
    const size = resolvePageSize(request.pageSize);
    const org = scope.organizationId;
    const binding = {
      organizationId: org,
      method: PurchaseOrderServiceService.listPurchaseOrders.path,
      filter: { status, supplierId, start: start?.toISOString(), end: end?.toISOString() },
    };
    const after = this.pageTokens.decode(request.pageToken, binding, ['integer']);
    return this.db.inTenant(scope, async (work) => {
      let query = work.tx
        .selectFrom('purchase_orders as po')
        .select(purchaseOrderColumns.map((c) => `po.${c}` as const))
        .select(
          sql<number>`(SELECT count(*)::int FROM purchase_order_items i WHERE i.organization_id = po.organization_id AND i.purchase_order_id = po.id)`.as(
            'item_count',
          ),
        )
        .where('po.organization_id', '=', org);
      if (status) query = query.where('po.status', '=', status);
      if (supplierId) query = query.where('po.supplier_id', '=', supplierId);
      if (start) query = query.where('po.created_at', '>=', start);
      if (end) query = query.where('po.created_at', '<', end);
      if (after) query = query.where('po.number', '<', after[0]);
      const rows = await query
        .orderBy('po.number', 'desc')
        .limit(size + 1)
        .execute();
      const page = this.pageTokens.page(rows, size, binding, (row) => [Number(row.number)]);
      return {
        purchaseOrders: page.items.map((row) => toPurchaseOrder(row, undefined, row.item_count)),
        nextPageToken: page.nextPageToken,
      };
    });
  }

  /**
   * Changes a DRAFT order; `items` in the mask replaces its lines (see replaceItems). The total
   * is recomputed from the resulting lines.
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION (`PURCHASE_ORDER_IS_*`,
   *   `SUPPLIER_INACTIVE`, `PRODUCT_NOT_ORDERABLE`), ABORTED `ETAG_MISMATCH`.
   */
  async update(scope: TenantScope, request: UpdatePurchaseOrderRequest): Promise<UpdatePurchaseOrderResponse> {
    const paths = maskPaths(request.updateMask, UPDATABLE);
    const v = new Violations();
    const po = request.purchaseOrder;
    if (!po) v.add('purchase_order', 'is required').throwIfAny();
    v.uuid('purchase_order.id', po!.id);
    const supplierId = po!.supplierId.trim().toLowerCase();
    if (paths.has('supplier_id')) v.uuid('purchase_order.supplier_id', supplierId);
    const currency = paths.has('currency_code') ? checkCurrency(v, po!.currencyCode) : undefined;
    if (paths.has('over_receipt_tolerance_percent')) checkTolerance(v, po!.overReceiptTolerancePercent);
    const notes = po!.notes.trim();
    if (paths.has('notes')) v.maxChars('purchase_order.notes', notes, 2000);
    const items = paths.has('items') ? parseItems(v, ITEMS, po!.items, currency, true) : undefined;
    v.throwIfAny();
    const org = scope.organizationId;

    return mutation(
      this.db,
      scope,
      wireMethod(PurchaseOrderServiceService.updatePurchaseOrder),
      request,
      async (work) => {
        const row = await lockPurchaseOrder(work, po!.id);
        checkEtag(po!.etag, row.version);
        assertActionAllowed(row.status, 'update');
        const existing = await loadItems(work, row.id);
        const newCurrency = currency ?? row.currency_code;
        if (items) {
          const wrong = items.filter((i) => po!.items[i.index]!.unitPrice?.currencyCode !== newCurrency);
          if (wrong.length > 0) {
            throw invalidArgument(
              wrong.map((i) => ({
                field: `${ITEMS}[${i.index}].unit_price.currency_code`,
                description: `must be the order's currency ${newCurrency}`,
              })),
            );
          }
        } else if (newCurrency !== row.currency_code && existing.length > 0) {
          throw invalidArgument([
            {
              field: 'update_mask',
              description:
                'changing currency_code of an order with items needs `items` too, with prices in the new currency',
            },
          ]);
        }
        const supplier = paths.has('supplier_id') ? await orderableSupplier(work, supplierId) : undefined;
        let lastLineNumber = row.last_line_number;
        if (items) {
          const leadTimeDays = (supplier ?? (await findSupplier(work, row.supplier_id)))?.default_lead_time_days ?? 0;
          lastLineNumber = await replaceItems(
            work,
            this.inventory,
            { id: row.id, lastLineNumber, leadTimeDays },
            ITEMS,
            items,
            existing,
          );
        }
        const updated = await touchPurchaseOrder(work, row.id, {
          ...(supplier ? { supplier_id: supplier.id } : {}),
          ...(paths.has('currency_code') ? { currency_code: newCurrency } : {}),
          ...(paths.has('over_receipt_tolerance_percent')
            ? { over_receipt_tolerance_percent: po!.overReceiptTolerancePercent }
            : {}),
          ...(paths.has('notes') ? { notes } : {}),
          last_line_number: lastLineNumber,
          total_amount: itemsTotal(org, row.id),
        });
        const purchaseOrder = await withItems(work, updated);
        const before = toPurchaseOrder(row, existing);
        await recordChange(
          work,
          updatedChange(PURCHASE_ORDER, purchaseOrderJson(before), purchaseOrderJson(purchaseOrder)),
        );
        return { purchaseOrder };
      },
    );
  }

  /** DRAFT -> SUBMITTED. @throws AppError FAILED_PRECONDITION `PURCHASE_ORDER_HAS_NO_ITEMS` besides the transition errors. */
  submit<Res extends { purchaseOrder: PurchaseOrder | undefined }>(
    scope: TenantScope,
    method: MethodDefinition<SubmitPurchaseOrderRequest, Res>,
    request: SubmitPurchaseOrderRequest,
  ) {
    return this.#transition(scope, method, request, 'submit', async (work, row, items) => {
      if (items.length === 0)
        throw failedPrecondition(
          'PURCHASE_ORDER_HAS_NO_ITEMS',
          'A purchase order needs at least one item to be submitted.',
        );
      await recordEvent(work, {
        type: 'procurement.purchase_order_submitted',
        entityId: row.id,
        metadata: { supplier_id: row.supplier_id, total_amount: row.total_amount, currency_code: row.currency_code },
      });
      return { status: 'submitted', submitted_at: sql`now()` };
    });
  }

  /** SUBMITTED -> APPROVED, recording who approved. */
  approve<Res extends { purchaseOrder: PurchaseOrder | undefined }>(
    scope: TenantScope,
    method: MethodDefinition<ApprovePurchaseOrderRequest, Res>,
    request: ApprovePurchaseOrderRequest,
  ) {
    return this.#transition(scope, method, request, 'approve', async (work) => ({
      status: 'approved',
      approved_at: sql`now()`,
      approved_by: work.actor.id,
    }));
  }

  /** DRAFT | SUBMITTED | APPROVED -> CANCELLED. @throws AppError INVALID_ARGUMENT for a missing or over-long reason. */
  cancel<Res extends { purchaseOrder: PurchaseOrder | undefined }>(
    scope: TenantScope,
    method: MethodDefinition<CancelPurchaseOrderRequest, Res>,
    request: CancelPurchaseOrderRequest,
  ) {
    new Violations().requireText('reason', request.reason, 500).throwIfAny();
    return this.#transition(scope, method, request, 'cancel', async () => ({
      status: 'cancelled',
      cancelled_at: sql`now()`,
      cancel_reason: request.reason.trim(),
    }));
  }

  /** RECEIVED -> CLOSED. */
  close<Res extends { purchaseOrder: PurchaseOrder | undefined }>(
    scope: TenantScope,
    method: MethodDefinition<ClosePurchaseOrderRequest, Res>,
    request: ClosePurchaseOrderRequest,
  ) {
    return this.#transition(scope, method, request, 'close', async () => ({ status: 'closed', closed_at: sql`now()` }));
  }

  /**
   * One state change: lock, etag, state machine, then the change `apply` returns.
   * @throws AppError INVALID_ARGUMENT (id), NOT_FOUND, ABORTED `ETAG_MISMATCH`,
   *   FAILED_PRECONDITION `PURCHASE_ORDER_IS_<STATE>`.
   */
  #transition<Req extends TransitionRequest, Res extends { purchaseOrder: PurchaseOrder | undefined }>(
    scope: TenantScope,
    method: MethodDefinition<Req, Res>,
    request: Req,
    action: keyof typeof TRANSITION_EVENTS & PurchaseOrderAction,
    apply: (work: UnitOfWork, row: PurchaseOrderRow, items: ItemRow[]) => Promise<PurchaseOrderChange>,
  ): Promise<Res> {
    new Violations().uuid('id', request.id).throwIfAny();
    return mutation(this.db, scope, wireMethod(method), request, async (work) => {
      const row = await lockPurchaseOrder(work, request.id);
      checkEtag(request.etag, row.version);
      assertActionAllowed(row.status, action);
      // A state change leaves the items as they are.
      const items = await loadItems(work, row.id);
      const updated = await touchPurchaseOrder(work, row.id, await apply(work, row, items));
      const purchaseOrder = toPurchaseOrder(updated, items);
      await recordChange(
        work,
        domainEvent(
          TRANSITION_EVENTS[action],
          purchaseOrderJson(purchaseOrder),
          purchaseOrderJson(toPurchaseOrder(row, items)),
        ),
      );
      return { purchaseOrder } as Res;
    });
  }
}

/**
 * The supplier an order may name: of this organization and ACTIVE.
 * @throws AppError NOT_FOUND `SUPPLIER_NOT_FOUND`, FAILED_PRECONDITION `SUPPLIER_INACTIVE`.
 */
async function orderableSupplier(work: UnitOfWork, supplierId: string): Promise<SupplierRow> {
  const supplier = await findSupplier(work, supplierId);
  if (!supplier) throw notFound('supplier');
  if (supplier.status !== 'active')
    throw failedPrecondition('SUPPLIER_INACTIVE', 'The supplier is inactive; reactivate it to place orders with it.');
  return supplier;
}

function checkCurrency(v: Violations, value: string): string | undefined {
  const currency = value.trim();
  if (!CURRENCY.test(currency)) {
    v.add('purchase_order.currency_code', 'must be a 3-letter ISO 4217 code, e.g. EUR');
    return undefined;
  }
  return currency;
}

function checkTolerance(v: Violations, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 100)
    v.add('purchase_order.over_receipt_tolerance_percent', 'must be a whole number from 0 to 100');
}
