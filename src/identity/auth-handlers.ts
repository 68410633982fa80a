import type { AuthServiceService } from '../../gen/ts/imsop/identity/v1/auth_service.js';
import { publicMethod, type ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { AuthService } from './auth-service.js';
import { callerOf } from './scope.js';

/** imsop.identity.v1.AuthService: proto in, domain call, proto out. */
export function authHandlers(auth: AuthService): ServiceHandlers<typeof AuthServiceService> {
  return {
    login: publicMethod((request, ctx) => auth.login(request, ctx.clientAddress)),
    logout: async (_request, ctx) => {
      await auth.logout(ctx.principal);
      return {};
    },
    refreshToken: (_request, ctx) => auth.refreshToken(ctx.principal),
    whoAmI: (_request, ctx) => auth.whoAmI(ctx.principal),
    changePassword: async (request, ctx) => {
      await auth.changePassword(callerOf(ctx), request, ctx.clientAddress);
      return {};
    },
  };
}
