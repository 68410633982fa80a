import type { RelayedChange } from './relay-progress.js';

/** The body's media type: the ChangeEvent in proto3 JSON form. */
export const CHANGE_EVENT_CONTENT_TYPE = 'application/json';
/** Names the message the body holds, for consumers that decode it with the contracts. */
export const CHANGE_EVENT_MESSAGE_TYPE = 'imsop.events.v1.ChangeEvent';

/**
 * A relayed event as a NATS message: the body is `imsop.events.v1.ChangeEvent` in proto3 JSON
 * (what WatchChanges streams, as grpcurl prints it), readable by any consumer without the
 * contracts and decodable with them (`ChangeEvent.fromJSON`, `protojson.Unmarshal`, ...).
 * Headers repeat what a consumer routes or de-duplicates on without parsing the body.
 */
export function changeEventMessage(change: RelayedChange): { headers: Record<string, string>; body: Uint8Array } {
  const event = {
    eventId: change.id,
    resourceType: change.resourceType,
    resourceId: change.resourceId,
    eventType: change.eventType,
    changeKind: `CHANGE_KIND_${change.changeKind.toUpperCase()}`,
    changedFields: change.changedFields,
    etag: change.etag,
    requestId: change.requestId,
    occurredAt: change.occurredAt.toISOString(),
    resource: change.resource,
  };
  return {
    headers: {
      'Content-Type': CHANGE_EVENT_CONTENT_TYPE,
      'Imsop-Message-Type': CHANGE_EVENT_MESSAGE_TYPE,
      'Imsop-Event-Id': change.id,
      'Imsop-Organization-Id': change.organizationId,
      'Imsop-Resource-Type': change.resourceType,
      'Imsop-Event-Type': change.eventType,
      'Imsop-Position': change.position.toString(),
    },
    body: new TextEncoder().encode(JSON.stringify(event)),
  };
}
