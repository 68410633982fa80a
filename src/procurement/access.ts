import { requires, type Access } from '../platform/auth/access.js';

const SUPPLIERS = '/imsop.procurement.v1.SupplierService/';
const ORDERS = '/imsop.procurement.v1.PurchaseOrderService/';

/**
 * Access rules of imsop.procurement.v1 methods (merged into src/method-access.ts). Approving and
 * receiving have permissions of their own, so that roles can separate them: an operator
 * receives goods but cannot approve the orders they arrive for.
 */
export const PROCUREMENT_ACCESS: Record<string, Access> = {
  [`${SUPPLIERS}CreateSupplier`]: requires('procurement.suppliers:write'),
  [`${SUPPLIERS}GetSupplier`]: requires('procurement.suppliers:read'),
  [`${SUPPLIERS}ListSuppliers`]: requires('procurement.suppliers:read'),
  [`${SUPPLIERS}UpdateSupplier`]: requires('procurement.suppliers:write'),
  [`${SUPPLIERS}DeactivateSupplier`]: requires('procurement.suppliers:write'),
  [`${SUPPLIERS}ReactivateSupplier`]: requires('procurement.suppliers:write'),

  [`${ORDERS}CreatePurchaseOrder`]: requires('procurement.purchase_orders:write'),
  [`${ORDERS}GetPurchaseOrder`]: requires('procurement.purchase_orders:read'),
  [`${ORDERS}ListPurchaseOrders`]: requires('procurement.purchase_orders:read'),
  [`${ORDERS}UpdatePurchaseOrder`]: requires('procurement.purchase_orders:write'),
  [`${ORDERS}SubmitPurchaseOrder`]: requires('procurement.purchase_orders:write'),
  [`${ORDERS}ApprovePurchaseOrder`]: requires('procurement.purchase_orders:approve'),
  [`${ORDERS}CancelPurchaseOrder`]: requires('procurement.purchase_orders:write'),
  [`${ORDERS}ClosePurchaseOrder`]: requires('procurement.purchase_orders:write'),
  [`${ORDERS}ReceivePurchaseOrder`]: requires('procurement.purchase_orders:receive'),
  [`${ORDERS}ListReceipts`]: requires('procurement.purchase_orders:read'),
};
