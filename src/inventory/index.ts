/**
 * The inventory domain's public face: its services for the server, the building blocks other
 * domains' adapters (src/adapters/) move stock with, in the caller's unit of work, and its stock
 * history for analytics' adapters.
 */
export { inventoryBackgroundTasks, inventoryServices } from './module.js';
export { assertInboundOpen, requireProduct, requireWarehouse } from './references.js';
export { stockLevelsAt, stockMovementsBetween } from './stock-facts.js';
export { compareLevelKeys, StockLedger } from './stock-ledger.js';
export type { InboundStockPort } from './inbound-port.js';
export { receiptLotInput } from './lots.js';
export { receiveInTransaction } from './stock-movements.js';
export { arriveFromTransit, dispatchInTransit } from './transit-stock.js';
export type { ReceiptSource, TraceSources } from './trace-sources.js';
