import type { UnitOfWork } from '../platform/db/unit-of-work.js';

/** Where a stock receipt came from: the purchase order receipt that booked it, and its supplier. */
export interface ReceiptOrigin {
  receiptId: string;
  purchaseOrderId: string;
  poNumber: string;
  supplierId: string;
  supplierName: string;
}

/**
 * The purchase order receipts behind inventory ledger rows, for recall traces: each receipt line
 * names the ledger row it wrote (receipt_lines.inventory_transaction_id), so a ledger row id is
 * enough to find the order, its number and its supplier. Ledger rows no receipt wrote (stock
 * received directly, or receipts already moved to the archive) are absent from the answer.
 */
export async function receiptOriginsOf(
  work: UnitOfWork,
  transactionIds: readonly string[],
): Promise<Map<string, ReceiptOrigin>> {
  const origins = new Map<string, ReceiptOrigin>();
  if (transactionIds.length === 0) return origins;
  const org = work.tenant.organizationId;
  const rows = await work.tx
    .selectFrom('receipt_lines as l')
    .innerJoin('receipts as r', (j) =>
      j.onRef('r.organization_id', '=', 'l.organization_id').onRef('r.id', '=', 'l.receipt_id'),
    )
    .innerJoin('purchase_orders as o', (j) =>
      j.onRef('o.organization_id', '=', 'r.organization_id').onRef('o.id', '=', 'r.purchase_order_id'),
    )
    .innerJoin('suppliers as s', (j) =>
      j.onRef('s.organization_id', '=', 'o.organization_id').onRef('s.id', '=', 'o.supplier_id'),
    )
    .select([
      'l.inventory_transaction_id',
      'r.id as receipt_id',
      'o.id as purchase_order_id',
      'o.po_number',
      's.id as supplier_id',
      's.name as supplier_name',
    ])
    .where('l.organization_id', '=', org)
    .where('l.inventory_transaction_id', 'in', [...transactionIds])
    .execute();
  for (const row of rows) {
    origins.set(row.inventory_transaction_id, {
      receiptId: row.receipt_id,
      purchaseOrderId: row.purchase_order_id,
      poNumber: row.po_number,
      supplierId: row.supplier_id,
      supplierName: row.supplier_name,
    });
  }
  return origins;
}
