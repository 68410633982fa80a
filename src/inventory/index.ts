/**
 * The inventory domain's public face: its services for the server, and the building blocks other
 * domains' adapters (src/adapters/) move stock with, in the caller's unit of work.
 */
export { inventoryBackgroundTasks, inventoryServices } from './module.js';
export { assertInboundOpen, requireProduct, requireWarehouse } from './references.js';
export { compareLevelKeys, StockLedger } from './stock-ledger.js';
export { receiveInTransaction } from './stock-movements.js';
