import type { DomainFacts } from '../analytics/index.js';
import { stockLevelsAt, stockMovementsBetween } from '../inventory/index.js';
import { orderLinesDueOn, ordersReceivedBetween, ordersSubmittedBetween } from '../procurement/index.js';
import { deliveriesBetween, trackingPointsRecordedBetween } from '../shipments/index.js';

/**
 * Analytics' read ports on the owning domains' exported fact queries: the stock position and
 * ledger from inventory, orders and due lines from procurement, deliveries and tracking points
 * from shipments. Each is a query over its domain's own tables for one organization's UTC day;
 * analytics names none of those tables.
 */
export const analyticsFacts: DomainFacts = {
  stock: {
    levelsAtEndOf: (w) => stockLevelsAt(w.organizationId, w.end),
    movementsIn: (w) => stockMovementsBetween(w.organizationId, w.start, w.end),
  },
  procurement: {
    ordersSubmittedIn: (w) => ordersSubmittedBetween(w.organizationId, w.start, w.end),
    ordersReceivedIn: (w) => ordersReceivedBetween(w.organizationId, w.start, w.end),
    linesDueOn: (w) => orderLinesDueOn(w.organizationId, w.start, w.end),
  },
  shipments: {
    deliveriesIn: (w) => deliveriesBetween(w.organizationId, w.start, w.end),
    trackingPointsRecordedIn: (w) => trackingPointsRecordedBetween(w.organizationId, w.start, w.end),
  },
};
