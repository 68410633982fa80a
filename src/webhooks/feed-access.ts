import { ActorKind, ChangeEvent, ChangeKind } from '../../gen/ts/imsop/events/v1/change_event.js';
import type { AppContext } from '../platform/app-context.js';
import { encodeChangeCursor, type ChangeCursor } from '../platform/change-feed/change-cursor.js';
import type { Database, TenantScope } from '../platform/db/database.js';
import { AppError, GrpcStatus } from '../platform/errors.js';
import { lastPosition, readChanges, type StoredChange } from '../platform/change-feed/read-changes.js';

/**
 * What webhooks need of the change feed (src/platform/change-feed/), in one place: where a
 * tenant's feed stands, its events after a cursor, one event by id, and an event as the JSON a
 * receiver gets.
 */

/** The tenant's last positioned event (0 and now before its first): where a new subscription starts. */
export async function feedHead(db: Database, tenant: TenantScope): Promise<{ position: number; occurredAt: Date }> {
  const position = await lastPosition(db, tenant);
  if (position === 0) return { position, occurredAt: new Date() };
  const [event] = await readChanges(db, tenant, position - 1, {}, 1);
  return { position, occurredAt: event?.occurredAt ?? new Date() };
}

/** The tenant's events after `position`, in feed order, unfiltered (the dispatcher filters, to move past what it skips). */
export function changesAfter(
  db: Database,
  tenant: TenantScope,
  position: number,
  limit: number,
): Promise<StoredChange[]> {
  return readChanges(db, tenant, position, {}, limit);
}

/**
 * One positioned event of the tenant, by id; undefined when there is none (never recorded, past
 * retention, or not positioned yet). Webhooks are a declared reader of change_events for this
 * one lookup (src/table-owners.ts); the event itself comes through the feed's reading API.
 */
export async function changeById(db: Database, tenant: TenantScope, id: string): Promise<StoredChange | undefined> {
  const [row] = await db.read(tenant, (q) =>
    q
      .selectFrom('change_events')
      .select('position')
      .where('organization_id', '=', tenant.organizationId)
      .where('id', '=', id)
      .where('position', 'is not', null),
  );
  if (!row?.position) return undefined;
  const [event] = await readChanges(db, tenant, Number(row.position) - 1, {}, 1);
  return event?.id === id ? event : undefined;
}

export type { StoredChange };

const CHANGE_KINDS = {
  created: ChangeKind.CHANGE_KIND_CREATED,
  updated: ChangeKind.CHANGE_KIND_UPDATED,
  deleted: ChangeKind.CHANGE_KIND_DELETED,
  event: ChangeKind.CHANGE_KIND_EVENT,
} as const;
const ACTOR_KINDS = {
  user: ActorKind.ACTOR_KIND_USER,
  api_key: ActorKind.ACTOR_KIND_API_KEY,
  system: ActorKind.ACTOR_KIND_SYSTEM,
} as const;

/** A stored event as the imsop.events.v1.ChangeEvent message WatchChanges streams. */
export function toChangeEvent(change: StoredChange): ChangeEvent {
  return {
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
}

/** The body of a delivery: the ChangeEvent in proto3 JSON form (lowerCamelCase, as grpcurl prints it). */
export function changeEventJson(change: StoredChange): unknown {
  return ChangeEvent.toJSON(toChangeEvent(change));
}

/**
 * Refuses a cursor older than the feed's retention window: the events after it may be gone.
 * @throws AppError OUT_OF_RANGE `CURSOR_EXPIRED` (resync).
 */
export function requireRetainedCursor(app: AppContext, cursor: ChangeCursor): void {
  const days = app.config.CHANGE_FEED_RETENTION_DAYS;
  if (cursor.occurredAtMs > 0 && cursor.occurredAtMs < Date.now() - days * 86_400_000) {
    throw new AppError(
      GrpcStatus.OUT_OF_RANGE,
      'CURSOR_EXPIRED',
      `The cursor is older than the change feed's retention (${days} days): resync, then replay from a newer cursor.`,
      { metadata: { retention_days: String(days) } },
    );
  }
}
