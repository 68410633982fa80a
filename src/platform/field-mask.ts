import { invalidArgument } from './errors.js';

/**
 * The fields an Update call may change (AIP-134): the `update_mask` paths, validated against
 * what the resource allows (proto field names). Paths may also be in lowerCamelCase
 * (`displayName`): that is how proto3 JSON (grpcurl) writes a FieldMask, and how the
 * generated TypeScript names the fields. An empty mask is refused rather than guessed at.
 * @returns the paths, as proto field names.
 * @throws AppError INVALID_ARGUMENT naming `update_mask` for an empty mask or unknown paths.
 */
export function maskPaths(mask: string[] | undefined, allowed: readonly string[]): Set<string> {
  const given = (mask ?? [])
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  if (given.length === 0) {
    throw invalidArgument([
      { field: 'update_mask', description: `is required; updatable fields: ${allowed.join(', ')}` },
    ]);
  }
  const paths = given.map(protoFieldPath);
  const unknown = given.filter((_, i) => !allowed.includes(paths[i]!));
  if (unknown.length > 0) {
    // Name a few offending paths, shortened: never echo an arbitrarily large input back.
    const shown = unknown.slice(0, 3).map((p) => (p.length > 40 ? `${p.slice(0, 40)}...` : p));
    const more = unknown.length > 3 ? ` and ${unknown.length - 3} more` : '';
    throw invalidArgument([
      {
        field: 'update_mask',
        description: `unknown or read-only paths: ${shown.join(', ')}${more}; updatable fields: ${allowed.join(', ')}`,
      },
    ]);
  }
  return new Set(paths);
}

/** `unitOfMeasure` -> `unit_of_measure`; a path already in proto field names is unchanged. */
export function protoFieldPath(path: string): string {
  return path.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
