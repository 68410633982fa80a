import { ChangeEvent } from '../../../gen/ts/imsop/events/v1/change_event.js';
import { toChangeEvent } from '../change-feed/change-event-message.js';
import type { StoredChange } from '../change-feed/read-changes.js';

/** The body's media type: the ChangeEvent in proto3 JSON form. */
export const CHANGE_EVENT_CONTENT_TYPE = 'application/json';
/** Names the message the body holds, for consumers that decode it with the contracts. */
export const CHANGE_EVENT_MESSAGE_TYPE = 'imsop.events.v1.ChangeEvent';

/**
 * A relayed event as a NATS message. The body is `imsop.events.v1.ChangeEvent` in proto3 JSON,
 * built as WatchChanges builds it (toChangeEvent; the whole resource): readable by any consumer
 * without the contracts, decodable with them (`ChangeEvent.fromJSON`, Go's `protojson.Unmarshal`,
 * ...); its `cursor` resumes the organization's WatchChanges / ListChanges right after it. JSON
 * rather than protobuf binary because the stream's consumers are other teams' services and
 * tools (`nats sub`, stream browsers) more often than IMSOP's SDK. The headers repeat what a
 * consumer routes or de-duplicates on without parsing the body.
 */
export function changeEventMessage(change: StoredChange): { headers: Record<string, string>; body: Uint8Array } {
  return {
    headers: {
      'Content-Type': CHANGE_EVENT_CONTENT_TYPE,
      'Imsop-Message-Type': CHANGE_EVENT_MESSAGE_TYPE,
      'Imsop-Organization-Id': change.organizationId,
      'Imsop-Resource-Type': change.resourceType,
      'Imsop-Event-Type': change.eventType,
      'Imsop-Position': String(change.position),
    },
    body: new TextEncoder().encode(JSON.stringify(ChangeEvent.toJSON(toChangeEvent(change)))),
  };
}
