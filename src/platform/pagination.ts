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
  if (!Number.isInteger(requested) || requested < 0)
    throw invalidArgument([{ field: 'page_size', description: 'must not be negative' }]);
  if (requested === 0) return opts.default ?? DEFAULT_PAGE_SIZE;
  return Math.min(requested, opts.max ?? MAX_PAGE_SIZE);
}
