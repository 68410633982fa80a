import { ShipmentStatus, type TrackingUpdate } from '../../gen/ts/imsop/shipments/v1/resources.js';
import { Violations } from '../platform/validation.js';
import { statusFromProto, type StatusText } from './mappers.js';

/** How far in the future an event time may be: scanners' clocks drift, but not by hours. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** Earlier event times are a scanner whose clock was never set (1970), not a real event. */
const EARLIEST_EVENT_TIME = Date.UTC(2000, 0, 1);
const UPDATE_ID = /^[!-~]{1,128}$/;
const MAX_TEXT = 500;

/** A tracking point to store: a validated scanner update, or a status change the server records. */
export interface PointDraft {
  /** Where the update sits in its request (`update`, `updates[2]`), for field violations found later. */
  path: string;
  /** The scanner's idempotency key; null for points the server records itself. */
  updateId: string | null;
  /** Exactly one of shipmentId and trackingNumber is set. */
  shipmentId?: string;
  trackingNumber?: string;
  /** Narrows trackingNumber when several carriers use it; '' when not given. */
  carrier: string;
  location: string;
  latitude: number | null;
  longitude: number | null;
  eventTime: Date;
  /** The status to move the shipment to with this point; null for none. */
  status: StatusText | null;
  note: string;
  /** Who sent it (the stored point's recorded_by); the transaction's actor when not set. */
  recordedBy?: string | null;
}

/**
 * Checks one scanner update and turns it into a draft. `prefix` is the path of the update in
 * the request (`update`), so violations name fields as the client sees them.
 *
 * @throws AppError INVALID_ARGUMENT listing every problem: missing or malformed update_id,
 *   neither or both of shipment_id / tracking_number, coordinates out of range, a missing,
 *   pre-2000 or more than 5 minutes future event_time, unknown status, over-long texts.
 */
export function validateTrackingUpdate(update: TrackingUpdate | undefined, now: number, prefix = 'update'): PointDraft {
  const v = new Violations();
  if (!update) {
    v.add(prefix, 'is required').throwIfAny();
    throw new Error('unreachable');
  }
  const f = (name: string) => `${prefix}.${name}`;
  if (!update.updateId) v.add(f('update_id'), 'is required');
  else if (!UPDATE_ID.test(update.updateId))
    v.add(f('update_id'), 'must be 1..128 printable ASCII characters without spaces');
  if (update.shipmentId && update.trackingNumber)
    v.add(f('shipment_id'), 'set either shipment_id or tracking_number, not both');
  else if (update.shipmentId) v.uuid(f('shipment_id'), update.shipmentId);
  else if (!update.trackingNumber) v.add(f('shipment_id'), 'is required (or tracking_number)');
  v.maxChars(f('tracking_number'), update.trackingNumber, 100).maxChars(f('carrier'), update.carrier, 100);
  v.maxChars(f('location'), update.location, MAX_TEXT).maxChars(f('note'), update.note, MAX_TEXT);
  const position = update.position;
  if (position) {
    if (!Number.isFinite(position.latitude) || position.latitude < -90 || position.latitude > 90) {
      v.add(f('position.latitude'), 'must be between -90 and 90');
    }
    if (!Number.isFinite(position.longitude) || position.longitude < -180 || position.longitude > 180) {
      v.add(f('position.longitude'), 'must be between -180 and 180');
    }
  }
  const eventTime = update.eventTime;
  if (!eventTime || Number.isNaN(eventTime.getTime())) v.add(f('event_time'), 'is required');
  else if (eventTime.getTime() > now + MAX_CLOCK_SKEW_MS)
    v.add(f('event_time'), 'must not be more than 5 minutes in the future');
  else if (eventTime.getTime() < EARLIEST_EVENT_TIME) v.add(f('event_time'), 'must not be before 2000-01-01');
  const status = update.status === ShipmentStatus.SHIPMENT_STATUS_UNSPECIFIED ? null : statusFromProto(update.status);
  if (status === undefined) v.add(f('status'), 'is not a known shipment status');
  v.throwIfAny();
  return {
    path: prefix,
    updateId: update.updateId,
    ...(update.shipmentId
      ? { shipmentId: update.shipmentId.toLowerCase() }
      : { trackingNumber: update.trackingNumber }),
    carrier: update.carrier.trim(),
    location: update.location,
    latitude: position ? position.latitude : null,
    longitude: position ? position.longitude : null,
    eventTime: eventTime!,
    status: status ?? null,
    note: update.note,
  };
}
