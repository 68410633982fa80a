import type { InboundStockPort } from '../inventory/index.js';
import { openOrderQuantity } from '../procurement/index.js';
import { inTransitByWarehouse } from '../shipments/index.js';

/** Inventory's view of stock on its way: shipments in transit and open purchase orders. */
export const inboundStock: InboundStockPort = {
  inTransit: inTransitByWarehouse,
  incoming: openOrderQuantity,
};
