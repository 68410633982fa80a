import { PurchaseOrderServiceService } from '../../gen/ts/imsop/procurement/v1/purchase_order_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import { tenantOf } from '../platform/grpc/call-context.js';
import type { PurchaseOrderService } from './purchase-order-service.js';
import type { ReceivingService } from './receiving.js';

/** imsop.procurement.v1.PurchaseOrderService: proto in, domain call, proto out. */
export function purchaseOrderHandlers(orders: PurchaseOrderService, receiving: ReceivingService): ServiceHandlers<typeof PurchaseOrderServiceService> {
  const S = PurchaseOrderServiceService;
  return {
    createPurchaseOrder: (request, ctx) => orders.create(tenantOf(ctx), request),
    getPurchaseOrder: (request, ctx) => orders.get(tenantOf(ctx), request),
    listPurchaseOrders: (request, ctx) => orders.list(tenantOf(ctx), request),
    updatePurchaseOrder: (request, ctx) => orders.update(tenantOf(ctx), request),
    submitPurchaseOrder: (request, ctx) => orders.submit(tenantOf(ctx), S.submitPurchaseOrder, request),
    approvePurchaseOrder: (request, ctx) => orders.approve(tenantOf(ctx), S.approvePurchaseOrder, request),
    cancelPurchaseOrder: (request, ctx) => orders.cancel(tenantOf(ctx), S.cancelPurchaseOrder, request),
    closePurchaseOrder: (request, ctx) => orders.close(tenantOf(ctx), S.closePurchaseOrder, request),
    receivePurchaseOrder: (request, ctx) => receiving.receive(tenantOf(ctx), request),
    listReceipts: (request, ctx) => receiving.list(tenantOf(ctx), request),
  };
}
