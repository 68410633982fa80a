/**
 * The procurement domain's public face: its services, the port it needs, what shipments' receipts
 * use, and its order history and archive moves for analytics' adapters.
 */
export { loadProcurementDemo } from './demo.js';
export type { InventoryPort, ReceivedLot } from './inventory-port.js';
export { openOrderQuantity } from './open-orders.js';
export { procurementBackgroundTasks, procurementServices } from './module.js';
export { archivePurchaseOrders } from './order-archive.js';
export { orderLinesDueOn, ordersReceivedBetween, ordersSubmittedBetween } from './order-facts.js';
export { ReceivingService } from './receiving.js';
export { receiptOriginsOf, type ReceiptOrigin } from './receipt-origins.js';
