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
 * What inventory needs of procurement to trace a lot back to its supplier, as a narrow
 * interface: procurement's receipts name the ledger rows they wrote, inventory never reads
 * procurement's tables itself (docs/architecture.md). src/adapters/ wires the real one.
 */
export interface ReceiptOriginPort {
  /**
   * The receipts behind the given `receive` ledger rows of the unit of work's organization; rows
   * no purchase order receipt wrote are absent.
   */
  receiptsOf(work: UnitOfWork, transactionIds: readonly string[]): Promise<Map<string, ReceiptSource>>;
}

/** A port that knows no receipts (a server without procurement, or tests of inventory alone). */
export const noReceiptOrigins: ReceiptOriginPort = {
  receiptsOf: async () => new Map(),
};
