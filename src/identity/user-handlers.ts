import type { UserServiceService } from '../../gen/ts/imsop/identity/v1/user_service.js';
import { principalOf } from '../platform/grpc/call-context.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { UserService } from './user-service.js';

/** imsop.identity.v1.UserService: proto in, domain call, proto out. */
export function userHandlers(users: UserService): ServiceHandlers<typeof UserServiceService> {
  return {
    createUser: (request, ctx) => users.create(principalOf(ctx), request),
    getUser: (request, ctx) => users.get(principalOf(ctx), request),
    listUsers: (request, ctx) => users.list(principalOf(ctx), request),
    updateUser: (request, ctx) => users.update(principalOf(ctx), request),
    deactivateUser: (request, ctx) => users.deactivate(principalOf(ctx), request),
    reactivateUser: (request, ctx) => users.reactivate(principalOf(ctx), request),
    resetUserPassword: (request, ctx) => users.resetPassword(principalOf(ctx), request),
  };
}
