/** The shipments domain's public face: its services and the stock port it needs. */
export { shipmentBackgroundTasks, shipmentServices } from './module.js';
export type { ShipmentStockPort, StockLine } from './stock-port.js';
