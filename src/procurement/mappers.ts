import { sql } from 'kysely';
import {
  SupplierStatus,
  type PurchaseOrder,
  type PurchaseOrderItem,
  type Receipt,
  type Supplier,
  type SupplierPerformance,
} from '../../gen/ts/imsop/procurement/v1/resources.js';
import type { SelectedRow, TableRow } from '../platform/db/table-row.js';
import { enumMapping } from '../platform/enum-mapping.js';
import { formatEtag } from '../platform/etag.js';
import { decimalToMoney } from '../platform/money.js';
import { textToDate } from '../platform/calendar-date.js';
import { statusToProto } from './purchase-order-status.js';

/**
 * Database rows <-> proto resources. The column lists are what every query selects (no
 * `SELECT *`); the row interfaces are the shapes those selections produce.
 */

export const supplierColumns = [
  'id',
  'name',
  'contact_name',
  'email',
  'phone',
  'address',
  'status',
  'rating',
  'default_lead_time_days',
  'payment_terms',
  'version',
  'created_at',
  'updated_at',
] as const;

export type SupplierRow = SelectedRow<'suppliers', typeof supplierColumns>;

export const purchaseOrderColumns = [
  'id',
  'number',
  'po_number',
  'supplier_id',
  'status',
  'currency_code',
  'total_amount',
  'over_receipt_tolerance_percent',
  'notes',
  'last_line_number',
  'created_by',
  'submitted_at',
  'approved_at',
  'approved_by',
  'received_at',
  'closed_at',
  'cancelled_at',
  'cancel_reason',
  'version',
  'created_at',
  'updated_at',
] as const;

export type PurchaseOrderRow = SelectedRow<'purchase_orders', typeof purchaseOrderColumns>;

/** Item columns; expected_date as 'YYYY-MM-DD' text (see calendar-date.ts). */
export const itemColumns = [
  'id',
  'purchase_order_id',
  'line_number',
  'product_id',
  'quantity_ordered',
  'quantity_received',
  'unit_price',
  'line_total',
  sql<string>`to_char(expected_date, 'YYYY-MM-DD')`.as('expected_date'),
] as const;

/** expected_date is selected as text (see itemColumns), not the stored date. */
export type ItemRow = Pick<
  TableRow<'purchase_order_items'>,
  | 'id'
  | 'purchase_order_id'
  | 'line_number'
  | 'product_id'
  | 'quantity_ordered'
  | 'quantity_received'
  | 'unit_price'
  | 'line_total'
> & { expected_date: string };

export const receiptColumns = [
  'id',
  'purchase_order_id',
  'warehouse_id',
  'received_by',
  'received_at',
  'notes',
] as const;

export type ReceiptRow = SelectedRow<'receipts', typeof receiptColumns>;

export const receiptLineColumns = [
  'receipt_id',
  'purchase_order_item_id',
  'product_id',
  'quantity',
  'inventory_transaction_id',
  'lot_id',
  'lot_number',
] as const;

export type ReceiptLineRow = SelectedRow<'receipt_lines', typeof receiptLineColumns>;

const SUPPLIER_STATUS = enumMapping(
  {
    active: SupplierStatus.SUPPLIER_STATUS_ACTIVE,
    inactive: SupplierStatus.SUPPLIER_STATUS_INACTIVE,
  },
  SupplierStatus.SUPPLIER_STATUS_UNSPECIFIED,
);

export const NO_PERFORMANCE: SupplierPerformance = { measuredLineCount: 0, receiptCount: 0 };

export function toSupplier(row: SupplierRow, performance: SupplierPerformance = NO_PERFORMANCE): Supplier {
  return {
    id: row.id,
    name: row.name,
    contactName: row.contact_name,
    email: row.email,
    phone: row.phone,
    address: row.address,
    status: SUPPLIER_STATUS.toProto(row.status),
    rating: row.rating ?? 0,
    defaultLeadTimeDays: row.default_lead_time_days,
    paymentTerms: row.payment_terms,
    performance,
    createTime: row.created_at,
    updateTime: row.updated_at,
    etag: formatEtag(row.version),
  };
}

export function toItem(row: ItemRow, currency: string): PurchaseOrderItem {
  return {
    id: row.id,
    lineNumber: row.line_number,
    productId: row.product_id,
    quantityOrdered: row.quantity_ordered,
    quantityReceived: row.quantity_received,
    unitPrice: decimalToMoney(row.unit_price, currency),
    lineTotal: decimalToMoney(row.line_total ?? '0', currency),
    expectedDate: textToDate(row.expected_date),
  };
}

/** @param items the order's items, or undefined for list views (items left empty). */
export function toPurchaseOrder(
  row: PurchaseOrderRow,
  items: ItemRow[] | undefined,
  itemCount = items?.length ?? 0,
): PurchaseOrder {
  return {
    id: row.id,
    poNumber: row.po_number,
    supplierId: row.supplier_id,
    status: statusToProto(row.status),
    currencyCode: row.currency_code,
    items: (items ?? []).map((i) => toItem(i, row.currency_code)),
    totalAmount: decimalToMoney(row.total_amount, row.currency_code),
    overReceiptTolerancePercent: row.over_receipt_tolerance_percent,
    notes: row.notes,
    itemCount,
    createdBy: row.created_by ?? '',
    submitTime: row.submitted_at ?? undefined,
    approveTime: row.approved_at ?? undefined,
    approvedBy: row.approved_by ?? '',
    receiveTime: row.received_at ?? undefined,
    closeTime: row.closed_at ?? undefined,
    cancelTime: row.cancelled_at ?? undefined,
    cancelReason: row.cancel_reason ?? '',
    createTime: row.created_at,
    updateTime: row.updated_at,
    etag: formatEtag(row.version),
  };
}

export function toReceipt(row: ReceiptRow, lines: ReceiptLineRow[]): Receipt {
  return {
    id: row.id,
    purchaseOrderId: row.purchase_order_id,
    warehouseId: row.warehouse_id,
    lines: lines.map((l) => ({
      purchaseOrderItemId: l.purchase_order_item_id,
      productId: l.product_id,
      quantity: l.quantity,
      inventoryTransactionId: l.inventory_transaction_id,
      lotNumber: l.lot_number,
      lotId: l.lot_id ?? '',
      // Input only: the lot and the ledger keep these.
      expiryDate: undefined,
      manufactureDate: undefined,
      supplierLotReference: '',
      serialNumbers: [],
    })),
    receivedBy: row.received_by ?? '',
    receiveTime: row.received_at,
    notes: row.notes,
  };
}
