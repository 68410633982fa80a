import type { Database } from '../../platform/db/database.js';
import { allOrganizationIds } from '../../platform/db/organization-ids.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import { archiveEventPartitions, archiveEvents, type PartitionOutcome } from '../../platform/outbox/event-archive.js';
import { runExclusively, type Ran, type Skipped } from '../exclusive-run.js';
import type { ArchivePorts } from './archive-ports.js';
import { cutoffsNow, type RetentionCutoffs, type RetentionPolicy } from './retention-policy.js';

export const RETENTION_JOB = 'analytics.retention';

/** The live tables retention moves rows out of (each into archive.<same name>). */
export const RETENTION_TABLES = [
  'purchase_orders',
  'purchase_order_items',
  'receipts',
  'receipt_lines',
  'shipment_tracking',
  'analytics_events',
] as const;
export type RetentionTable = (typeof RETENTION_TABLES)[number];
export type TableCounts = Record<RetentionTable, number>;

export interface RetentionReport {
  dryRun: boolean;
  cutoffs: RetentionCutoffs;
  organizations: number;
  /** Rows moved to the archive per table (with dryRun: rows that would move). */
  moved: TableCounts;
  /** Purchase orders past retention kept because a shipment still references them. */
  heldPurchaseOrders: number;
  /** The month partitions of analytics_events the partition step looked at. */
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
 * `archive` schema, or with dryRun only counts them. Never touches inventory. Analytics only
 * orders the run: each move is an operation of the table's owner (procurement and shipments
 * through `archives`, the platform's outbox for the events).
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
 */
export async function runRetention(
  db: Database,
  archives: ArchivePorts,
  policy: RetentionPolicy,
  options: RetentionOptions = {},
  every?: number,
): Promise<Ran<RetentionReport> | Skipped> {
  return runExclusively(db, RETENTION_JOB, () => retain(db, archives, policy, options), every);
}

async function retain(
  db: Database,
  archives: ArchivePorts,
  policy: RetentionPolicy,
  options: RetentionOptions,
): Promise<RetentionReport> {
  const dryRun = options.dryRun ?? false;
  const cutoffs = await cutoffsNow(db, policy);
  const moved = zero();
  const partitions = await archiveEventPartitions(db, cutoffs.analyticsEvents, dryRun);
  // A dry run counts those rows again below, organization by organization.
  if (!dryRun)
    moved.analytics_events += partitions.filter((p) => p.action === 'moved').reduce((sum, p) => sum + p.rows, 0);

  const organizations = await allOrganizationIds(db);
  let heldPurchaseOrders = 0;
  options.onProgress?.({ organizationsDone: 0, organizations: organizations.length, moved: { ...moved } });
  for (const [index, organizationId] of organizations.entries()) {
    const scope = { organizationId };
    const batches = <T>(move: (work: UnitOfWork) => Promise<T>) => db.inTenant(scope, move);

    // Purchase orders, each batch with its items, receipts and receipt lines.
    for (let first = true; ; first = false) {
      const r = await batches((work) =>
        archives.purchaseOrders(work, cutoffs.purchaseOrders, policy.batchSize, dryRun),
      );
      if (first) heldPurchaseOrders += r.held;
      moved.purchase_orders += r.orders;
      moved.purchase_order_items += r.items;
      moved.receipts += r.receipts;
      moved.receipt_lines += r.receiptLines;
      if (dryRun || r.orders < policy.batchSize) break;
    }
    for (;;) {
      const n = await batches((work) =>
        archives.trackingPoints(work, cutoffs.trackingPoints, policy.batchSize, dryRun),
      );
      moved.shipment_tracking += n;
      if (dryRun || n < policy.batchSize) break;
    }
    for (;;) {
      const n = await batches((work) => archiveEvents(work, cutoffs.analyticsEvents, policy.batchSize, dryRun));
      moved.analytics_events += n;
      if (dryRun || n < policy.batchSize) break;
    }
    options.onProgress?.({ organizationsDone: index + 1, organizations: organizations.length, moved: { ...moved } });
  }
  return { dryRun, cutoffs, organizations: organizations.length, moved, heldPurchaseOrders, partitions };
}
