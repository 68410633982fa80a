import type { Tenant } from '../../platform/db/unit-of-work.js';
import type { DayWindow } from '../utc-day.js';
import type { FactQuery } from './fact-query.js';

/** One stock level (a product at a warehouse) as it stood at an instant. */
export interface StockLevelFact {
  warehouse_id: string;
  on_hand: number;
  reserved: number;
  reorder_point: number;
  /** The product's current unit cost (no cost history is kept); null when it has none. */
  unit_cost: string | null;
  unit_cost_currency: string;
}

/** One stock ledger entry. */
export interface StockMovementFact {
  /** The movement type (receive, issue, transfer_out, reserve, ...). */
  type: string;
  warehouse_id: string;
  /** Units moved, as an absolute value: the on-hand change, or for entries that only reserve or free stock, the reserved change. */
  units: number;
}

/**
 * What analytics reads of inventory, per UTC day of one organization (the tenant of analytics' unit
 * of work). Implemented by inventory, wired in src/adapters/.
 */
export interface StockFacts {
  /** Every stock level that existed at the end of the window, with its balance as it stood then. */
  levelsAtEndOf(tenant: Tenant, window: DayWindow): FactQuery<StockLevelFact>;
  /** The ledger entries made within the window. */
  movementsIn(tenant: Tenant, window: DayWindow): FactQuery<StockMovementFact>;
}
