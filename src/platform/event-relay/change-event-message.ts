import {
  ActorKind,
  ChangeEvent,
  ChangeKind,
  type ChangeEvent as ChangeEventMessage,
} from '../../../gen/ts/imsop/events/v1/change_event.js';
import { encodeChangeCursor } from '../change-feed/change-cursor.js';
import type { StoredChange } from '../change-feed/read-changes.js';

/** The body's media type: the ChangeEvent in proto3 JSON form. */
export const CHANGE_EVENT_CONTENT_TYPE = 'application/json';
/** Names the message the body holds, for consumers that decode it with the contracts. */
export const CHANGE_EVENT_MESSAGE_TYPE = 'imsop.events.v1.ChangeEvent';

const CHANGE_KINDS: Record<StoredChange['changeKind'], ChangeKind> = {
  created: ChangeKind.CHANGE_KIND_CREATED,
  updated: ChangeKind.CHANGE_KIND_UPDATED,
  deleted: ChangeKind.CHANGE_KIND_DELETED,
  event: ChangeKind.CHANGE_KIND_EVENT,
};
const ACTOR_KINDS: Record<StoredChange['actorKind'], ActorKind> = {
  user: ActorKind.ACTOR_KIND_USER,
  api_key: ActorKind.ACTOR_KIND_API_KEY,
  system: ActorKind.ACTOR_KIND_SYSTEM,
};

/**
 * A relayed event as a NATS message. The body is `imsop.events.v1.ChangeEvent` in proto3 JSON
 * (the message WatchChanges streams, as grpcurl prints it): readable by any consumer without the
 * contracts, and decodable with them (`ChangeEvent.fromJSON`, Go's `protojson.Unmarshal`, ...).
 * Its `cursor` resumes the organization's WatchChanges / ListChanges right after the event. The
 * headers repeat what a consumer routes or de-duplicates on without parsing the body.
 */
export function changeEventMessage(change: StoredChange): { headers: Record<string, string>; body: Uint8Array } {
  const event: ChangeEventMessage = {
    eventId: change.id,
    cursor: encodeChangeCursor({ position: change.position, occurredAtMs: change.occurredAt.getTime() }),
    resourceType: change.resourceType,
    resourceId: change.resourceId,
    eventType: change.eventType,
    changeKind: CHANGE_KINDS[change.changeKind] ?? ChangeKind.CHANGE_KIND_UNSPECIFIED,
    changedFields: change.changedFields,
    etag: change.etag,
    actor: { kind: ACTOR_KINDS[change.actorKind] ?? ActorKind.ACTOR_KIND_UNSPECIFIED, id: change.actorId ?? '' },
    requestId: change.requestId,
    occurredAt: change.occurredAt,
    resource: change.resource,
  };
  return {
    headers: {
      'Content-Type': CHANGE_EVENT_CONTENT_TYPE,
      'Imsop-Message-Type': CHANGE_EVENT_MESSAGE_TYPE,
      'Imsop-Organization-Id': change.organizationId,
      'Imsop-Resource-Type': change.resourceType,
      'Imsop-Event-Type': change.eventType,
      'Imsop-Position': String(change.position),
    },
    body: new TextEncoder().encode(JSON.stringify(ChangeEvent.toJSON(event))),
  };
}
