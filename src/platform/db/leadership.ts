import { sql } from 'kysely';
import type { Database } from './database.js';

/** Asks whether this instance still holds the lock (its connection still answers). */
export type StillLeading = () => Promise<boolean>;

/**
 * Runs `lead` while this instance holds the advisory lock `key`, so that across all replicas at
 * most one runs it (a single-writer background loop, such as the NATS relay). Resolves with
 * `false` at once when another instance holds the lock.
 *
 * The lock is transaction-level (pg_try_advisory_xact_lock), taken by a transaction that stays
 * open, idle, for as long as `lead` runs: it holds no snapshot and no transaction id, and its
 * lock dies with its connection, so a crashed or partitioned instance never keeps it. `lead`
 * works through other pooled connections and calls `stillLeading` before each step it must not
 * take twice: a round trip on the lock's connection, false once that connection is gone (then
 * another instance may already lead, and `lead` should return). Uses one pooled connection of
 * `db` for as long as it leads.
 */
export async function whileLeading(
  db: Database,
  key: number,
  lead: (stillLeading: StillLeading) => Promise<void>,
): Promise<boolean> {
  return db.withoutTenant(async (lockTx) => {
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${key}) AS locked`.execute(lockTx);
    if (!rows[0]?.locked) return false;
    let lost = false;
    await lead(async () => {
      if (lost) return false;
      try {
        await sql`SELECT 1`.execute(lockTx);
        return true;
      } catch {
        lost = true;
        return false;
      }
    });
    if (lost) throw new Error('lost the leadership lock: its database connection failed');
    return true;
  });
}
