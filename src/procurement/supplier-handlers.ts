import { SupplierServiceService } from '../../gen/ts/imsop/procurement/v1/supplier_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { SupplierService } from './supplier-service.js';

/** imsop.procurement.v1.SupplierService: proto in, domain call, proto out. */
export function supplierHandlers(suppliers: SupplierService): ServiceHandlers<typeof SupplierServiceService> {
  return {
    createSupplier: (request, ctx) => suppliers.create(ctx.tenant, request),
    getSupplier: (request, ctx) => suppliers.get(ctx.tenant, request),
    listSuppliers: (request, ctx) => suppliers.list(ctx.tenant, request),
    updateSupplier: (request, ctx) => suppliers.update(ctx.tenant, request),
    deactivateSupplier: (request, ctx) =>
      suppliers.setStatus(ctx.tenant, SupplierServiceService.deactivateSupplier, request, 'inactive'),
    reactivateSupplier: (request, ctx) =>
      suppliers.setStatus(ctx.tenant, SupplierServiceService.reactivateSupplier, request, 'active'),
  };
}
