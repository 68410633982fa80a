import type { OrganizationServiceService } from '../../gen/ts/imsop/identity/v1/organization_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { OrganizationService } from './organization-service.js';
import { callerOf } from './scope.js';

/** imsop.identity.v1.OrganizationService: proto in, domain call, proto out. */
export function organizationHandlers(
  organizations: OrganizationService,
): ServiceHandlers<typeof OrganizationServiceService> {
  return {
    getOrganization: (_request, ctx) => organizations.get(ctx.principal),
    updateOrganization: (request, ctx) => organizations.update(callerOf(ctx), request),
  };
}
