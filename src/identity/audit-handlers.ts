import type { AuditServiceService } from '../../gen/ts/imsop/identity/v1/audit_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { AuditService } from './audit-service.js';

/** imsop.identity.v1.AuditService: proto in, domain call, proto out. */
export function auditHandlers(audit: AuditService): ServiceHandlers<typeof AuditServiceService> {
  return {
    listAuditEntries: (request, ctx) => audit.list(ctx.principal, request),
  };
}
