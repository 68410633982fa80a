import { sql, type RawBuilder } from 'kysely';
import type { UnitOfWork } from '../db/unit-of-work.js';
import { SERVER_EVENTS, type ServerEventType } from './server-events.js';

/** What a domain says about an action worth analysing. */
export interface ServerEvent<T extends ServerEventType = ServerEventType> {
  type: T;
  /** The id of the entity the event is about (the entity's type follows from the event type). */
  entityId: string;
  /** Details worth slicing by later; a flat JSON object of ids, quantities and states. */
  metadata?: Record<string, string | number | boolean | null>;
}

/**
 * The transactional outbox every domain writes to (the `analytics_events` table, owned by the
 * platform; analytics is its declared reader and, through it, anything that follows the
 * service's events).
 *
 * Records an event inside the caller's unit of work: it commits with the action it describes
 * and disappears with it when the action rolls back, so the event stream never tells of
 * something that did not happen (and never misses something that did). The actor is the unit of
 * work's ('system' when it names no principal, e.g. a sweeper); the time is the transaction's,
 * the same `now()` the action's own rows carry.
 *
 * One INSERT of one narrow row, no reads: cheap enough for the hottest paths (stock movements).
 */
export async function recordEvent(work: UnitOfWork, event: ServerEvent): Promise<void> {
  await recordEvents(work, [event]);
}

/** recordEvent for several events of one action, in one INSERT. */
export async function recordEvents(work: UnitOfWork, events: readonly ServerEvent[]): Promise<void> {
  if (events.length === 0) return;
  const { tenant, actor } = work;
  await work.tx
    .insertInto('analytics_events')
    .values(
      events.map((e) => ({
        organization_id: tenant.organizationId,
        event_type: e.type,
        source: 'server',
        entity_type: SERVER_EVENTS[e.type],
        entity_id: e.entityId,
        actor_kind: actor.kind,
        actor_id: actor.id,
        metadata: sql`${JSON.stringify(e.metadata ?? {})}::jsonb`,
      })),
    )
    .execute();
}

/** An event a client sends (RecordEvents), already validated by analytics. */
export interface ClientEventRecord {
  eventType: string;
  entityType: string;
  entityId: string;
  /** The metadata object as JSON text. */
  metadataJson: string;
  /** When the client says it happened; default the transaction's time. */
  occurredAt: Date | undefined;
}

/**
 * Records a batch of client events (source 'client') in one INSERT inside the caller's unit of
 * work, acting as its actor.
 * @returns the events' ids, in the batch's order.
 */
export async function recordClientEvents(work: UnitOfWork, events: readonly ClientEventRecord[]): Promise<string[]> {
  const { tenant, actor } = work;
  const rows = await work.tx
    .insertInto('analytics_events')
    .values(
      events.map((e) => ({
        organization_id: tenant.organizationId,
        event_type: e.eventType,
        source: 'client',
        entity_type: e.entityType,
        entity_id: e.entityId,
        actor_kind: actor.kind,
        actor_id: actor.id,
        metadata: sql`${e.metadataJson}::jsonb`,
        ...(e.occurredAt ? { occurred_at: e.occurredAt } : {}),
      })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * recordEvent as a statement to embed, for actions whose own statement produces the rows the
 * events describe: `rows` is a SELECT with columns `entity_id` (text) and `metadata` (jsonb),
 * usually over an earlier data-modifying CTE (`WITH moved AS (...), event AS (${eventsFrom(...)})`).
 * The events are then written by the action's own statement: no extra round trip while the
 * action holds its row locks, and exactly the rows the action produced get an event.
 */
export function eventsFrom(work: UnitOfWork, type: ServerEventType, rows: RawBuilder<unknown>): RawBuilder<unknown> {
  const { tenant, actor } = work;
  return sql`INSERT INTO analytics_events (organization_id, event_type, source, entity_type, entity_id, actor_kind, actor_id, metadata)
    SELECT ${tenant.organizationId}::uuid, ${type}::text, 'server', ${SERVER_EVENTS[type]}::text, r.entity_id, ${actor.kind}::text, ${actor.id}::uuid, r.metadata
    FROM (${rows}) AS r`;
}
