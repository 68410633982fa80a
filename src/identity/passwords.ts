import bcrypt from 'bcrypt';
import pLimit from 'p-limit';
import { Violations } from '../platform/validation.js';

/** bcrypt reads at most 72 bytes; longer passwords are rejected, never silently truncated. */
export const PASSWORD_MAX_BYTES = 72;
export const PASSWORD_MIN_CHARS = 12;

/**
 * Hashing and checking passwords. bcrypt runs on libuv's thread pool (never on the event loop),
 * and at most `concurrency` hashes run at once, so a login flood queues here instead of
 * starving every other RPC of the pool's threads (DNS, file I/O and zlib share them).
 */
export class Passwords {
  readonly #limit: ReturnType<typeof pLimit>;
  #dummyHash: Promise<string> | undefined;

  constructor(
    private readonly cost: number,
    concurrency = 2,
  ) {
    this.#limit = pLimit(concurrency);
  }

  hash(password: string): Promise<string> {
    return this.#limit(() => bcrypt.hash(password, this.cost));
  }

  /** Compares against `hash`, or against a dummy hash of the same cost when there is no user, so both take the same time. */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const target = hash ?? (await (this.#dummyHash ??= bcrypt.hash('no-such-user-dummy-password', this.cost)));
    const ok = await this.#limit(() => bcrypt.compare(password, target));
    return ok && hash !== undefined;
  }
}

/** Adds violations for a new password: length in characters and the 72-byte bcrypt limit. */
export function checkNewPassword(v: Violations, field: string, password: string | undefined): Violations {
  if (!password) return v.add(field, 'is required');
  if ([...password].length < PASSWORD_MIN_CHARS) v.add(field, `must be at least ${PASSWORD_MIN_CHARS} characters`);
  return v.maxBytes(field, password, PASSWORD_MAX_BYTES);
}
