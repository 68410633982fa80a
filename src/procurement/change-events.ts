import { PurchaseOrder, Receipt, Supplier } from '../../gen/ts/imsop/procurement/v1/resources.js';
import type { ResourceJson } from '../platform/change-feed/resource-change.js';

/**
 * Procurement's resources as the change feed carries them (docs/change-events.md): the proto3
 * JSON of the message the API returns for each, built by the same mappers.
 */

export const SUPPLIER = 'supplier';
export const PURCHASE_ORDER = 'purchase_order';
export const RECEIPT = 'receipt';

export const supplierJson = (supplier: Supplier): ResourceJson => Supplier.toJSON(supplier) as ResourceJson;

export const purchaseOrderJson = (order: PurchaseOrder): ResourceJson => PurchaseOrder.toJSON(order) as ResourceJson;

export const receiptJson = (receipt: Receipt): ResourceJson => Receipt.toJSON(receipt) as ResourceJson;
