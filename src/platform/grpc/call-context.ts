import type { Metadata } from '@grpc/grpc-js';
import { unauthenticated } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import type { TenantScope } from '../db/database.js';
import type { Logger } from '../logger.js';

/** Everything a handler knows about the call besides the request message. */
export interface CallContext {
  /**
   * The call's correlation id (logs, ErrorInfo `requestId`): from the caller's `x-request-id`
   * metadata when well-formed, else generated; echoed back. Not the idempotency key, which is
   * the `request_id` field of mutating requests.
   */
  readonly requestId: string;
  /** Full method path, e.g. `/imsop.identity.v1.AuthService/Login`. */
  readonly method: string;
  /** Logger bound to this call (request id, method, and org/user once known). */
  logger: Logger;
  /** Set by the access check before the handler runs; null on public methods. */
  principal: Principal | null;
  readonly metadata: Metadata;
  readonly peer: string;
  /** The caller's IP address (see client-address.ts); undefined when not recognisable. */
  readonly clientAddress: string | undefined;
  readonly deadline: Date | undefined;
  /**
   * Aborted when the client cancels or the deadline passes, or when the server ends the call:
   * then its `reason` is the AppError the call ends with (the caller's credential was revoked,
   * see principal-guard.ts).
   */
  readonly signal: AbortSignal;
  /**
   * Checks the caller again as a new call would be checked (cheap: the principal cache answers
   * unless something changed). Streams call it before each write they make for the caller; a
   * refused stream is ended with the refusal. Does nothing on public methods.
   * @throws AppError UNAUTHENTICATED / PERMISSION_DENIED when the caller is no longer allowed.
   */
  confirmPrincipal: () => Promise<void>;
}

/**
 * The tenant scope of an authenticated call.
 * @throws AppError UNAUTHENTICATED when the call has no principal (a public method).
 */
export function tenantOf(ctx: CallContext): TenantScope {
  if (!ctx.principal) throw unauthenticated();
  return { organizationId: ctx.principal.organizationId, userId: ctx.principal.actorId, actorKind: ctx.principal.kind };
}

/** The authenticated principal. @throws AppError UNAUTHENTICATED on a public method without credentials. */
export function principalOf(ctx: CallContext): Principal {
  if (!ctx.principal) throw unauthenticated();
  return ctx.principal;
}
