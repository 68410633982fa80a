import type { ArchivePorts } from '../analytics/index.js';
import { archivePurchaseOrders } from '../procurement/index.js';
import { archiveTrackingPoints } from '../shipments/index.js';

/** Retention's moves on the owning domains' own archive operations: purchase orders by procurement, tracking points by shipments. */
export const analyticsArchives: ArchivePorts = {
  purchaseOrders: archivePurchaseOrders,
  trackingPoints: archiveTrackingPoints,
};
