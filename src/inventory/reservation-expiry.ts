import { sql } from 'kysely';
import type { AppContext } from '../platform/app-context.js';
import { PeriodicTask, type BackgroundTask } from '../platform/background-task.js';
import { StockLedger } from './stock-ledger.js';
import { expireDueReservations } from './reservation-closing.js';

/** Reservations expired per tenant transaction, and organizations visited per run. */
const BATCH = 500;
const ORGANIZATIONS_PER_RUN = 100;

/**
 * One sweep: asks the database which organizations have reservations past their expiry (the
 * only cross-tenant question, answered by a SECURITY DEFINER function that reveals nothing but
 * their ids), then expires them inside each organization's own transaction, batch by batch.
 * Safe with any number of instances sweeping at once: rows are claimed with SKIP LOCKED, so
 * each reservation is expired exactly once and nobody waits.
 * @returns how many reservations this sweep expired.
 */
export async function sweepExpiredReservations(app: AppContext): Promise<number> {
  const organizations = await app.db.withoutTenant(async (tx) => {
    const { rows } = await sql<{
      org: string;
    }>`SELECT f.org FROM organizations_with_expired_reservations(${ORGANIZATIONS_PER_RUN}) AS f(org)`.execute(tx);
    return rows.map((r) => r.org);
  });
  let expired = 0;
  for (const organizationId of organizations) {
    // No user: the ledger and the audit trail record the system as the actor.
    const scope = { organizationId };
    for (;;) {
      const n = await app.db.inTenant(scope, (work) => expireDueReservations(new StockLedger(work, app.cache), BATCH));
      expired += n;
      if (n < BATCH) break;
    }
  }
  return expired;
}

/** The sweeper, every RESERVATION_SWEEP_INTERVAL_MS (0 turns it off). */
export function reservationExpiryTask(app: AppContext): BackgroundTask {
  return new PeriodicTask(
    'inventory.reservation-expiry',
    app.config.RESERVATION_SWEEP_INTERVAL_MS,
    async () => {
      const expired = await sweepExpiredReservations(app);
      if (expired > 0) app.logger.info({ expired }, 'expired reservations');
    },
    app.logger,
  );
}
