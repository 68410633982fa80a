/**
 * The analytics domain's public face: its services and background work for the server, and the
 * ports it needs of the other domains (read ports for the daily metrics, archive moves for
 * retention), which src/adapters/ implements.
 */
export { analyticsBackgroundTasks, analyticsServices } from './module.js';
export type { DomainFacts } from './read-ports/domain-facts.js';
export type { ProcurementFacts } from './read-ports/procurement-facts.js';
export type { ShipmentFacts } from './read-ports/shipment-facts.js';
export type { StockFacts } from './read-ports/stock-facts.js';
export type { ArchivePorts } from './retention/archive-ports.js';
