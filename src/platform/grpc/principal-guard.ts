import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Access } from '../auth/access.js';
import { principalChangesChannel } from '../auth/principal-changes.js';
import type { Authenticator, Principal } from '../auth/principal.js';
import type { Bus } from '../bus/bus.js';
import { AppError, permissionDenied } from '../errors.js';
import type { CallContext } from './call-context.js';

/** What re-checking the callers of open streams needs from the running server. */
export interface PrincipalRevalidation {
  /** Carries the announcements of changed principals (principal-changes.ts). */
  bus: Bus;
  /** How often an open stream re-checks its caller when nothing was announced (STREAM_REAUTH_INTERVAL_MS). */
  intervalMs: number;
}

/** An authenticated call's credential and the access its method requires. */
export interface CallCredential {
  credential: string;
  access: Access;
}

/**
 * The caller checked again exactly as a new call would be: the credential authenticated (cache
 * first, so normally no database round trip) and the method's permission still granted.
 * @throws AppError UNAUTHENTICATED / PERMISSION_DENIED as a new call would get them; anything
 *   else means the check itself failed (database unreachable), not that the caller was refused.
 */
async function recheckPrincipal(authenticator: Authenticator, { credential, access }: CallCredential): Promise<Principal> {
  const principal = await authenticator.authenticate(credential);
  if (access.kind === 'permission' && !principal.permissions.includes(access.permission)) throw permissionDenied(access.permission);
  return principal;
}

/** True when the caller was refused (revoked, expired, deactivated, suspended, permission gone). */
function isRefusal(error: unknown): error is AppError {
  return error instanceof AppError && (error.code === GrpcStatus.UNAUTHENTICATED || error.code === GrpcStatus.PERMISSION_DENIED);
}

/**
 * Gives an authenticated call its `confirmPrincipal`. A unary call just re-checks when asked. A
 * stream is guarded for as long as it is open: it re-checks its caller whenever a change of the
 * organization's principals is announced on the bus (from any instance, after the principal
 * cache was invalidated), every `intervalMs` (changes nobody announced, credentials that
 * expire), and whenever the handler confirms before a write. Once refused, the call is ended
 * with the refusal (`end` aborts its signal, so the handler stops) and stays refused.
 * @returns what stops the guarding once the call is over.
 */
export function guardPrincipal(
  ctx: CallContext,
  caller: CallCredential,
  streaming: boolean,
  authenticator: Authenticator,
  revalidation: PrincipalRevalidation,
  end: (reason: AppError) => void,
): () => void {
  if (!streaming) {
    ctx.confirmPrincipal = async () => {
      ctx.principal = await recheckPrincipal(authenticator, caller);
    };
    return () => {};
  }
  const guard = new StreamPrincipalGuard(ctx, caller, authenticator, revalidation, end);
  ctx.confirmPrincipal = () => guard.confirm();
  return () => guard.stop();
}

class StreamPrincipalGuard {
  readonly #timer: NodeJS.Timeout;
  #refusal: AppError | undefined;
  #stopped = false;
  #subscribing = false;
  #unsubscribe: (() => Promise<void>) | undefined;
  #checking = false;
  #checkAgain = false;

  constructor(
    private readonly ctx: CallContext,
    private readonly caller: CallCredential,
    private readonly authenticator: Authenticator,
    private readonly revalidation: PrincipalRevalidation,
    private readonly end: (reason: AppError) => void,
  ) {
    this.#timer = setInterval(() => {
      // Redis was unreachable when the stream opened (or since): listen again as soon as it answers.
      if (!this.#unsubscribe) this.#subscribe();
      this.#checkInBackground();
    }, revalidation.intervalMs).unref();
    this.#subscribe();
  }

  /** Re-checks the caller now. @throws AppError the refusal (the call is then ended with it). */
  async confirm(): Promise<void> {
    if (this.#refusal) throw this.#refusal;
    try {
      this.ctx.principal = await recheckPrincipal(this.authenticator, this.caller);
    } catch (error) {
      if (isRefusal(error)) this.#refuse(error);
      throw error;
    }
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = undefined;
    // Not awaited: the call's ending must not wait on Redis.
    void unsubscribe?.().catch(() => {});
  }

  #refuse(refusal: AppError): void {
    if (this.#refusal) return;
    this.#refusal = refusal;
    // A check that finishes after the call ended has nothing left to end.
    if (this.#stopped) return;
    this.ctx.logger.info({ reason: refusal.reason }, 'caller no longer allowed; ending the stream');
    this.stop();
    this.end(refusal);
  }

  /** One check at a time; announcements arriving meanwhile cause one more check after it. */
  #checkInBackground(): void {
    if (this.#stopped) return;
    if (this.#checking) {
      this.#checkAgain = true;
      return;
    }
    this.#checking = true;
    this.confirm()
      .catch((error: unknown) => {
        if (!isRefusal(error)) this.ctx.logger.warn({ err: error }, 'could not re-check the caller of an open stream; retrying at the next interval');
      })
      .finally(() => {
        this.#checking = false;
        if (this.#checkAgain) {
          this.#checkAgain = false;
          this.#checkInBackground();
        }
      });
  }

  #subscribe(): void {
    if (this.#subscribing || this.#stopped) return;
    this.#subscribing = true;
    const organizationId = this.ctx.principal!.organizationId;
    this.revalidation.bus.subscribe(principalChangesChannel(organizationId), () => this.#checkInBackground()).then(
      (unsubscribe) => {
        this.#subscribing = false;
        if (this.#stopped) return void unsubscribe().catch(() => {});
        this.#unsubscribe = unsubscribe;
        // A change announced between authentication and now was not heard: check once.
        this.#checkInBackground();
      },
      () => {
        // The bus logged it; until it answers, the interval alone re-checks.
        this.#subscribing = false;
      },
    );
  }
}
