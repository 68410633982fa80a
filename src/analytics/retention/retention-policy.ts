import { sql } from 'kysely';
import type { Config } from '../../platform/config.js';
import type { Database } from '../../platform/db/database.js';

/** How long rows stay in the live tables (design rule 9), in calendar months, and the batch size. */
export interface RetentionPolicy {
  /** Purchase orders closed or cancelled longer ago than this move, with their items and receipts. */
  purchaseOrderMonths: number;
  /** Tracking points recorded longer ago than this move. */
  trackingPointMonths: number;
  /** Analytics events that occurred longer ago than this move. */
  analyticsEventMonths: number;
  /** Rows (orders, points, events) per batch: each batch is one short transaction. */
  batchSize: number;
}

export function retentionPolicy(config: Config): RetentionPolicy {
  return {
    purchaseOrderMonths: config.RETENTION_PURCHASE_ORDER_MONTHS,
    trackingPointMonths: config.RETENTION_TRACKING_POINT_MONTHS,
    analyticsEventMonths: config.RETENTION_ANALYTICS_EVENT_MONTHS,
    batchSize: config.RETENTION_BATCH_SIZE,
  };
}

/** The instants before which rows are past retention, fixed once per run. */
export interface RetentionCutoffs {
  purchaseOrders: Date;
  trackingPoints: Date;
  analyticsEvents: Date;
}

/**
 * The cutoffs of a run starting now, by the database's clock and calendar (`now() - N months`:
 * calendar months, as the SQL functions that check them count). Fixed for the whole run so that
 * every batch and every organization uses the same line.
 */
export async function cutoffsNow(db: Database, policy: RetentionPolicy): Promise<RetentionCutoffs> {
  return db.withoutTenant(async (tx) => {
    const { rows } = await sql<{ po: Date; tracking: Date; events: Date }>`SELECT
        now() - make_interval(months => ${policy.purchaseOrderMonths}) AS po,
        now() - make_interval(months => ${policy.trackingPointMonths}) AS tracking,
        now() - make_interval(months => ${policy.analyticsEventMonths}) AS events`.execute(tx);
    const row = rows[0]!;
    return { purchaseOrders: row.po, trackingPoints: row.tracking, analyticsEvents: row.events };
  });
}
