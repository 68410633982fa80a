import type { AuthenticatedAccess } from '../../auth/access.js';
import type { Principal } from '../../auth/principal.js';
import { permissionDenied } from '../../errors.js';
import { authenticatedContext, type AuthenticatedCallContext } from '../call-context.js';
import { passThrough, type CallMiddleware } from './middleware.js';

/**
 * Checks the permission the method's access declares (`(imsop.api.v1.access)`, see
 * declared-access.ts) against the authenticated caller, now and whenever the caller is confirmed
 * again. Methods open to any authenticated caller need nothing more.
 * @throws AppError PERMISSION_DENIED when the caller's effective permissions lack it.
 */
export function authorize(access: AuthenticatedAccess): CallMiddleware<AuthenticatedCallContext> {
  if (access.kind !== 'permission') return passThrough();
  const { permission } = access;
  const allowed = (principal: Principal): Principal => {
    if (!principal.permissions.includes(permission)) throw permissionDenied(permission);
    return principal;
  };
  return async (_call, ctx, next) => {
    allowed(ctx.principal);
    const { logger, principal, tenant } = ctx;
    const confirmPrincipal = async () => allowed(await ctx.confirmPrincipal());
    return next(authenticatedContext(ctx, { logger, principal, tenant, confirmPrincipal }));
  };
}
