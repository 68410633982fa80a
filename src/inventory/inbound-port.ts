import type { UnitOfWork } from '../platform/db/unit-of-work.js';

/**
 * Stock on its way, which other domains know: what shipments carry between warehouses and what
 * purchase orders still bring. Inventory reports it (include_inbound) without reading their
 * tables; src/adapters/inventory-inbound.ts wires the real ones.
 */
export interface InboundStockPort {
  /** Units of the product dispatched to each warehouse by shipments not yet delivered, by warehouse id. */
  inTransit(work: UnitOfWork, productId: string): Promise<Map<string, number>>;
  /** Units of the product still to come on approved or partially received purchase orders. */
  incoming(work: UnitOfWork, productId: string): Promise<number>;
}
