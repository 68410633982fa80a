import { Shipment } from '../../gen/ts/imsop/shipments/v1/resources.js';
import type { ChangeEventType } from '../platform/change-feed/change-event-types.js';
import type { ResourceJson } from '../platform/change-feed/resource-change.js';
import type { StatusText } from './mappers.js';

/**
 * Shipments' resources as the change feed carries them (docs/change-events.md): the proto3 JSON
 * of the Shipment the API returns, built by the same mapper.
 *
 * Tracking points get no change event of their own: scanners send them by the thousand, and
 * WatchShipment / WatchOrganizationFeed already stream them, resumably, per shipment. What the
 * feed tells is what a point changes at shipment level: a point carrying a new status records
 * that shipment's status event (with `last_sequence` naming the point).
 */

export const SHIPMENT = 'shipment';

export const shipmentJson = (shipment: Shipment): ResourceJson => Shipment.toJSON(shipment) as ResourceJson;

/** The event of a move to each status (nothing moves back to PENDING). */
const STATUS_EVENTS = {
  in_transit: 'shipment.in_transit',
  delivered: 'shipment.delivered',
  exception: 'shipment.exception',
  cancelled: 'shipment.cancelled',
} as const satisfies Record<Exclude<StatusText, 'pending'>, ChangeEventType>;

/**
 * The event of a move to `to`: leaving for the first time is `shipment.dispatched`; moving on
 * after an exception is `shipment.in_transit`; the other statuses name themselves.
 */
export function statusEventType(to: Exclude<StatusText, 'pending'>, dispatching: boolean): ChangeEventType {
  return dispatching ? 'shipment.dispatched' : STATUS_EVENTS[to];
}
