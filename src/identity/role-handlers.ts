import type { RoleServiceService } from '../../gen/ts/imsop/identity/v1/role_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { RoleService } from './role-service.js';

/** imsop.identity.v1.RoleService: proto in, domain call, proto out. */
export function roleHandlers(roles: RoleService): ServiceHandlers<typeof RoleServiceService> {
  return {
    listPermissions: (_request, ctx) => roles.listPermissions(ctx.principal),
    createRole: (request, ctx) => roles.create(ctx.principal, request),
    getRole: (request, ctx) => roles.get(ctx.principal, request),
    listRoles: (request, ctx) => roles.list(ctx.principal, request),
    updateRole: (request, ctx) => roles.update(ctx.principal, request),
    deleteRole: (request, ctx) => roles.delete(ctx.principal, request),
    grantRolePermissions: (request, ctx) => roles.grant(ctx.principal, request),
    revokeRolePermissions: (request, ctx) => roles.revoke(ctx.principal, request),
    assignUserRole: (request, ctx) => roles.assign(ctx.principal, request),
    unassignUserRole: (request, ctx) => roles.unassign(ctx.principal, request),
  };
}
