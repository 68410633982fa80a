import type { ReceiptOriginPort } from '../inventory/index.js';
import { receiptOriginsOf } from '../procurement/index.js';

/**
 * ReceiptOriginPort on procurement's public face: the purchase order receipts behind inventory's
 * ledger rows, read by procurement in the caller's unit of work (lot recall traces).
 */
export const receiptOrigins: ReceiptOriginPort = {
  receiptsOf: (work, transactionIds) => receiptOriginsOf(work, transactionIds),
};
