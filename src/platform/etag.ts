import { aborted } from './errors.js';

/**
 * Resources carry an etag derived from the row's `version` (bumped on every update). A caller
 * that sends the etag it read gets ABORTED instead of silently overwriting a newer change.
 */
export function formatEtag(version: number): string {
  return `"v${version}"`;
}

/** @throws AppError ABORTED `ETAG_MISMATCH` when `given` is set and is not the current version's etag. */
export function checkEtag(given: string | undefined, currentVersion: number): void {
  if (given && given !== formatEtag(currentVersion)) {
    throw aborted('ETAG_MISMATCH', 'The resource changed since it was read (stale etag); read it again and retry.');
  }
}
