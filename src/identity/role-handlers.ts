import type { RoleServiceService } from '../../gen/ts/imsop/identity/v1/role_service.js';
import { principalOf } from '../platform/grpc/call-context.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { RoleService } from './role-service.js';

/** imsop.identity.v1.RoleService: proto in, domain call, proto out. */
export function roleHandlers(roles: RoleService): ServiceHandlers<typeof RoleServiceService> {
  return {
    listPermissions: (_request, ctx) => roles.listPermissions(principalOf(ctx)),
    createRole: (request, ctx) => roles.create(principalOf(ctx), request),
    getRole: (request, ctx) => roles.get(principalOf(ctx), request),
    listRoles: (request, ctx) => roles.list(principalOf(ctx), request),
    updateRole: (request, ctx) => roles.update(principalOf(ctx), request),
    deleteRole: (request, ctx) => roles.delete(principalOf(ctx), request),
    grantRolePermissions: (request, ctx) => roles.grant(principalOf(ctx), request),
    revokeRolePermissions: (request, ctx) => roles.revoke(principalOf(ctx), request),
    assignUserRole: (request, ctx) => roles.assign(principalOf(ctx), request),
    unassignUserRole: (request, ctx) => roles.unassign(principalOf(ctx), request),
  };
}
