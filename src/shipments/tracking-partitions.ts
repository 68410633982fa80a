import { sql } from 'kysely';
import { PeriodicTask, type BackgroundTask } from '../platform/background-task.js';
import type { Database } from '../platform/db/database.js';
import type { Logger } from '../platform/logger.js';

/** How often each instance makes sure next month's partition exists (cheap when it does). */
const MAINTENANCE_INTERVAL_MS = 6 * 3600_000;
const NO_PARTITION = /no partition of relation "shipment_tracking" found for row/;

/**
 * Thrown by a write whose points belong in a month that has no partition yet. It names the
 * partition keys (shipment creation times, PostgreSQL text) the write needed, because
 * PostgreSQL's own error cannot: with row level security on, it leaves the key out.
 */
export class MissingTrackingPartition extends Error {
  constructor(readonly partitionKeys: string[]) {
    super('A month partition of shipment_tracking is missing.');
    this.name = 'MissingTrackingPartition';
  }
}

/** The error of an insert into shipment_tracking that found no partition for a row. */
export function isNoPartitionError(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === '23514' && NO_PARTITION.test(e.message ?? '');
}

/**
 * Keeps the monthly partitions of shipment_tracking ahead of time (migration 0006 explains
 * the layout). Every instance runs the database's idempotent ensure function at start and every
 * few hours for the current and the next month (partitionMaintenanceTask); and should a write
 * still find its month missing (instances that never ran long enough), `withPartition` creates
 * it and retries once instead of failing the scanner.
 */
export class TrackingPartitions {
  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
  ) {}

  /** Creates the partitions of `around`'s month and the `monthsAhead` following ones, if missing. */
  async ensure(around: Date, monthsAhead: number): Promise<number> {
    return this.db.withoutTenant(async (tx) => {
      const { rows } = await sql<{
        created: number;
      }>`SELECT ensure_shipment_tracking_partitions(${around}, ${monthsAhead}) AS created`.execute(tx);
      return rows[0]?.created ?? 0;
    });
  }

  /**
   * Runs `work` (a whole transaction); when it fails because the month partition of a point
   * is missing, creates that month's partition and runs `work` once more.
   */
  async withPartition<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof MissingTrackingPartition)) throw error;
      for (const key of new Set(error.partitionKeys)) {
        this.logger.warn({ partitionKey: key }, 'shipment_tracking partition was missing; creating it');
        await this.ensure(fromPgTimestamp(key), 0);
      }
      return work();
    }
  }
}

/** A timestamptz in PostgreSQL's ISO text form (`2026-11-25 15:32:13.123456+00`) as a Date. */
function fromPgTimestamp(text: string): Date {
  return new Date(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
}

/** Ensures the current and next month's partitions when the server starts, then every few hours. */
export function partitionMaintenanceTask(partitions: TrackingPartitions, logger: Logger): BackgroundTask {
  const run = async () => {
    const created = await partitions.ensure(new Date(), 1);
    if (created > 0) logger.info({ created }, 'created shipment_tracking partitions');
  };
  return new PeriodicTask('shipment-tracking-partitions', MAINTENANCE_INTERVAL_MS, run, logger, { runAtStart: true });
}
