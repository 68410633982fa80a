import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../platform/app-context.js';
import { PeriodicTask, type BackgroundTask } from '../platform/background-task.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { applyBalanceMovement, lockLevel, type BalanceChange } from './balance-movement.js';
import { recordLotExpired } from './lot-expired-event.js';
import { locationChange, locationColumns } from './locations.js';
import type { LotRow } from './lot-rows.js';
import { lotSelection } from './lots.js';
import { recordChange } from '../platform/change-feed/record-change.js';
import { compareLevelKeys, StockLedger, type LevelKey } from './stock-ledger.js';

/** Lots handled per tenant transaction, and organizations visited per run. */
const BATCH = 100;
const ORGANIZATIONS_PER_RUN = 100;

/** A lot past its expiry date, claimed by this run. */
interface ExpiredLot {
  id: string;
  product_id: string;
  lot_number: string;
  expires_on: string;
}

/**
 * One run of the lot expiry task: asks the database which organizations have lots past their
 * expiry date not handled yet (the only cross-tenant question, answered by a SECURITY DEFINER
 * function that reveals nothing but their ids), then inside each organization's own transaction,
 * batch by batch: moves each expired lot's available stock (on hand, not reserved, in a location
 * where it counts as available) into the warehouse's hold location, marks the lot handled and
 * records a lot-expired event, all in that transaction. Units reserved when the lot expires stay
 * with their reservation (someone was promised them; releasing them leaves them where they are,
 * and first-expiry-first-out never picks an expired lot by itself). Safe with several instances
 * running at once: lots are claimed with SKIP LOCKED, so each is handled once and nobody waits.
 * @returns how many lots this run handled.
 */
export async function sweepExpiredLots(app: AppContext): Promise<number> {
  const organizations = await app.db.withoutTenant(async (tx) => {
    const { rows } = await sql<{
      org: string;
    }>`SELECT f.org FROM organizations_with_expired_lots(${ORGANIZATIONS_PER_RUN}) AS f(org)`.execute(tx);
    return rows.map((r) => r.org);
  });
  let handled = 0;
  for (const organizationId of organizations) {
    // No user: the ledger, the events and the audit trail record the system as the actor.
    for (;;) {
      const n = await app.db.inTenant({ organizationId }, (work) => expireLots(app, work));
      handled += n;
      if (n < BATCH) break;
    }
  }
  return handled;
}

