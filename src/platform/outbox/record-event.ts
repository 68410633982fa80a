import { sql, type RawBuilder } from 'kysely';
import type { TenantScope, Tx } from '../db/database.js';
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
 * Records an event inside the caller's transaction: it commits with the action it
 * describes and disappears with it when the action rolls back, so the event stream never tells
 * of something that did not happen (and never misses something that did). The actor is the
 * scope's principal ('system' when there is none, e.g. a sweeper); the time is the
 * transaction's, the same `now()` the action's own rows carry.
 *
 * One INSERT of one narrow row, no reads: cheap enough for the hottest paths (stock movements).
 */
export async function recordEvent(tx: Tx, scope: TenantScope, event: ServerEvent): Promise<void> {
  await recordEvents(tx, scope, [event]);
}

/** recordEvent for several events of one action, in one INSERT. */
export async function recordEvents(tx: Tx, scope: TenantScope, events: readonly ServerEvent[]): Promise<void> {
  if (events.length === 0) return;
  const { actorId, actorKind } = actorOf(scope);
  await tx
    .insertInto('analytics_events')
    .values(
      events.map((e) => ({
        organization_id: scope.organizationId,
        event_type: e.type,
        source: 'server',
        entity_type: SERVER_EVENTS[e.type],
        entity_id: e.entityId,
        actor_kind: actorKind,
        actor_id: actorId,
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
 * Records a batch of client events (source 'client') in one INSERT inside the caller's
 * transaction, acting as the scope's principal.
 * @returns the events' ids, in the batch's order.
 */
export async function recordClientEvents(tx: Tx, scope: TenantScope, events: readonly ClientEventRecord[]): Promise<string[]> {
  const { actorId, actorKind } = actorOf(scope);
  const rows = await tx
    .insertInto('analytics_events')
    .values(
      events.map((e) => ({
        organization_id: scope.organizationId,
        event_type: e.eventType,
        source: 'client',
        entity_type: e.entityType,
        entity_id: e.entityId,
        actor_kind: actorKind,
        actor_id: actorId,
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
export function eventsFrom(scope: TenantScope, type: ServerEventType, rows: RawBuilder<unknown>): RawBuilder<unknown> {
  const { actorId, actorKind } = actorOf(scope);
  return sql`INSERT INTO analytics_events (organization_id, event_type, source, entity_type, entity_id, actor_kind, actor_id, metadata)
    SELECT ${scope.organizationId}::uuid, ${type}::text, 'server', ${SERVER_EVENTS[type]}::text, r.entity_id, ${actorKind}::text, ${actorId}::uuid, r.metadata
    FROM (${rows}) AS r`;
}

/** The recorded actor: the scope's principal, or the system when there is none. */
function actorOf(scope: TenantScope): { actorId: string | null; actorKind: string } {
  const actorId = scope.userId || null;
  return { actorId, actorKind: actorId ? (scope.actorKind ?? 'user') : 'system' };
}
