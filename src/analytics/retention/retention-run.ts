import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import { runExclusively, type Ran, type Skipped } from '../exclusive-run.js';
import { allOrganizationIds } from '../organizations.js';
import { cutoffsNow, type RetentionCutoffs, type RetentionPolicy } from './retention-policy.js';

export const RETENTION_JOB = 'analytics.retention';

/** The live tables retention moves rows out of (each into archive.<same name>). */
export const RETENTION_TABLES = ['purchase_orders', 'purchase_order_items', 'receipts', 'receipt_lines', 'shipment_tracking', 'analytics_events'] as const;
export type RetentionTable = (typeof RETENTION_TABLES)[number];
export type TableCounts = Record<RetentionTable, number>;

/** A month partition of analytics_events the partition step looked at. */
export interface PartitionOutcome {
  partition: string;
  /** moved / dropped (empty) / left (for the row step) / busy (lock not available), or would_move / would_drop. */
  action: string;
  rows: number;
}

export interface RetentionReport {
  dryRun: boolean;
  cutoffs: RetentionCutoffs;
  organizations: number;
  /** Rows moved to the archive per table (with dryRun: rows that would move). */
  moved: TableCounts;
  /** Purchase orders past retention kept because a shipment still references them. */
  heldPurchaseOrders: number;
  partitions: PartitionOutcome[];
}

export interface RetentionProgress {
  organizationsDone: number;
  organizations: number;
  moved: TableCounts;
}

export interface RetentionOptions {
  dryRun?: boolean;
  /** Called after each organization (and once before the first), for progress output. */
  onProgress?: (progress: RetentionProgress) => void;
}

const zero = (): TableCounts => Object.fromEntries(RETENTION_TABLES.map((t) => [t, 0])) as TableCounts;

/**
 * One retention run (design rule 9): moves every row past its cutoff from the live tables to the
 * `archive` schema, or with dryRun only counts them. Never touches inventory.
 *
 * 1. Whole months of analytics_events that ended before the cutoff move as partitions (a
 *    catalogue operation, across tenants, tenant rows untouched).
 * 2. Then, organization by organization, inside that organization's own transactions (so row
 *    level security confines every move to it), bounded batches of old purchase orders (with
 *    items, receipts and receipt lines), tracking points and the remaining events. Each batch
 *    commits on its own: a run that stops half-way has lost nothing, and the next run resumes
 *    with what is still past the cutoff. Moving is idempotent: what moved is no longer there to
 *    move again.
 *
 * Exclusive across instances ({ ran: false, reason: 'busy' } while another runs it); with
 * `every` (scheduled runs) also skipped when any instance ran it within that many milliseconds.
 * The database functions doing the moves are in migrations/0007.
 */
export async function runRetention(db: Database, policy: RetentionPolicy, options: RetentionOptions = {}, every?: number): Promise<Ran<RetentionReport> | Skipped> {
  return runExclusively(db, RETENTION_JOB, () => retain(db, policy, options), every);
}

async function retain(db: Database, policy: RetentionPolicy, options: RetentionOptions): Promise<RetentionReport> {
  const dryRun = options.dryRun ?? false;
  const cutoffs = await cutoffsNow(db, policy);
  const moved = zero();
  const partitions = await db.withoutTenant(async (tx) => {
    const { rows } = await sql<{ partition_name: string; action: string; row_count: number }>`
      SELECT partition_name, action, row_count FROM archive_analytics_event_partitions(${cutoffs.analyticsEvents}, ${dryRun})`.execute(tx);
    return rows.map((r) => ({ partition: r.partition_name, action: r.action, rows: Number(r.row_count) }));
  });
  // A dry run counts those rows again below, organization by organization.
  if (!dryRun) moved.analytics_events += partitions.filter((p) => p.action === 'moved').reduce((sum, p) => sum + p.rows, 0);

  const organizations = await allOrganizationIds(db);
  let heldPurchaseOrders = 0;
  options.onProgress?.({ organizationsDone: 0, organizations: organizations.length, moved: { ...moved } });
  for (const [index, organizationId] of organizations.entries()) {
    const scope = { organizationId };
    const batches = <T>(move: (work: UnitOfWork) => Promise<T>) => db.inTenant(scope, move);

    // Purchase orders, each batch with its items, receipts and receipt lines.
    for (let first = true; ; first = false) {
      const r = await batches((work) => movePurchaseOrders(work, cutoffs.purchaseOrders, policy.batchSize, dryRun));
      if (first) heldPurchaseOrders += r.held;
      moved.purchase_orders += r.orders;
      moved.purchase_order_items += r.items;
      moved.receipts += r.receipts;
      moved.receipt_lines += r.receipt_lines;
      if (dryRun || r.orders < policy.batchSize) break;
    }
    for (;;) {
      const n = await batches((work) => moveRows(work, 'archive_tracking_points', cutoffs.trackingPoints, policy.batchSize, dryRun));
      moved.shipment_tracking += n;
      if (dryRun || n < policy.batchSize) break;
    }
    for (;;) {
      const n = await batches((work) => moveRows(work, 'archive_analytics_events', cutoffs.analyticsEvents, policy.batchSize, dryRun));
      moved.analytics_events += n;
      if (dryRun || n < policy.batchSize) break;
    }
    options.onProgress?.({ organizationsDone: index + 1, organizations: organizations.length, moved: { ...moved } });
  }
  return { dryRun, cutoffs, organizations: organizations.length, moved, heldPurchaseOrders, partitions };
}

async function movePurchaseOrders(work: UnitOfWork, cutoff: Date, batchSize: number, dryRun: boolean) {
  const { rows } = await sql<{ orders: number; items: number; receipts: number; receipt_lines: number; held: number }>`
    SELECT orders, items, receipts, receipt_lines, held FROM archive_purchase_orders(${cutoff}, ${batchSize}, ${dryRun})`.execute(work.tx);
  const r = rows[0]!;
  return { orders: Number(r.orders), items: Number(r.items), receipts: Number(r.receipts), receipt_lines: Number(r.receipt_lines), held: Number(r.held) };
}

async function moveRows(work: UnitOfWork, fn: 'archive_tracking_points' | 'archive_analytics_events', cutoff: Date, batchSize: number, dryRun: boolean): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT ${sql.ref(fn)}(${cutoff}, ${batchSize}, ${dryRun}) AS n`.execute(work.tx);
  return Number(rows[0]!.n);
}