/** One batch of one organization's expired lots, in the caller's unit of work. */
async function expireLots(app: AppContext, work: UnitOfWork): Promise<number> {
  const org = work.tenant.organizationId;
  const lots: ExpiredLot[] = await work.tx
    .selectFrom('lots')
    .select(['id', 'product_id', 'lot_number', sql<string>`expires_on::text`.as('expires_on')])
    .where('organization_id', '=', org)
    .where('expired_at', 'is', null)
    .where(sql<boolean>`expires_on < current_date`)
    .orderBy('id')
    .limit(BATCH)
    .forUpdate()
    .skipLocked()
    .execute();
  if (lots.length === 0) return 0;
  const byId = new Map(lots.map((l) => [l.id, l]));
  // The levels holding available stock of these lots, visited in the domain's lock order.
  const levels = await work.tx
    .selectFrom('stock_balances as b')
    .innerJoin('locations as loc', (j) =>
      j.onRef('loc.organization_id', '=', 'b.organization_id').onRef('loc.id', '=', 'b.location_id'),
    )
    .select(['b.warehouse_id', 'b.product_id'])
    .distinct()
    .where('b.organization_id', '=', org)
    .where('b.lot_id', 'in', [...byId.keys()])
    .where('loc.type', 'not in', ['hold', 'damaged'])
    .where(sql<boolean>`b.quantity_on_hand > b.quantity_reserved`)
    .execute();
  const keys: LevelKey[] = levels
    .map((l) => ({ warehouseId: l.warehouse_id, productId: l.product_id }))
    .sort(compareLevelKeys);
  const moved = new Map<string, number>();
  const ledger = new StockLedger(work, app.cache);
  for (const key of keys) {
    const hold = await holdLocation(app, work, key.warehouseId);
    if (!hold) continue;
    await lockLevel(ledger, key);
    // Read under the level's lock: every change of its balances locks the level first, so these
    // quantities hold until this transaction ends.
    const balances = await work.tx
      .selectFrom('stock_balances as b')
      .innerJoin('locations as loc', (j) =>
        j.onRef('loc.organization_id', '=', 'b.organization_id').onRef('loc.id', '=', 'b.location_id'),
      )
      .select(['b.location_id', 'b.lot_id', sql<number>`b.quantity_on_hand - b.quantity_reserved`.as('free')])
      .where('b.organization_id', '=', org)
      .where('b.warehouse_id', '=', key.warehouseId)
      .where('b.product_id', '=', key.productId)
      .where('b.lot_id', 'in', [...byId.keys()])
      .where('loc.type', 'not in', ['hold', 'damaged'])
      .where(sql<boolean>`b.quantity_on_hand > b.quantity_reserved`)
      .orderBy('b.lot_id')
      .orderBy('b.location_id')
      .execute();
    if (balances.length === 0) continue;
    const transferId = randomUUID();
    const changes: BalanceChange[] = [];
    const into = new Map<string, number>();
    for (const b of balances) {
      const change = {
        type: 'move_out',
        locationId: b.location_id,
        lotId: b.lot_id,
        onHand: -b.free,
        reserved: 0,
      } as const;
      changes.push({ ...change, state: 'available' });
      into.set(b.lot_id!, (into.get(b.lot_id!) ?? 0) + b.free);
    }
    // One arriving entry per lot (the hold balance of a lot appears once per statement).
    for (const [lotId, quantity] of into) {
      changes.push({ type: 'move_in', locationId: hold, lotId, state: 'hold', onHand: quantity, reserved: 0 });
      moved.set(lotId, (moved.get(lotId) ?? 0) + quantity);
    }
    const numbers = [...into.keys()].map((id) => `${byId.get(id)!.lot_number} (expired ${byId.get(id)!.expires_on})`);
    const done = await applyBalanceMovement(ledger, {
      key,
      tracked: true,
      transferId,
      reference: 'lot expiry',
      note: `Expired lot ${numbers.join(', ')}: moved to hold`.slice(0, 1000),
      changes,
    });
    if (!done) throw new Error(`the expiry move of ${key.warehouseId}/${key.productId} was refused by its level`);
  }
  const expired = (await work.tx
    .updateTable('lots')
    .set({ expired_at: sql`now()`, version: sql`version + 1`, updated_at: sql`now()` })
    .where('organization_id', '=', org)
    .where('id', 'in', [...byId.keys()])
    .returning(lotSelection)
    .execute()) as LotRow[];
  const rows = new Map(expired.map((row) => [row.id, row]));
  // After the moves' own events (stock.moved, the levels, the balances).
  for (const lot of lots) {
    await recordLotExpired(work, rows.get(lot.id)!, {
      lotId: lot.id,
      productId: lot.product_id,
      lotNumber: lot.lot_number,
      expiryDate: lot.expires_on,
      quantityMovedToHold: moved.get(lot.id) ?? 0,
    });
  }
  return lots.length;
}

/**
 * The warehouse's hold location for expired stock: the location with code
 * LOT_EXPIRY_HOLD_LOCATION_CODE, created (a top-level HOLD location) when the warehouse has none.
 * When that code names a location that is not an active HOLD location, the stock stays where it
 * is (moving it there would make it available again, or fail) and the run says so in the log.
 */
async function holdLocation(app: AppContext, work: UnitOfWork, warehouseId: string): Promise<string | undefined> {
  const org = work.tenant.organizationId;
  const code = app.config.LOT_EXPIRY_HOLD_LOCATION_CODE;
  const created = await work.tx
    .insertInto('locations')
    .values({ organization_id: org, warehouse_id: warehouseId, code, name: 'Expired stock', type: 'hold' })
    .onConflict((oc) => oc.columns(['organization_id', 'warehouse_id', 'code']).doNothing())
    .returning(locationColumns)
    .executeTakeFirst();
  if (created) await recordChange(work, locationChange(created));
  const location = await work.tx
    .selectFrom('locations')
    .select(['id', 'type', 'status'])
    .where('organization_id', '=', org)
    .where('warehouse_id', '=', warehouseId)
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  if (location.type !== 'hold' || location.status !== 'active') {
    app.logger.warn(
      { organizationId: org, warehouseId, code, type: location.type, status: location.status },
      'expired lots stay in place: the hold location code names a location that is not an active HOLD location',
    );
    return undefined;
  }
  return location.id;
}

/** The lot expiry task, every LOT_EXPIRY_INTERVAL_MS (0 turns it off); its first run at start. */
export function lotExpiryTask(app: AppContext): BackgroundTask {
  return new PeriodicTask(
    'inventory.lot-expiry',
    app.config.LOT_EXPIRY_INTERVAL_MS,
    async () => {
      const handled = await sweepExpiredLots(app);
      if (handled > 0) app.logger.info({ lots: handled }, 'expired lots moved to hold');
    },
    app.logger,
    { runAtStart: true },
  );
}
