import type { Principal } from '../platform/auth/principal.js';
import type { TenantScope } from '../platform/db/database.js';

/**
 * A principal as one call presents it: with the call's correlation id (x-request-id), which the
 * change events of its work record. Principals are cached across calls; callers are not.
 */
export type Caller = Principal & { readonly requestId?: string };

/** The caller of a call: its principal and its request id. */
export const callerOf = (ctx: { principal: Principal; requestId: string }): Caller => ({
  ...ctx.principal,
  requestId: ctx.requestId,
});

/** The tenant scope a principal acts in: its organization, and itself as the audited actor. */
export const scopeOf = (principal: Caller): TenantScope => ({
  organizationId: principal.organizationId,
  userId: principal.actorId,
  actorKind: principal.kind,
  ...(principal.requestId !== undefined ? { requestId: principal.requestId } : {}),
});
