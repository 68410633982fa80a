import { sql } from 'kysely';
import type { Database } from '../db/database.js';

/**
 * What the relay reads and records in PostgreSQL, across tenants, through the SECURITY DEFINER
 * functions of migrations/0013_event_relay.sql (the app role reads no tenant's change_events
 * itself, and cannot touch change_event_relays otherwise). Each call is one short transaction.
 */

/** A positioned change event as the relay publishes it. */
export interface RelayedChange {
  position: bigint;
  id: string;
  organizationId: string;
  occurredAt: Date;
  resourceType: string;
  resourceId: string;
  eventType: string;
  changeKind: string;
  changedFields: string[];
  etag: string;
  actorKind: string;
  actorId: string | null;
  requestId: string;
  resource: Record<string, unknown>;
}

/** The last position `relay` published and recorded; 0 when it never ran (it starts at the oldest kept event). */
export async function relayedPosition(db: Database, relay: string): Promise<bigint> {
  return db.withoutTenant(async (tx) => {
    const { rows } = await sql<{ position: string | null }>`SELECT change_relay_position(${relay}) AS position`.execute(
      tx,
    );
    return BigInt(rows[0]?.position ?? 0);
  });
}

/** Records that `relay` published everything up to `position` (never moves back). */
export async function saveRelayedPosition(db: Database, relay: string, position: bigint): Promise<void> {
  await db.withoutTenant(async (tx) => {
    await sql`SELECT save_change_relay_position(${relay}, ${position.toString()}::bigint)`.execute(tx);
  });
}

/** Up to `limit` positioned events after `afterPosition`, of every tenant, in position order. */
export async function changesToRelay(db: Database, afterPosition: bigint, limit: number): Promise<RelayedChange[]> {
  return db.withoutTenant(async (tx) => {
    const { rows } = await sql<{
      position: string;
      id: string;
      organization_id: string;
      occurred_at: Date;
      resource_type: string;
      resource_id: string;
      event_type: string;
      change_kind: string;
      changed_fields: string[];
      etag: string;
      actor_kind: string;
      actor_id: string | null;
      request_id: string;
      resource: Record<string, unknown>;
    }>`SELECT * FROM change_relay_batch(${afterPosition.toString()}::bigint, ${limit})`.execute(tx);
    return rows.map((r) => ({
      position: BigInt(r.position),
      id: r.id,
      organizationId: r.organization_id,
      occurredAt: r.occurred_at,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      eventType: r.event_type,
      changeKind: r.change_kind,
      changedFields: r.changed_fields,
      etag: r.etag,
      actorKind: r.actor_kind,
      actorId: r.actor_id,
      requestId: r.request_id,
      resource: r.resource,
    }));
  });
}

/** How far `relay` is behind the feed: in positions, and since when the oldest event it has not published waits. */
export interface RelayLag {
  positions: bigint;
  /** When the oldest unpublished event occurred; undefined when nothing waits. */
  oldestWaitingSince: Date | undefined;
}

export async function relayLag(db: Database, relay: string): Promise<RelayLag> {
  return db.withoutTenant(async (tx) => {
    const { rows } = await sql<{
      positions_behind: string;
      oldest_waiting_since: Date | null;
    }>`SELECT positions_behind, oldest_waiting_since FROM change_relay_lag(${relay})`.execute(tx);
    const row = rows[0];
    return {
      positions: BigInt(row?.positions_behind ?? 0),
      oldestWaitingSince: row?.oldest_waiting_since ?? undefined,
    };
  });
}
