import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { Database } from '../platform/db/database.js';

/** Why a run did not happen. */
export type Skipped = { ran: false; reason: 'busy' | 'not_due' };
export type Ran<T> = { ran: true; result: T };

/** Stable advisory lock keys per job (any fixed numbers; every instance must agree). */
const LOCK_KEYS: Record<string, number> = {
  'analytics.aggregate': 7_220_071,
  'analytics.retention': 7_220_072,
};

/** This process, as recorded in maintenance_runs.claimed_by. */
export const INSTANCE = `${hostname()}:${process.pid}`;

/**
 * Runs `work` unless another instance is running the same job right now, and, for scheduled
 * runs (`every` given), unless some instance already ran it within the last `every` ms. So N
 * instances on one schedule do the job once per interval, and never two at once.
 *
 * Mutual exclusion: a transaction-level advisory lock, taken with pg_try_advisory_xact_lock by a
 * transaction that stays open (idle, holding no snapshot and no transaction id) while `work`
 * runs its own transactions on other pooled connections. The lock dies with the connection, so
 * a crashed instance never leaves the job locked. The "ran recently" claim is a row updated by
 * claim_maintenance_run in a short transaction of its own.
 *
 * Needs two connections of `db`'s pool: one holds the lock, the work uses the others.
 */
export async function runExclusively<T>(
  db: Database,
  job: string,
  work: () => Promise<T>,
  every?: number,
): Promise<Ran<T> | Skipped> {
  const key = LOCK_KEYS[job];
  if (key === undefined) throw new Error(`no lock key for job ${job}`);
  return db.withoutTenant(async (lockTx) => {
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${key}) AS locked`.execute(lockTx);
    if (!rows[0]?.locked) return { ran: false, reason: 'busy' } as const;
    if (every !== undefined) {
      const claimed = await db.withoutTenant(async (tx) => {
        const { rows: claim } = await sql<{
          claimed: boolean;
        }>`SELECT claim_maintenance_run(${job}, ${INSTANCE}, ${`${every} milliseconds`}::interval) AS claimed`.execute(
          tx,
        );
        return claim[0]?.claimed ?? false;
      });
      if (!claimed) return { ran: false, reason: 'not_due' } as const;
    }
    return { ran: true, result: await work() } as const;
  });
}
