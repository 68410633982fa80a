import type { Authenticator } from '../../auth/principal.js';
import { unauthenticated } from '../../errors.js';
import {
  authenticatedContext,
  tenantScopeOf,
  type AuthenticatedCallContext,
  type CallContext,
} from '../call-context.js';
import type { CallMiddleware } from './middleware.js';

/**
 * Turns the call's bearer credential into its principal (the principal cache answers most
 * calls). The rest of the call gets the principal, its tenant, a logger bound to its
 * organization and user, and `confirmPrincipal`, which checks the same credential again.
 * @throws AppError UNAUTHENTICATED without a bearer credential, or for one that is not valid.
 */
export function authenticate(authenticator: Authenticator): CallMiddleware<CallContext, AuthenticatedCallContext> {
  return async (_call, ctx, next) => {
    const credential = bearerCredential(ctx);
    const principal = await authenticator.authenticate(credential);
    return next(
      authenticatedContext(ctx, {
        logger: ctx.logger.with({ orgId: principal.organizationId, actorId: principal.actorId }),
        principal,
        tenant: tenantScopeOf(principal, ctx.requestId),
        confirmPrincipal: () => authenticator.authenticate(credential),
      }),
    );
  };
}

/** The token of the call's `authorization: Bearer <token>` metadata. */
function bearerCredential(ctx: CallContext): string {
  const header = ctx.metadata.get('authorization')[0];
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  if (!match) throw unauthenticated('MISSING_CREDENTIALS', 'Send `authorization: Bearer <token>` metadata.');
  return match[1]!;
}
