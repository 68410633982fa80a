import type { ClientEvent } from '../../gen/ts/imsop/analytics/v1/resources.js';
import { Violations } from '../platform/validation.js';
import {
  ENTITY_ID_MAX_CHARS,
  ENTITY_TYPE_PATTERN,
  EVENT_TYPE_MAX_CHARS,
  EVENT_TYPE_PATTERN,
  RESERVED_EVENT_NAMESPACES,
} from './event-types.js';

/** Limits of RecordEvents (stated in proto/imsop/analytics/v1). */
export const MAX_EVENTS_PER_BATCH = 500;
export const MAX_METADATA_BYTES = 8 * 1024;
/** How far back a client may date an event: its month's partition must still be live. */
const MAX_AGE_MS = 7 * 24 * 3600_000;
/** Tolerated clock skew of clients ahead of the server. */
const MAX_AHEAD_MS = 5 * 60_000;

/** A client event ready to insert. */
export interface ValidClientEvent {
  eventType: string;
  entityType: string;
  entityId: string;
  metadataJson: string;
  occurredAt: Date | undefined;
}

/**
 * Checks a RecordEvents batch, collecting every problem with its position
 * (`events[3].event_type`) before failing.
 * @throws AppError INVALID_ARGUMENT with field violations.
 */
export function validateClientEvents(events: readonly ClientEvent[], now = new Date()): ValidClientEvent[] {
  const v = new Violations();
  if (events.length === 0) v.add('events', 'must contain at least one event');
  if (events.length > MAX_EVENTS_PER_BATCH) v.add('events', `must contain at most ${MAX_EVENTS_PER_BATCH} events`);
  v.throwIfAny();
  const valid = events.map((e, i) => {
    const at = (field: string) => `events[${i}].${field}`;
    const eventType = e.eventType.trim();
    if (!eventType) v.add(at('event_type'), 'is required');
    else if (eventType.length > EVENT_TYPE_MAX_CHARS || !EVENT_TYPE_PATTERN.test(eventType)) {
      v.add(
        at('event_type'),
        `must be dotted lower-case segments of letters, digits and _ (each starting with a letter), at most ${EVENT_TYPE_MAX_CHARS} characters`,
      );
    } else if (RESERVED_EVENT_NAMESPACES.includes(eventType.split('.')[0]!)) {
      v.add(
        at('event_type'),
        `must not start with a reserved prefix (${RESERVED_EVENT_NAMESPACES.map((n) => n + '.').join(', ')}): those are the service's own events`,
      );
    }
    if (e.entityType && !ENTITY_TYPE_PATTERN.test(e.entityType)) {
      v.add(
        at('entity_type'),
        'must be lower-case letters, digits and _, starting with a letter, at most 63 characters',
      );
    }
    if (e.entityId && !e.entityType) v.add(at('entity_id'), 'requires entity_type');
    v.maxChars(at('entity_id'), e.entityId, ENTITY_ID_MAX_CHARS);
    const metadataJson = JSON.stringify(e.metadata ?? {});
    if (Buffer.byteLength(metadataJson) > MAX_METADATA_BYTES)
      v.add(at('metadata'), `must be at most ${MAX_METADATA_BYTES} bytes as JSON`);
    const occurredAt = e.occurTime;
    if (occurredAt) {
      if (!Number.isFinite(occurredAt.getTime()) || occurredAt.getTime() < now.getTime() - MAX_AGE_MS)
        v.add(at('occur_time'), 'must be within the last 7 days');
      else if (occurredAt.getTime() > now.getTime() + MAX_AHEAD_MS)
        v.add(at('occur_time'), 'must not be more than 5 minutes in the future');
    }
    return { eventType, entityType: e.entityType, entityId: e.entityId, metadataJson, occurredAt };
  });
  v.throwIfAny();
  return valid;
}
