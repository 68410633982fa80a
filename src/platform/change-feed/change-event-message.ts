import { ActorKind, ChangeEvent, ChangeKind } from '../../../gen/ts/imsop/events/v1/change_event.js';
import { wrapAsField1 } from '../grpc/encoded-response.js';
import { encodeChangeCursor } from './change-cursor.js';
import type { StoredChange } from './read-changes.js';

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
 * A stored change as the `imsop.events.v1.ChangeEvent` a subscriber gets, its resource cut down
 * to `fields` when given (paths of lowerCamelCase JSON names, see resourceFields).
 */
export function toChangeEvent(change: StoredChange, fields?: readonly (readonly string[])[]): ChangeEvent {
  return {
    eventId: change.id,
    cursor: encodeChangeCursor({ position: change.position, occurredAtMs: change.occurredAt.getTime() }),
    resourceType: change.resourceType,
    resourceId: change.resourceId,
    eventType: change.eventType,
    changeKind: CHANGE_KINDS[change.changeKind],
    changedFields: change.changedFields,
    etag: change.etag,
    actor: { kind: ACTOR_KINDS[change.actorKind], id: change.actorId ?? '' },
    requestId: change.requestId,
    occurredAt: change.occurredAt,
    resource: fields ? project(change.resource, fields) : change.resource,
  };
}

/** Field masks whose encoding each event keeps (the common ones); others are encoded per message. */
const MASKS_KEPT_PER_EVENT = 4;
const encodings = new WeakMap<StoredChange, Map<string, Buffer>>();

/**
 * The wire encoding of a message whose `repeated ChangeEvent events = 1` holds `changes` (as
 * toChangeEvent gives them), e.g. a WatchChangesResponse. Each event's encoding is kept with the
 * event, per field mask, while the event is: the watchers of one organization share the events
 * they read (feed-tails.ts), so an event is encoded once, not once per watcher.
 */
export function encodeChangeEvents(changes: readonly StoredChange[], fields?: readonly (readonly string[])[]): Buffer {
  const mask = fields ? JSON.stringify(fields) : '';
  return Buffer.concat(
    changes.map((change) => {
      let byMask = encodings.get(change);
      const kept = byMask?.get(mask);
      if (kept) return kept;
      const encoded = wrapAsField1(ChangeEvent.encode(toChangeEvent(change, fields)).finish());
      if (!byMask) encodings.set(change, (byMask = new Map()));
      if (byMask.size < MASKS_KEPT_PER_EVENT) byMask.set(mask, encoded);
      return encoded;
    }),
  );
}

/**
 * The field mask of a watch or listing as paths into the resource's JSON object: each path's
 * segments in lowerCamelCase (proto3 JSON names), whether the caller wrote `available_quantity`
 * or `availableQuantity`. Undefined for no mask (the whole resource).
 * @returns undefined, or the paths; a malformed path is reported in `invalid`.
 */
export function resourceFields(mask: string[] | undefined): { paths?: string[][]; invalid: string[] } {
  const given = (mask ?? [])
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  if (given.length === 0) return { invalid: [] };
  const invalid = given.filter((p) => !/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/.test(p) || p.length > 200);
  const paths = given.map((p) => p.split('.').map((s) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())));
  return { paths, invalid };
}

/** The parts of `resource` the paths name (missing ones are left out, as proto3 JSON leaves out defaults). */
function project(resource: Record<string, unknown>, paths: readonly (readonly string[])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    let from: unknown = resource;
    let into = out;
    for (let i = 0; i < path.length; i++) {
      if (typeof from !== 'object' || from === null || Array.isArray(from) || !Object.hasOwn(from, path[i]!)) break;
      const value = (from as Record<string, unknown>)[path[i]!];
      if (i === path.length - 1) {
        into[path[i]!] = value;
      } else {
        const next = into[path[i]!];
        into = (
          typeof next === 'object' && next !== null ? next : (into[path[i]!] = {} as Record<string, unknown>)
        ) as Record<string, unknown>;
        from = value;
      }
    }
  }
  return out;
}
