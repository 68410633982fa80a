import type { ShipmentServiceService } from '../../gen/ts/imsop/shipments/v1/shipment_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import { tenantOf } from '../platform/grpc/call-context.js';
import type { ShipmentService } from './shipment-service.js';

/** imsop.shipments.v1.ShipmentService: proto in, domain call, proto out. */
export function shipmentHandlers(service: ShipmentService): ServiceHandlers<typeof ShipmentServiceService> {
  return {
    createShipment: (request, ctx) => service.create(tenantOf(ctx), ctx.method, request),
    getShipment: async (request, ctx) => ({ shipment: await service.get(tenantOf(ctx), request.id) }),
    getShipmentByTrackingNumber: async (request, ctx) => ({ shipment: await service.getByTrackingNumber(tenantOf(ctx), request) }),
    listShipments: (request, ctx) => service.list(tenantOf(ctx), ctx.method, request),
    updateShipmentStatus: (request, ctx) => service.updateStatus(tenantOf(ctx), ctx.method, request),
  };
}
