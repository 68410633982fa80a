import { invalidArgument } from './errors.js';

/**
 * The fields an Update call may change (AIP-134): the `update_mask` paths, validated against
 * what the resource allows. An empty mask is refused rather than guessed at.
 * @throws AppError INVALID_ARGUMENT naming `update_mask` for an empty mask or unknown paths.
 */
export function maskPaths(mask: string[] | undefined, allowed: readonly string[]): Set<string> {
  const paths = (mask ?? []).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  if (paths.length === 0) {
    throw invalidArgument([{ field: 'update_mask', description: `is required; updatable fields: ${allowed.join(', ')}` }]);
  }
  const unknown = paths.filter((p) => !allowed.includes(p));
  if (unknown.length > 0) {
    // Name a few offending paths, shortened: never echo an arbitrarily large input back.
    const shown = unknown.slice(0, 3).map((p) => (p.length > 40 ? `${p.slice(0, 40)}...` : p));
    const more = unknown.length > 3 ? ` and ${unknown.length - 3} more` : '';
    throw invalidArgument([{ field: 'update_mask', description: `unknown or read-only paths: ${shown.join(', ')}${more}; updatable fields: ${allowed.join(', ')}` }]);
  }
  return new Set(paths);
}
