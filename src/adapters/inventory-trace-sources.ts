import type { TraceSources } from '../inventory/index.js';
import { receiptOriginsOf } from '../procurement/index.js';
import { shipmentIdsAmong } from '../shipments/index.js';

/**
 * TraceSources on procurement's and shipments' public faces: the purchase order receipts behind
 * inventory's ledger rows, and which transfer ids are shipments, each read by its owner in the
 * caller's unit of work (lot recall traces).
 */
export const traceSources: TraceSources = {
  receiptsOf: (work, transactionIds) => receiptOriginsOf(work, transactionIds),
  shipmentsAmong: (work, transferIds) => shipmentIdsAmong(work, transferIds),
};
