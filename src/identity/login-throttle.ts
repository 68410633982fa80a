import { createHash } from 'node:crypto';
import type { Counters } from '../platform/counters/counters.js';
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
 * The account a sign-in names: the organization (id when it resolved, else the case-insensitive
 * key of the name given, so every spelling of one name shares a budget) and the email.
 */
export interface LoginAccount {
  organization: string;
  email: string;
}

/**
 * Throttles password guessing, per account and per source address, in fixed windows.
 *
 * State lives in the rate-limit Counters (never in the read cache, whose evictions would reset
 * it), not in a table: it is short-lived, needs an atomic counter with an expiry, and must cost
 * no write transaction per failed attempt. With Redis the limits hold across every instance; in
 * embedded single-instance mode the in-process counters are the whole truth. Losing them (a
 * Redis restart) only resets the windows.
 *
 * Both limits count *before* the password is checked, so a burst of parallel guesses cannot
 * slip through between check and count:
 * - Account (whether or not such a user exists, so the answer reveals nothing): every attempt
 *   counts; a success clears the count.
 * - Address: each attempt reserves one failure, kept when the password was wrong and given back
 *   when it was right (successes of many people behind one NAT must not lock each other out).
 * An attempt refused before its password was checked gives back what it took.
 *
 * A throttled call fails fast with RESOURCE_EXHAUSTED `LOGIN_THROTTLED` and the time until the
 * window ends. If the counters cannot be reached the throttle fails open (logged): an outage
 * must not lock everyone out, and bcrypt's cost and the fair, bounded hashing queue
 * (Passwords) still cap the guessing rate.
 */
export class LoginThrottle {
  constructor(
    private readonly counters: Counters,
    private readonly limits: LoginThrottleLimits,
    private readonly logger: Logger,
  ) {}

  /**
   * Runs a password check under the limits: first reserves the attempt for the account and the
   * address, then checks; a right password clears the account's count and gives the address's
   * reservation back, a wrong one keeps it, and a check that did not happen (it threw: refused
   * or unavailable) gives everything back.
   * @param address the caller's source address, when known.
   * @returns what `checkPassword` answered.
   * @throws AppError RESOURCE_EXHAUSTED `LOGIN_THROTTLED` (with RetryInfo) when over a limit;
   *   whatever `checkPassword` throws.
   */
  async check(
    account: LoginAccount,
    address: string | undefined,
    checkPassword: () => Promise<boolean>,
  ): Promise<boolean> {
    const { windowSeconds, maxAttemptsPerAccount, maxFailuresPerAddress } = this.limits;
    const taken: string[] = [];
    const take = async (key: string, max: number) => {
      const counted = await this.#failOpen(() => this.counters.increment(key, windowSeconds));
      if (!counted) return;
      taken.push(key);
      if (counted.count > max) {
        await this.#giveBack(taken);
        throw throttled(counted.ttlMs);
      }
    };
    if (address) await take(addressKey(address), maxFailuresPerAddress);
    await take(accountKey(account), maxAttemptsPerAccount);

    let ok: boolean;
    try {
      ok = await checkPassword();
    } catch (error) {
      await this.#giveBack(taken);
      throw error;
    }
    if (ok) {
      await this.#failOpen(() => this.counters.delete(accountKey(account)));
      await this.#giveBack(taken.filter((key) => key !== accountKey(account)));
    }
    return ok;
  }

  async #giveBack(keys: string[]): Promise<void> {
    for (const key of keys) await this.#failOpen(() => this.counters.decrement(key));
  }

  async #failOpen<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      this.logger.warn({ err: (error as Error).message }, 'login throttle unavailable; allowing the attempt');
      return undefined;
    }
  }
}

// Keys hold hashes, not emails: the counters are no place for personal data.
const accountKey = (account: LoginAccount) =>
  `login-throttle:account:${createHash('sha256').update(`${account.organization}\n${account.email}`).digest('base64url')}`;
const addressKey = (address: string) => `login-throttle:address:${address}`;

const throttled = (ttlMs: number) =>
  resourceExhausted(
    'LOGIN_THROTTLED',
    `Too many sign-in attempts; try again in ${Math.max(1, Math.ceil(ttlMs / 1000))} seconds.`,
    Math.max(1000, ttlMs),
    {
      retryAfterSeconds: String(Math.max(1, Math.ceil(ttlMs / 1000))),
    },
  );
