import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { UnitOfWork } from '../db/unit-of-work.js';

/** A month partition of the outbox the partition step of retention looked at. */
export interface PartitionOutcome {
  partition: string;
  /** moved / dropped (empty) / left (for the row step) / busy (lock not available), or would_move / would_drop. */
  action: string;
  rows: number;
}

/**
 * Retention of the outbox (design rule 9), its partition step, across tenants: whole month
 * partitions of analytics_events that ended before `cutoff` move to the archive schema as they
 * are (a catalogue operation; tenant rows untouched), empty ones are dropped. With dryRun only
 * says what would happen. The database function doing it is in migrations/0007.
 */
export async function archiveEventPartitions(db: Database, cutoff: Date, dryRun: boolean): Promise<PartitionOutcome[]> {
  return db.withoutTenant(async (tx) => {
    const { rows } = await sql<{ partition_name: string; action: string; row_count: number }>`
      SELECT partition_name, action, row_count FROM archive_analytics_event_partitions(${cutoff}, ${dryRun})`.execute(
      tx,
    );
    return rows.map((r) => ({ partition: r.partition_name, action: r.action, rows: Number(r.row_count) }));
  });
}

/**
 * Retention of the outbox, its row step, in the tenant's unit of work: moves up to `maxRows`
 * of the tenant's events that occurred before `cutoff` to the archive (or with dryRun counts
 * all of them).
 * @returns the events moved (or that would move).
 */
export async function archiveEvents(work: UnitOfWork, cutoff: Date, maxRows: number, dryRun: boolean): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`SELECT archive_analytics_events(${cutoff}, ${maxRows}, ${dryRun}) AS n`.execute(work.tx);
  return Number(rows[0]!.n);
}
