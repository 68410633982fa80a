import { PurchaseOrderServiceService } from '../../gen/ts/imsop/procurement/v1/purchase_order_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { PurchaseOrderService } from './purchase-order-service.js';
import type { ReceivingService } from './receiving.js';

/** imsop.procurement.v1.PurchaseOrderService: proto in, domain call, proto out. */
export function purchaseOrderHandlers(
  orders: PurchaseOrderService,
  receiving: ReceivingService,
): ServiceHandlers<typeof PurchaseOrderServiceService> {
  const S = PurchaseOrderServiceService;
  return {
    createPurchaseOrder: (request, ctx) => orders.create(ctx.tenant, request),
    getPurchaseOrder: (request, ctx) => orders.get(ctx.tenant, request),
    listPurchaseOrders: (request, ctx) => orders.list(ctx.tenant, request),
    updatePurchaseOrder: (request, ctx) => orders.update(ctx.tenant, request),
    submitPurchaseOrder: (request, ctx) => orders.submit(ctx.tenant, S.submitPurchaseOrder, request),
    approvePurchaseOrder: (request, ctx) => orders.approve(ctx.tenant, S.approvePurchaseOrder, request),
    cancelPurchaseOrder: (request, ctx) => orders.cancel(ctx.tenant, S.cancelPurchaseOrder, request),
    closePurchaseOrder: (request, ctx) => orders.close(ctx.tenant, S.closePurchaseOrder, request),
    receivePurchaseOrder: (request, ctx) => receiving.receive(ctx.tenant, request),
    listReceipts: (request, ctx) => receiving.list(ctx.tenant, request),
  };
}
