import type { UnitOfWork } from '../../platform/db/unit-of-work.js';

/**
 * The moves retention asks of the domains that own the tables (analytics moves no other
 * domain's rows itself; src/adapters/analytics-archives.ts wires them). Each moves one batch of
 * at most `maxRows` rows past `cutoff` to the archive schema inside the organization's
 * unit of work, or with dryRun counts all of them and changes nothing.
 */
export interface ArchivePorts {
  /** Purchase orders closed or cancelled before the cutoff, each with its items, receipts and receipt lines. */
  purchaseOrders(
    work: UnitOfWork,
    cutoff: Date,
    maxRows: number,
    dryRun: boolean,
  ): Promise<{ orders: number; items: number; receipts: number; receiptLines: number; held: number }>;
  /** Tracking points recorded before the cutoff. @returns how many. */
  trackingPoints(work: UnitOfWork, cutoff: Date, maxRows: number, dryRun: boolean): Promise<number>;
}
