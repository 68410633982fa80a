import { status as GrpcStatus } from '@grpc/grpc-js';
import { principalChangesChannel } from '../auth/principal-changes.js';
import type { Principal } from '../auth/principal.js';
import type { Bus } from '../bus/bus.js';
import { AppError } from '../errors.js';
import type { AuthenticatedCallContext } from './call-context.js';

/** What re-checking the callers of open streams needs from the running server. */
export interface PrincipalRevalidation {
  /** Carries the announcements of changed principals (principal-changes.ts). */
  bus: Bus;
  /** How often an open stream re-checks its caller when nothing was announced (STREAM_REAUTH_INTERVAL_MS). */
  intervalMs: number;
}

/** True when the caller was refused (revoked, expired, deactivated, suspended, permission gone). */
function isRefusal(error: unknown): error is AppError {
  return (
    error instanceof AppError &&
    (error.code === GrpcStatus.UNAUTHENTICATED || error.code === GrpcStatus.PERMISSION_DENIED)
  );
}

/**
 * Guards an open stream's caller: it re-checks its caller whenever a change of the
 * organization's principals is announced on the bus (from any instance, after the principal
 * cache was invalidated), every `intervalMs` (changes nobody announced, credentials that
 * expire), and whenever the handler confirms before a write. Once refused, the call is ended
 * with the refusal (`end` aborts its signal, so the handler stops) and stays refused. `stop`
 * once the call is over.
 */
export class StreamPrincipalGuard {
  readonly #timer: NodeJS.Timeout;
  #refusal: AppError | undefined;
  #stopped = false;
  #subscribing = false;
  #unsubscribe: (() => Promise<void>) | undefined;
  #checking = false;
  #checkAgain = false;

  /**
   * @param ctx the stream's context as authentication and the access check made it: its
   *   `confirmPrincipal` checks the caller again as a new call would be checked.
   */
  constructor(
    private readonly ctx: AuthenticatedCallContext,
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
  async confirm(): Promise<Principal> {
    if (this.#refusal) throw this.#refusal;
    try {
      return await this.ctx.confirmPrincipal();
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
        if (!isRefusal(error))
          this.ctx.logger.warn(
            { err: error },
            'could not re-check the caller of an open stream; retrying at the next interval',
          );
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
    const organizationId = this.ctx.principal.organizationId;
    this.revalidation.bus
      .subscribe(principalChangesChannel(organizationId), () => this.#checkInBackground())
      .then(
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
