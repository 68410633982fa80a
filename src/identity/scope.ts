import type { Principal } from '../platform/auth/principal.js';
import type { TenantScope } from '../platform/db/database.js';
import { tenantScopeOf } from '../platform/grpc/call-context.js';

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

/** The tenant scope a caller acts in: its organization, itself as the audited actor, its request id. */
export const scopeOf = (caller: Caller): TenantScope => tenantScopeOf(caller, caller.requestId);
