/** The procurement domain's public face: its services, the port it needs, what shipments' receipts use. */
export { loadProcurementDemo } from './demo.js';
export type { InventoryPort } from './inventory-port.js';
export { procurementServices } from './module.js';
export { ReceivingService } from './receiving.js';
