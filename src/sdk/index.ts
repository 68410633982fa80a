/**
 * The IMSOP SDK: typed promise clients for every service, errors with decoded details, and
 * pagination helpers. Message types are re-exported per proto package below.
 *
 * ```ts
 * import { createImsopClient, paginate, ImsopError, Status } from 'imsop';
 * ```
 */
export { createImsopClient, type ImsopClient, type ImsopClientOptions, type ImsopClients } from './client.js';
export { ImsopError, Status, type FieldViolation } from './errors.js';
export { paginate } from './paginate.js';
export { SERVICES, type ServiceKey } from './services.js';

export * as identity from './messages/identity.js';
export * as inventory from './messages/inventory.js';
export * as procurement from './messages/procurement.js';
export * as shipments from './messages/shipments.js';
export * as analytics from './messages/analytics.js';
