import type { AuthServiceService } from '../../gen/ts/imsop/identity/v1/auth_service.js';
import { principalOf } from '../platform/grpc/call-context.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { AuthService } from './auth-service.js';

/** imsop.identity.v1.AuthService: proto in, domain call, proto out. */
export function authHandlers(auth: AuthService): ServiceHandlers<typeof AuthServiceService> {
  return {
    login: (request, ctx) => auth.login(request, ctx.clientAddress),
    logout: async (_request, ctx) => {
      await auth.logout(principalOf(ctx));
      return {};
    },
    refreshToken: (_request, ctx) => auth.refreshToken(principalOf(ctx)),
    whoAmI: (_request, ctx) => auth.whoAmI(principalOf(ctx)),
    changePassword: async (request, ctx) => {
      await auth.changePassword(principalOf(ctx), request, ctx.clientAddress);
      return {};
    },
  };
}
