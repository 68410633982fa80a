import { sql } from 'kysely';
import type { Database } from '../db/database.js';

/**
 * How far the relay got, recorded in PostgreSQL through the SECURITY DEFINER functions of
 * migrations/0013_event_relay.sql (the app role cannot touch change_event_relays otherwise, nor
 * read any tenant's change_events). Positions are numbers, as everywhere in the change feed.
 * Each call is one short transaction of its own.
 */

/** The last position the relay to `relay` published and recorded; 0 when it never ran (it then starts at the oldest kept event). */
export async function relayedPosition(db: Database, relay: string): Promise<number> {
  return db.withoutTenant(async (tx) => {
    const { rows } = await sql<{
      position: string | number | null;
    }>`SELECT change_relay_position(${relay}) AS position`.execute(tx);
    return Number(rows[0]?.position ?? 0);
  });
}

/** Records that the relay to `relay` published everything up to `position` (the record never moves back). */
export async function saveRelayedPosition(db: Database, relay: string, position: number): Promise<void> {
  await db.withoutTenant(async (tx) => {
    await sql`SELECT save_change_relay_position(${relay}, ${position}::bigint)`.execute(tx);
  });
}

/** How far the relay to a stream is behind the feed. */
export interface RelayLag {
  /** Positioned events after its record. */
  positions: number;
  /** When the oldest of them occurred; undefined when none waits. */
  oldestWaitingSince: Date | undefined;
}

export async function relayLag(db: Database, relay: string): Promise<RelayLag> {
  return db.withoutTenant(async (tx) => {
    const { rows } = await sql<{
      positions_behind: string | number;
      oldest_waiting_since: Date | null;
    }>`SELECT positions_behind, oldest_waiting_since FROM change_relay_lag(${relay})`.execute(tx);
    return {
      positions: Number(rows[0]?.positions_behind ?? 0),
      oldestWaitingSince: rows[0]?.oldest_waiting_since ?? undefined,
    };
  });
}
