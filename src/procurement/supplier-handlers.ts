import { SupplierServiceService } from '../../gen/ts/imsop/procurement/v1/supplier_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import { tenantOf } from '../platform/grpc/call-context.js';
import type { SupplierService } from './supplier-service.js';

/** imsop.procurement.v1.SupplierService: proto in, domain call, proto out. */
export function supplierHandlers(suppliers: SupplierService): ServiceHandlers<typeof SupplierServiceService> {
  return {
    createSupplier: (request, ctx) => suppliers.create(tenantOf(ctx), request),
    getSupplier: (request, ctx) => suppliers.get(tenantOf(ctx), request),
    listSuppliers: (request, ctx) => suppliers.list(tenantOf(ctx), request),
    updateSupplier: (request, ctx) => suppliers.update(tenantOf(ctx), request),
    deactivateSupplier: (request, ctx) => suppliers.setStatus(tenantOf(ctx), SupplierServiceService.deactivateSupplier, request, 'inactive'),
    reactivateSupplier: (request, ctx) => suppliers.setStatus(tenantOf(ctx), SupplierServiceService.reactivateSupplier, request, 'active'),
  };
}
