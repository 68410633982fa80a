import bcrypt from 'bcrypt';
import pLimit from 'p-limit';
import { AppError, GrpcStatus } from '../platform/errors.js';
import { Violations } from '../platform/validation.js';

/** bcrypt reads at most 72 bytes; longer passwords are rejected, never silently truncated. */
export const PASSWORD_MAX_BYTES = 72;
export const PASSWORD_MIN_CHARS = 12;

export interface PasswordsOptions {
  /** Hashes running at once (each occupies one libuv pool thread). */
  concurrency?: number;
  /** Hashes allowed to wait for a slot; beyond that callers are refused at once. */
  maxQueued?: number;
}

/**
 * Hashing and checking passwords. bcrypt runs on libuv's thread pool (never on the event loop),
 * and at most `concurrency` hashes run at once, so a login flood queues here instead of
 * starving every other RPC of the pool's threads (DNS, file I/O and zlib share them). The
 * queue is bounded too: a flood beyond it is refused with UNAVAILABLE rather than holding
 * memory and callers for minutes.
 */
export class Passwords {
  readonly #limit: ReturnType<typeof pLimit>;
  readonly #maxQueued: number;
  #dummyHash: Promise<string> | undefined;

  constructor(
    private readonly cost: number,
    options: PasswordsOptions = {},
  ) {
    this.#limit = pLimit(options.concurrency ?? 2);
    this.#maxQueued = options.maxQueued ?? 200;
  }

  /** @throws AppError UNAVAILABLE `PASSWORD_HASHING_BUSY` when too many hashes are waiting. */
  hash(password: string): Promise<string> {
    return this.#run(() => bcrypt.hash(password, this.cost));
  }

  /**
   * Compares against `hash`, or against a dummy hash of the same cost when there is no user, so
   * both take the same time.
   * @throws AppError UNAVAILABLE `PASSWORD_HASHING_BUSY` when too many checks are waiting.
   */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const target = hash ?? (await (this.#dummyHash ??= bcrypt.hash('no-such-user-dummy-password', this.cost)));
    const ok = await this.#run(() => bcrypt.compare(password, target));
    return ok && hash !== undefined;
  }

  #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#limit.pendingCount >= this.#maxQueued) {
      return Promise.reject(
        new AppError(GrpcStatus.UNAVAILABLE, 'PASSWORD_HASHING_BUSY', 'Too many sign-ins are in progress; retry in a moment.', { retryDelayMs: 1000 }),
      );
    }
    return this.#limit(work);
  }
}

/** Adds violations for a new password: length in characters and the 72-byte bcrypt limit. */
export function checkNewPassword(v: Violations, field: string, password: string | undefined): Violations {
  if (!password) return v.add(field, 'is required');
  if ([...password].length < PASSWORD_MIN_CHARS) v.add(field, `must be at least ${PASSWORD_MIN_CHARS} characters`);
  return v.maxBytes(field, password, PASSWORD_MAX_BYTES);
}
