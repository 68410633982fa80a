import type { AuthenticatedCallContext } from '../call-context.js';
import { StreamPrincipalGuard, type PrincipalRevalidation } from '../principal-guard.js';
import type { CallMiddleware } from './middleware.js';

/**
 * Guards an authenticated stream for as long as it is open (principal-guard.ts): its caller is
 * re-checked when the organization's principals change, at an interval, and before each write
 * the handler confirms; a refused caller's stream is ended with the refusal. Unary calls are
 * over too soon to need it: their `confirmPrincipal` just checks again.
 */
export function guardPrincipal(revalidation: PrincipalRevalidation): CallMiddleware<AuthenticatedCallContext> {
  return async (call, ctx, next) => {
    if (!call.method.streaming) return next(ctx);
    const guard = new StreamPrincipalGuard(ctx, revalidation, (reason) => call.end(reason));
    try {
      return await next({ ...ctx, confirmPrincipal: () => guard.confirm() });
    } finally {
      guard.stop();
    }
  };
}
