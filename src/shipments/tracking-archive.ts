import { sql } from 'kysely';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';

/**
 * Retention of tracking points (design rule 9), in the tenant's unit of work: moves up to
 * `maxRows` of the tenant's points recorded before `cutoff` to the archive schema (or with
 * dryRun counts all of them). The database function doing it is in migrations/0007.
 * @returns the points moved (or that would move).
 */
export async function archiveTrackingPoints(
  work: UnitOfWork,
  cutoff: Date,
  maxRows: number,
  dryRun: boolean,
): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`SELECT archive_tracking_points(${cutoff}, ${maxRows}, ${dryRun}) AS n`.execute(work.tx);
  return Number(rows[0]!.n);
}
