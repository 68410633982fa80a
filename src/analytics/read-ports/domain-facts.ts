import type { ProcurementFacts } from './procurement-facts.js';
import type { ShipmentFacts } from './shipment-facts.js';
import type { StockFacts } from './stock-facts.js';

/**
 * The read ports the daily metrics need: analytics reads no other domain's tables, it asks the
 * owning domains for the facts of a day (src/adapters/analytics-facts.ts wires them).
 */
export interface DomainFacts {
  stock: StockFacts;
  procurement: ProcurementFacts;
  shipments: ShipmentFacts;
}
