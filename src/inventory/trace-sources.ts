import type { UnitOfWork } from '../platform/db/unit-of-work.js';

/** The purchase order receipt that booked a ledger row, as a recall trace shows it. */
export interface ReceiptSource {
  receiptId: string;
  purchaseOrderId: string;
  poNumber: string;
  supplierId: string;
  supplierName: string;
}

/**
 * What a lot's recall trace needs of the other domains, as a narrow interface: procurement's
 * receipts name the ledger rows they wrote, and shipments move stock under their own id as the
 * ledger's transfer id. Inventory never reads their tables itself (docs/architecture.md);
 * src/adapters/ wires the real one.
 */
export interface TraceSources {
  /**
   * The receipts behind the given `receive` ledger rows of the unit of work's organization; rows
   * no purchase order receipt wrote are absent.
   */
  receiptsOf(work: UnitOfWork, transactionIds: readonly string[]): Promise<Map<string, ReceiptSource>>;

  /** Which of the given transfer ids are shipments of the unit of work's organization. */
  shipmentsAmong(work: UnitOfWork, transferIds: readonly string[]): Promise<Set<string>>;
}

/** Sources that know no receipts and no shipments (inventory served alone). */
export const noTraceSources: TraceSources = {
  receiptsOf: async () => new Map(),
  shipmentsAmong: async () => new Set(),
};
