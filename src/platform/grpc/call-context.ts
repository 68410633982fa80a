import type { Metadata } from '@grpc/grpc-js';
import type { Principal } from '../auth/principal.js';
import type { TenantScope } from '../db/database.js';
import type { CallCancellation } from './call-cancellation.js';
import type { CallLogger } from './call-logger.js';

/**
 * Everything a handler knows about the call besides the request message. Immutable: a step of
 * the call pipeline that learns something (the trace, the caller) hands the rest of the call a
 * new context carrying it (see pipeline/call-pipeline.ts). This is what handlers of public
 * methods (`publicMethod`) get; every other handler gets an `AuthenticatedCallContext`.
 */
export interface CallContext {
  /**
   * The call's correlation id (logs, ErrorInfo `requestId`): from the caller's `x-request-id`
   * metadata when well-formed, else generated; echoed back. Not the idempotency key, which is
   * the `request_id` field of mutating requests.
   */
  readonly requestId: string;
  /** Full method path, e.g. `/imsop.identity.v1.AuthService/Login`. */
  readonly method: string;
  /** Logger bound to this call (request id, method, trace id, and org/user once known). */
  readonly logger: CallLogger;
  readonly metadata: Metadata;
  readonly peer: string;
  /** The caller's IP address (see client-address.ts); undefined when not recognisable. */
  readonly clientAddress: string | undefined;
  readonly deadline: Date | undefined;
  /**
   * Aborted when the client cancels or the deadline passes, or when the server ends the call:
   * then its `reason` is the AppError the call ends with (the caller's credential was revoked,
   * see principal-guard.ts). Its `signal` is the AbortSignal to hand on.
   */
  readonly cancellation: CallCancellation;
}

/**
 * The context of a call whose caller was authenticated and allowed by the method's declared
 * access before the handler ran: the caller is known, never null.
 */
export interface AuthenticatedCallContext extends CallContext {
  readonly principal: Principal;
  /** The tenant the call acts in: the principal's organization, and the principal as the audited actor. */
  readonly tenant: TenantScope;
  /**
   * Checks the caller again as a new call would be checked (cheap: the principal cache answers
   * unless something changed). Streams call it before each write they make for the caller; a
   * refused stream is ended with the refusal.
   * @returns the caller as checked now.
   * @throws AppError UNAUTHENTICATED / PERMISSION_DENIED when the caller is no longer allowed.
   */
  readonly confirmPrincipal: () => Promise<Principal>;
}

/**
 * The context of an authenticated call: the call's own fields with the caller's. One literal
 * naming every field, not a spread of the call's context: built on every authenticated call
 * (twice: by authentication and by authorization), and a literal is a fixed shape V8 builds
 * without copying property by property.
 */
export const authenticatedContext = (
  ctx: CallContext,
  caller: Pick<AuthenticatedCallContext, 'logger' | 'principal' | 'tenant' | 'confirmPrincipal'>,
): AuthenticatedCallContext => ({
  requestId: ctx.requestId,
  method: ctx.method,
  logger: caller.logger,
  metadata: ctx.metadata,
  peer: ctx.peer,
  clientAddress: ctx.clientAddress,
  deadline: ctx.deadline,
  cancellation: ctx.cancellation,
  principal: caller.principal,
  tenant: caller.tenant,
  confirmPrincipal: caller.confirmPrincipal,
});

/** True for the context of an authenticated call (public methods have no principal). */
export const isAuthenticated = (ctx: CallContext): ctx is AuthenticatedCallContext => 'principal' in ctx;

/**
 * The tenant scope a principal acts in: its organization, itself as the audited actor, and the
 * request id of the call acting, if any. One literal, not a spread of a scope with the request id
 * added: V8 gave each call's spread object a hidden class of its own, kept in old space until a
 * full collection.
 */
export const tenantScopeOf = (principal: Principal, requestId?: string): TenantScope => ({
  organizationId: principal.organizationId,
  userId: principal.actorId,
  actorKind: principal.kind,
  requestId,
});
