import type { Tenant } from '../../platform/db/unit-of-work.js';
import type { DayWindow } from '../utc-day.js';
import type { FactQuery } from './fact-query.js';

/** A shipment delivered within the window. */
export interface DeliveryFact {
  /** The carrier's case-insensitive key ("DHL" and "dhl" are one carrier). */
  carrier_key: string;
  shipped_at: Date;
  delivered_at: Date;
  expected_delivery_at: Date | null;
}

/** A tracking point stored within the window. */
export interface TrackingPointFact {
  recorded_at: Date;
}

/**
 * What analytics reads of shipments, per UTC day of one organization (the tenant of analytics' unit
 * of work). Implemented by shipments, wired in src/adapters/.
 */
export interface ShipmentFacts {
  deliveriesIn(tenant: Tenant, window: DayWindow): FactQuery<DeliveryFact>;
  trackingPointsRecordedIn(tenant: Tenant, window: DayWindow): FactQuery<TrackingPointFact>;
}
