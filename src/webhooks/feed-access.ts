import { ChangeEvent } from '../../gen/ts/imsop/events/v1/change_event.js';
import type { AppContext } from '../platform/app-context.js';
import { assertCursorRetained, type ChangeCursor } from '../platform/change-feed/change-cursor.js';
import { toChangeEvent } from '../platform/change-feed/change-event-message.js';
import type { Database, TenantScope } from '../platform/db/database.js';
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

/** The body of a delivery: the ChangeEvent in proto3 JSON form (lowerCamelCase, as grpcurl prints it). */
export function changeEventJson(change: StoredChange): unknown {
  return ChangeEvent.toJSON(toChangeEvent(change));
}

/**
 * Refuses a cursor older than the feed's retention window (the feed's own rule): the events
 * after it may be gone.
 * @throws AppError OUT_OF_RANGE `CURSOR_EXPIRED` (resync).
 */
export function requireRetainedCursor(app: AppContext, cursor: ChangeCursor): void {
  assertCursorRetained(cursor, app.config.CHANGE_FEED_RETENTION_DAYS);
}
