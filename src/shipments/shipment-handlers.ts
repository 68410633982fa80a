import type { ShipmentServiceService } from '../../gen/ts/imsop/shipments/v1/shipment_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { ShipmentService } from './shipment-service.js';

/** imsop.shipments.v1.ShipmentService: proto in, domain call, proto out. */
export function shipmentHandlers(service: ShipmentService): ServiceHandlers<typeof ShipmentServiceService> {
  return {
    createShipment: (request, ctx) => service.create(ctx.tenant, ctx.method, request),
    getShipment: async (request, ctx) => ({ shipment: await service.get(ctx.tenant, request.id) }),
    getShipmentByTrackingNumber: async (request, ctx) => ({
      shipment: await service.getByTrackingNumber(ctx.tenant, request),
    }),
    listShipments: (request, ctx) => service.list(ctx.tenant, ctx.method, request),
    updateShipmentStatus: (request, ctx) => service.updateStatus(ctx.tenant, ctx.method, request),
  };
}
