import type { UserServiceService } from '../../gen/ts/imsop/identity/v1/user_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { UserService } from './user-service.js';
import { callerOf } from './scope.js';

/** imsop.identity.v1.UserService: proto in, domain call, proto out. */
export function userHandlers(users: UserService): ServiceHandlers<typeof UserServiceService> {
  return {
    createUser: (request, ctx) => users.create(callerOf(ctx), request),
    getUser: (request, ctx) => users.get(ctx.principal, request),
    listUsers: (request, ctx) => users.list(ctx.principal, request),
    updateUser: (request, ctx) => users.update(callerOf(ctx), request),
    deactivateUser: (request, ctx) => users.deactivate(callerOf(ctx), request),
    reactivateUser: (request, ctx) => users.reactivate(callerOf(ctx), request),
    resetUserPassword: (request, ctx) => users.resetPassword(callerOf(ctx), request),
  };
}
