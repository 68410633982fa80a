import type { Tenant } from '../../platform/db/unit-of-work.js';
import type { DayWindow } from '../utc-day.js';
import type { FactQuery } from './fact-query.js';

/** A purchase order submitted within the window, whatever happened to it afterwards. */
export interface SubmittedOrderFact {
  supplier_id: string;
  currency_code: string;
  total_amount: string;
}

/** A purchase order that became fully received within the window. */
export interface ReceivedOrderFact {
  supplier_id: string;
  submitted_at: Date;
  received_at: Date;
}

/** An order line due on the window's day, on an order placed with its supplier, as delivered by the end of that day. */
export interface DueLineFact {
  supplier_id: string;
  quantity_ordered: number;
  /** Fully received before the end of the due day. */
  on_time: boolean;
  /** Units received before the end of the due day, at most the ordered quantity. */
  filled: number;
}

/**
 * What analytics reads of procurement, per UTC day of one organization (the tenant of analytics' unit
 * of work). Implemented by procurement, wired in src/adapters/.
 */
export interface ProcurementFacts {
  ordersSubmittedIn(tenant: Tenant, window: DayWindow): FactQuery<SubmittedOrderFact>;
  ordersReceivedIn(tenant: Tenant, window: DayWindow): FactQuery<ReceivedOrderFact>;
  linesDueOn(tenant: Tenant, window: DayWindow): FactQuery<DueLineFact>;
}
