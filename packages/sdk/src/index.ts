/**
 * @imsop/sdk: typed promise clients for every IMSOP service, typed errors, pagination, a
 * resuming shipment watch, a scanner session, and exact Money helpers. Message types are
 * exported per proto package (`identity`, `inventory`, ...).
 *
 * ```ts
 * import { createImsopClient, paginate, isImsopError, watchShipment } from '@imsop/sdk';
 * ```
 */
export {
  createImsopClient,
  type CredentialSource,
  type ImsopCallOptions,
  type ImsopClient,
  type ImsopClientOptions,
  type ImsopClients,
  type ImsopMiddleware,
} from './client.js';
export {
  ErrorReason,
  ImsopError,
  isImsopError,
  Status,
  statusToImsopError,
  type ErrorMetadata,
  type ErrorMetadataOf,
  type ErrorReasonName,
  type FieldViolation,
  type ImsopErrorWithReason,
} from './errors.js';
export { addMoney, compareMoney, moneyFromDecimal, moneyToDecimal, multiplyMoney, type Money } from './money.js';
export { paginate } from './paginate.js';
export { isResumable, type ResumeOptions } from './resume.js';
export {
  openScannerSession,
  type ScannerSession,
  type ScannerSessionOptions,
  type ScannerSessionSummary,
  type TrackingUpdateInput,
} from './scanner-session.js';
export { SERVICES, type ServiceKey } from './services.js';
export { watchShipment, type WatchShipmentOptions } from './watch-shipment.js';
export { Metadata } from 'nice-grpc';

export * as identity from './messages/identity.js';
export * as inventory from './messages/inventory.js';
export * as procurement from './messages/procurement.js';
export * as shipments from './messages/shipments.js';
export * as analytics from './messages/analytics.js';
export * as events from './messages/events.js';
