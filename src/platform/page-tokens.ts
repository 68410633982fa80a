import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalidArgument } from './errors.js';
import { readCursor, type CursorField, type CursorOf, type CursorValue } from './page-cursor.js';
import type { PageBinding } from './pagination.js';

/** The keys that sign page tokens: `current` signs, both verify (so a rotation breaks no listing). */
export interface PageTokenSecrets {
  current: string;
  previous?: string;
}

const FORMAT_VERSION = 1;
const MAC_BYTES = 32;
/** Far above any real token (a few sort keys); refused before decoding. */
const MAX_TOKEN_CHARS = 4096;

/**
 * Opaque keyset page tokens (AIP-158): the sort keys of the last row returned, signed with a
 * server secret. The HMAC-SHA256 covers the format version, the listing the token belongs to
 * (organization, method, filter) and the cursor, so a token changed in any way, or used for
 * another listing, is refused before its cursor is read; replicas sharing the secret accept
 * each other's tokens.
 *
 * Layout, base64url: version (1 byte) | HMAC (32 bytes) | cursor as JSON.
 */
export class PageTokens {
  readonly #secrets: string[];

  constructor(secrets: PageTokenSecrets) {
    this.#secrets = secrets.previous ? [secrets.current, secrets.previous] : [secrets.current];
  }

  /** The token that continues a listing after the row with these sort keys. */
  encode(cursor: CursorValue[], binding: PageBinding): string {
    const payload = Buffer.from(JSON.stringify(cursor), 'utf8');
    return Buffer.concat([Buffer.of(FORMAT_VERSION), mac(this.#secrets[0]!, binding, payload), payload]).toString(
      'base64url',
    );
  }

  /**
   * @returns the cursor of a token this server issued for this listing, or undefined for an
   *   empty token (the first page).
   * @throws AppError INVALID_ARGUMENT (page_token) for anything else: edited, truncated, signed
   *   with another secret, issued for another listing, or holding a cursor of another shape.
   */
  decode<const S extends readonly CursorField[]>(
    token: string,
    binding: PageBinding,
    shape: S,
  ): CursorOf<S> | undefined {
    if (!token) return undefined;
    if (token.length > MAX_TOKEN_CHARS) throw badToken();
    const bytes = Buffer.from(token, 'base64url');
    // Node's decoder skips characters outside the alphabet and ignores the spare low bits of
    // the last one; only the exact text this server wrote is its token.
    if (bytes.toString('base64url') !== token || bytes.length <= 1 + MAC_BYTES || bytes[0] !== FORMAT_VERSION)
      throw badToken();
    const tag = bytes.subarray(1, 1 + MAC_BYTES);
    const payload = bytes.subarray(1 + MAC_BYTES);
    if (!this.#secrets.some((secret) => timingSafeEqual(mac(secret, binding, payload), tag))) throw badToken();
    let keys: unknown;
    try {
      keys = JSON.parse(payload.toString('utf8'));
    } catch {
      throw badToken();
    }
    const cursor = readCursor(keys, shape);
    if (!cursor) throw badToken();
    return cursor;
  }

  /**
   * Cuts the `size + 1` rows a list query fetched to a page, with the token that continues after
   * its last row ('' on the last page).
   */
  page<R>(
    rows: R[],
    size: number,
    binding: PageBinding,
    keysOf: (row: R) => CursorValue[],
  ): { items: R[]; nextPageToken: string } {
    if (rows.length <= size) return { items: rows, nextPageToken: '' };
    const items = rows.slice(0, size);
    return { items, nextPageToken: this.encode(keysOf(items[items.length - 1]!), binding) };
  }
}

function mac(secret: string, binding: PageBinding, payload: Buffer): Buffer {
  // The listing as one JSON line (JSON text holds no raw newline), then the cursor bytes.
  const listing = JSON.stringify([FORMAT_VERSION, binding.organizationId, binding.method, binding.filter]);
  return createHmac('sha256', secret).update(listing).update('\n').update(payload).digest();
}

const badToken = () =>
  invalidArgument([
    {
      field: 'page_token',
      description: 'is not a token returned by this list with the same filter; start again without it',
    },
  ]);
