import { sql, type RawBuilder } from 'kysely';
import type { UnitOfWork } from '../db/unit-of-work.js';
import type { ChangeEventType, ChangeResourceType } from './change-event-types.js';
import { signalChangesCommitted } from './recorded-signal.js';

/** What a domain says about one change of one resource. */
export interface ChangeRecord {
  resourceType: ChangeResourceType;
  resourceId: string;
  /** From the catalogue (change-event-types.ts). */
  eventType: ChangeEventType;
  changeKind: 'created' | 'updated' | 'deleted' | 'event';
  /** Proto field paths (snake_case) that changed, for 'updated'. */
  changedFields?: readonly string[];
  /** The resource's new etag or version; none when it has none. */
  etag?: string;
  /** The resource after the change, as a proto3 JSON object (toJSON of its message); none for 'deleted'. */
  resource?: Record<string, unknown>;
}

/**
 * Records one change in the caller's unit of work (the `change_events` table, the platform's):
 * it commits with the change and disappears with it when the change rolls back, so the feed
 * never tells of something that did not happen, nor misses something that did. The actor and the
 * request id are the unit of work's. Record AFTER the write the event describes: then a second
 * writer of the same row (waiting on its lock) records its event after this one commits, and
 * the feed keeps each resource's changes in order.
 */
export async function recordChange(work: UnitOfWork, change: ChangeRecord): Promise<void> {
  await recordChanges(work, [change]);
}

/** recordChange for several changes of one action, in one INSERT. */
export async function recordChanges(work: UnitOfWork, changes: readonly ChangeRecord[]): Promise<void> {
  if (changes.length === 0) return;
  const { tenant, actor, requestId } = work;
  await work.tx
    .insertInto('change_events')
    .values(
      changes.map((c) => ({
        organization_id: tenant.organizationId,
        resource_type: c.resourceType,
        resource_id: c.resourceId,
        event_type: c.eventType,
        change_kind: c.changeKind,
        changed_fields: sql<string[]>`${[...(c.changedFields ?? [])]}::text[]`,
        etag: c.etag ?? '',
        actor_kind: actor.kind,
        actor_id: actor.id,
        request_id: requestId,
        resource: sql`${JSON.stringify(c.resource ?? {})}::jsonb`,
      })),
    )
    .execute();
  nudgeSequencerOnCommit(work);
}

/**
 * recordChanges as a statement to embed, for hot actions whose own statement produces the rows
 * the events describe (stock movements, coalesced reservations): `rows` is a SELECT with columns
 * `resource_id` text, `event_type` text, `change_kind` text, `changed_fields` text[], `etag`
 * text, `resource` jsonb, usually over an earlier data-modifying CTE
 * (`WITH moved AS (...), change AS (${changesFrom(...)})`). The events are written by the
 * action's own statement: no extra round trip while it holds its row locks, and exactly the rows
 * the action produced get an event. A row may also carry `request_id` text (a batch serving
 * several calls); without it the unit of work's request id is recorded.
 *
 * Calling this marks the unit of work as recording, so the caller must run the statement in it.
 */
export function changesFrom(
  work: UnitOfWork,
  resourceType: ChangeResourceType,
  rows: RawBuilder<unknown>,
  options: { rowsCarryRequestId?: boolean } = {},
): RawBuilder<unknown> {
  const { tenant, actor, requestId } = work;
  nudgeSequencerOnCommit(work);
  const requestIdColumn = options.rowsCarryRequestId ? sql`r.request_id` : sql`${requestId}::text`;
  return sql`INSERT INTO change_events (organization_id, resource_type, resource_id, event_type, change_kind, changed_fields, etag, actor_kind, actor_id, request_id, resource)
    SELECT ${tenant.organizationId}::uuid, ${resourceType}::text, r.resource_id, r.event_type, r.change_kind, r.changed_fields, r.etag, ${actor.kind}::text, ${actor.id}::uuid, ${requestIdColumn}, r.resource
    FROM (${rows}) AS r`;
}

const nudging = new WeakSet<UnitOfWork>();

/** Once per unit of work: after it commits, wake the sequencer so its events get positions at once. */
function nudgeSequencerOnCommit(work: UnitOfWork): void {
  if (nudging.has(work)) return;
  nudging.add(work);
  work.afterCommit(signalChangesCommitted);
}
