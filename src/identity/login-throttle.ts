import { createHash } from 'node:crypto';
import type { Cache } from '../platform/cache/cache.js';
import { AppError, resourceExhausted } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';

export interface LoginThrottleLimits {
  /** Password checks allowed per account per window; a success starts the count again. */
  maxAttemptsPerAccount: number;
  /** Failed password checks allowed per source address per window. */
  maxFailuresPerAddress: number;
  windowSeconds: number;
}

/**
 * Throttles password guessing, per account and per source address, in fixed windows.
 *
 * State lives in the Cache, not in a table: it is short-lived, needs an atomic counter with an
 * expiry (Redis INCR + PEXPIRE in one script), and must cost no write transaction per failed
 * attempt. With Redis the limits hold across every instance; in embedded single-instance mode
 * the in-process cache is the whole truth. Losing it (a Redis restart) only resets the windows.
 *
 * - Account (organization + email, whether or not such a user exists, so the answer reveals
 *   nothing): every *attempt* is counted before the password is checked, so a burst of
 *   parallel guesses cannot slip through between check and count. A success clears the count.
 * - Address: *failures* are counted (successes of many people behind one NAT must not lock
 *   each other out), and an address over its limit is refused before any password check.
 *
 * A throttled call fails fast with RESOURCE_EXHAUSTED `LOGIN_THROTTLED` and the time until the
 * window ends. If the cache cannot be reached the throttle fails open (logged): a cache outage
 * must not lock everyone out, and bcrypt's cost and the bounded hashing concurrency
 * (Passwords) still cap the guessing rate.
 */
export class LoginThrottle {
  constructor(
    private readonly cache: Cache,
    private readonly limits: LoginThrottleLimits,
    private readonly logger: Logger,
  ) {}

  /**
   * Call before checking a password: counts the attempt for the account.
   * @param account the organization (id when it resolved, else the case-insensitive key of the
   *   name given, so every spelling of one name shares a budget) and the email.
   * @param address the caller's source address, when known.
   * @throws AppError RESOURCE_EXHAUSTED `LOGIN_THROTTLED` (with RetryInfo) when over a limit.
   */
  async begin(account: { organization: string; email: string }, address: string | undefined): Promise<void> {
    const { windowSeconds, maxAttemptsPerAccount, maxFailuresPerAddress } = this.limits;
    await this.#failOpen(async () => {
      if (address) {
        const failures = await this.cache.increment(addressKey(address), windowSeconds, 0);
        if (failures.count >= maxFailuresPerAddress) throw throttled(failures.ttlMs);
      }
      const attempts = await this.cache.increment(accountKey(account), windowSeconds);
      if (attempts.count > maxAttemptsPerAccount) throw throttled(attempts.ttlMs);
    });
  }

  /** Call after a wrong password: counts the failure for the address. */
  async failed(address: string | undefined): Promise<void> {
    if (address) await this.#failOpen(() => this.cache.increment(addressKey(address), this.limits.windowSeconds));
  }

  /** Call after a right password: the account's count starts again. */
  async succeeded(account: { organization: string; email: string }): Promise<void> {
    await this.#failOpen(() => this.cache.delete(accountKey(account)));
  }

  async #failOpen(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      this.logger.warn({ err: (error as Error).message }, 'login throttle unavailable; allowing the attempt');
    }
  }
}

// Keys hold hashes, not emails: the cache is no place for personal data.
const accountKey = (account: { organization: string; email: string }) =>
  `login-throttle:account:${createHash('sha256').update(`${account.organization}\n${account.email}`).digest('base64url')}`;
const addressKey = (address: string) => `login-throttle:address:${address}`;

const throttled = (ttlMs: number) =>
  resourceExhausted('LOGIN_THROTTLED', `Too many sign-in attempts; try again in ${Math.max(1, Math.ceil(ttlMs / 1000))} seconds.`, Math.max(1000, ttlMs), {
    retryAfterSeconds: String(Math.max(1, Math.ceil(ttlMs / 1000))),
  });
