import { createHash } from 'node:crypto';
import { invalidArgument } from './errors.js';

/** What a page token is bound to: a token only continues the listing it came from. */
export interface PageBinding {
  organizationId: string;
  method: string;
  /** The list's filter and ordering arguments (anything JSON-serialisable). */
  filter: unknown;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/**
 * AIP-158 page size: 0 means the default, larger values are capped.
 * @throws AppError INVALID_ARGUMENT for a negative page_size.
 */
export function resolvePageSize(requested: number, opts: { default?: number; max?: number } = {}): number {
  if (!Number.isInteger(requested) || requested < 0) throw invalidArgument([{ field: 'page_size', description: 'must not be negative' }]);
  if (requested === 0) return opts.default ?? DEFAULT_PAGE_SIZE;
  return Math.min(requested, opts.max ?? MAX_PAGE_SIZE);
}

/**
 * An opaque keyset cursor: the sort keys of the last row returned plus a hash of what the token
 * is bound to. Keyset (WHERE (a, b) > (...)) keeps the cost of page N the same as page 1.
 */
export function encodePageToken(keys: unknown[], binding: PageBinding): string {
  return Buffer.from(JSON.stringify({ k: keys, b: bindingHash(binding) })).toString('base64url');
}

/**
 * @returns the keys of the last row of the previous page, or undefined for an empty token.
 * @throws AppError INVALID_ARGUMENT when the token is malformed, or belongs to another
 *   listing (other filter, method or organization).
 */
export function decodePageToken(token: string, binding: PageBinding): unknown[] | undefined {
  if (!token) return undefined;
  let parsed: { k?: unknown; b?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badToken();
  }
  if (!parsed || !Array.isArray(parsed.k) || parsed.b !== bindingHash(binding)) throw badToken();
  return parsed.k;
}

function bindingHash(binding: PageBinding): string {
  return createHash('sha256').update(JSON.stringify([binding.organizationId, binding.method, binding.filter])).digest('base64url').slice(0, 22);
}

const badToken = () =>
  invalidArgument([{ field: 'page_token', description: 'is not a token returned by this list with the same filter; start again without it' }]);
