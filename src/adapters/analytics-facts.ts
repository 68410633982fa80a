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
    levelsAtEndOf: (tenant, w) => stockLevelsAt(tenant.organizationId, w.end),
    movementsIn: (tenant, w) => stockMovementsBetween(tenant.organizationId, w.start, w.end),
  },
  procurement: {
    ordersSubmittedIn: (tenant, w) => ordersSubmittedBetween(tenant.organizationId, w.start, w.end),
    ordersReceivedIn: (tenant, w) => ordersReceivedBetween(tenant.organizationId, w.start, w.end),
    linesDueOn: (tenant, w) => orderLinesDueOn(tenant.organizationId, w.start, w.end),
  },
  shipments: {
    deliveriesIn: (tenant, w) => deliveriesBetween(tenant.organizationId, w.start, w.end),
    trackingPointsRecordedIn: (tenant, w) => trackingPointsRecordedBetween(tenant.organizationId, w.start, w.end),
  },
};
