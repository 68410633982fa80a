import type { RoleServiceService } from '../../gen/ts/imsop/identity/v1/role_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { RoleService } from './role-service.js';
import { callerOf } from './scope.js';

/** imsop.identity.v1.RoleService: proto in, domain call, proto out. */
export function roleHandlers(roles: RoleService): ServiceHandlers<typeof RoleServiceService> {
  return {
    listPermissions: (_request, ctx) => roles.listPermissions(ctx.principal),
    createRole: (request, ctx) => roles.create(callerOf(ctx), request),
    getRole: (request, ctx) => roles.get(ctx.principal, request),
    listRoles: (request, ctx) => roles.list(ctx.principal, request),
    updateRole: (request, ctx) => roles.update(callerOf(ctx), request),
    deleteRole: (request, ctx) => roles.delete(callerOf(ctx), request),
    grantRolePermissions: (request, ctx) => roles.grant(callerOf(ctx), request),
    revokeRolePermissions: (request, ctx) => roles.revoke(callerOf(ctx), request),
    assignUserRole: (request, ctx) => roles.assign(callerOf(ctx), request),
    unassignUserRole: (request, ctx) => roles.unassign(callerOf(ctx), request),
  };
}
