import bcrypt from 'bcrypt';
import { AppError, GrpcStatus, resourceExhausted } from '../platform/errors.js';
import { FairQueue, QueueFullError } from '../platform/fair-queue.js';
import { Violations } from '../platform/validation.js';

/** bcrypt reads at most 72 bytes; longer passwords are rejected, never silently truncated. */
export const PASSWORD_MAX_BYTES = 72;
export const PASSWORD_MIN_CHARS = 12;

export interface PasswordsOptions {
  /** Hashes running at once (each occupies one libuv pool thread). */
  concurrency?: number;
  /** Hashes allowed to wait for a slot; beyond that callers are refused at once. */
  maxQueued?: number;
  /** Password checks one caller address may have running or waiting at once. */
  maxChecksPerAddress?: number;
}

/** The lane of password checks whose caller address is unknown, and of new-password hashing. */
const UNKNOWN_ADDRESS_LANE = 'address:unknown';
const NEW_PASSWORD_LANE = 'new-passwords';

/**
 * Hashing and checking passwords. bcrypt runs on libuv's thread pool (never on the event loop),
 * and at most `concurrency` hashes run at once, so a login flood queues here instead of
 * starving every other RPC of the pool's threads (DNS, file I/O and zlib share them).
 *
 * The queue is fair: password checks wait in one lane per caller address, served in turn, so one
 * address sending hundreds of bogus sign-ins delays another tenant's sign-in by about one hash,
 * not by all of them; and an address may have only `maxChecksPerAddress` checks in progress,
 * the rest refused at once with RESOURCE_EXHAUSTED. The queue as a whole is bounded too: a
 * flood beyond it is refused with UNAVAILABLE rather than holding memory and callers for minutes.
 */
export class Passwords {
  readonly #queue: FairQueue;
  readonly #maxChecksPerAddress: number;
  #dummyHash: Promise<string> | undefined;

  constructor(
    private readonly cost: number,
    options: PasswordsOptions = {},
  ) {
    this.#queue = new FairQueue(options.concurrency ?? 2, options.maxQueued ?? 200);
    this.#maxChecksPerAddress = options.maxChecksPerAddress ?? 8;
  }

  /** @throws AppError UNAVAILABLE `PASSWORD_HASHING_BUSY` when too many hashes are waiting. */
  hash(password: string): Promise<string> {
    return this.#run(NEW_PASSWORD_LANE, Infinity, () => bcrypt.hash(password, this.cost));
  }

  /**
   * Compares against `hash`, or against a dummy hash of the same cost when there is no user, so
   * both take the same time (and count the same against the caller's share).
   * @param address the caller's address: its lane in the fair queue.
   * @throws AppError RESOURCE_EXHAUSTED `TOO_MANY_CONCURRENT_LOGINS` when the address has too
   *   many checks in progress; UNAVAILABLE `PASSWORD_HASHING_BUSY` when the queue is full.
   */
  async verify(password: string, hash: string | undefined, address: string | undefined): Promise<boolean> {
    const target = hash ?? (await (this.#dummyHash ??= bcrypt.hash('no-such-user-dummy-password', this.cost)));
    const lane = address ? `address:${address}` : UNKNOWN_ADDRESS_LANE;
    const ok = await this.#run(lane, this.#maxChecksPerAddress, () => bcrypt.compare(password, target));
    return ok && hash !== undefined;
  }

  async #run<T>(lane: string, maxInLane: number, work: () => Promise<T>): Promise<T> {
    try {
      return await this.#queue.run(lane, work, maxInLane);
    } catch (error) {
      if (!(error instanceof QueueFullError)) throw error;
      throw error.scope === 'lane'
        ? resourceExhausted(
            'TOO_MANY_CONCURRENT_LOGINS',
            'Too many sign-ins from your address are in progress; retry in a moment.',
            1000,
          )
        : new AppError(
            GrpcStatus.UNAVAILABLE,
            'PASSWORD_HASHING_BUSY',
            'Too many sign-ins are in progress; retry in a moment.',
            { retryDelayMs: 1000 },
          );
    }
  }
}

/** Adds violations for a new password: length in characters and the 72-byte bcrypt limit. */
export function checkNewPassword(v: Violations, field: string, password: string | undefined): Violations {
  if (!password) return v.add(field, 'is required');
  if ([...password].length < PASSWORD_MIN_CHARS) v.add(field, `must be at least ${PASSWORD_MIN_CHARS} characters`);
  return v.maxBytes(field, password, PASSWORD_MAX_BYTES);
}
