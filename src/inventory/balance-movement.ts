import { sql } from 'kysely';
import { eventsFrom } from '../platform/outbox/record-event.js';
import { failedPrecondition } from '../platform/errors.js';
import type { StockStateText } from './locations.js';
import { balanceChangesFrom, entryChangesFrom, levelChangesFrom, reservedChangesFrom } from './stock-change-events.js';
import {
  reservationColumns,
  stockLevelColumns,
  transactionColumns,
  type ReservationRow,
  type StockLevelRow,
  type TransactionRow,
} from './mappers.js';
import {
  entryColumnList,
  levelColumnList,
  reservationColumnList,
  type LedgerDetails,
  type LedgerType,
  type LevelKey,
  type NewReservation,
  type StockLedger,
} from './stock-ledger.js';

/**
 * Movements that touch balances below a level (migrations/0012): stock in a location other than
 * the default one, or of a lot. Each is still ONE statement (decision 0001): the level's
 * conditional UPDATE (its totals: on hand, reserved, located, on hold, damaged), an upsert per
 * balance touched, one ledger row per balance with the level's quantities after it, and, for a
 * reservation, the reservation and its allocations.
 *
 * Callers lock the level first (lockLevel) and plan from what they then read, so the balance
 * conditions hold when the statement runs: no one else changes a level's balances without its
 * lock. The conditions stay anyway (a broken plan changes nothing and fails loudly).
 */

/** One balance touched by a movement. */
export interface BalanceChange {
  type: LedgerType;
  /** The location (the warehouse's id for its default location). */
  locationId: string;
  lotId: string | null;
  /** The state of stock in that location (by its type). */
  state: StockStateText;
  onHand: number;
  reserved: number;
  /** The serial numbers this change moves (serial-tracked products): its ledger row's, in its event. */
  serialNumbers?: readonly string[];
}

export interface BalanceMovement extends LedgerDetails {
  key: LevelKey;
  /** At most one change per (location, lot); ledger rows and after-values follow this order. */
  changes: BalanceChange[];
  /** A reserve movement opens this reservation (id = reservationId) with allocations per balance. */
  opens?: NewReservation;
  cycleCountId?: string;
  /**
   * The product is lot- or serial-tracked: all its stock is in balance rows, the default
   * location's included (its level never holds unlocated stock).
   */
  tracked?: boolean;
}

/** A balance as movements and reads return it. */
export interface BalanceRow {
  id: string | null;
  warehouse_id: string;
  location_id: string;
  product_id: string;
  lot_id: string | null;
  quantity_on_hand: number;
  quantity_reserved: number;
  last_counted_at: Date | null;
  updated_at: Date | null;
}

export interface BalanceMoved {
  level: StockLevelRow;
  /** In the order of the changes. */
  entries: TransactionRow[];
  /** The balances after the movement, in the order of the changes (the default location's untracked balance has id null). */
  balances: BalanceRow[];
  reservation?: ReservationRow;
}

/** The default location's untracked stock lives in the level itself (on hand - located). */
export const inLevel = (key: LevelKey, change: { locationId: string; lotId: string | null }) =>
  change.locationId === key.warehouseId && change.lotId === null;

/**
 * Locks a level for a balance movement (creating it, with zeros, when a receipt brings its first
 * stock), and returns it. Levels are locked before their balances: the domain's lock order.
 */
export async function lockLevel(
  ledger: StockLedger,
  key: LevelKey,
  reorderPointIfNew?: number,
): Promise<(StockLevelRow & { quantity_located: number }) | undefined> {
  const { tx } = ledger.work;
  const org = ledger.organizationId;
  ledger.touch(key);
  if (reorderPointIfNew !== undefined) {
    await sql`INSERT INTO inventory (organization_id, warehouse_id, product_id, reorder_point)
      VALUES (${org}, ${key.warehouseId}, ${key.productId}, ${reorderPointIfNew})
      ON CONFLICT (organization_id, warehouse_id, product_id) DO NOTHING`.execute(tx);
  }
  return tx
    .selectFrom('inventory')
    .select([...stockLevelColumns, 'quantity_located'])
    .where('organization_id', '=', org)
    .where('warehouse_id', '=', key.warehouseId)
    .where('product_id', '=', key.productId)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

/** What a changed balance is read back with, by the statement's writes (as `b`) and by `bal`, their union. */
const balanceColumns = [
  'id',
  'warehouse_id',
  'location_id',
  'product_id',
  'lot_id',
  'quantity_on_hand',
  'quantity_reserved',
  'last_counted_at',
  'updated_at',
] as const;
const balanceReturning = sql.join(balanceColumns.map((c) => sql.ref(`b.${c}`)));
const balanceColumnList = sql.join(balanceColumns.map((c) => sql.ref(c)));

/**
 * Applies a balance movement, or returns undefined when the level's conditions refused it (not
 * enough available at the level; nothing changed).
 * @throws Error when the level accepted but a balance refused (a plan not made under the level's
 *   lock); AppError FAILED_PRECONDITION `STOCK_LIMIT_EXCEEDED`.
 */
export async function applyBalanceMovement(ledger: StockLedger, m: BalanceMovement): Promise<BalanceMoved | undefined> {
  const { work, organizationId: org } = ledger;
  const { key, changes } = m;
  ledger.touch(key);
  const atLevel = (c: BalanceChange) => !m.tracked && inLevel(key, c);
  const sum = (pick: (c: BalanceChange) => number) => changes.reduce((total, c) => total + pick(c), 0);
  const d = {
    onHand: sum((c) => c.onHand),
    reserved: sum((c) => c.reserved),
    located: sum((c) => (atLevel(c) ? 0 : c.onHand)),
    onHold: sum((c) => (c.state === 'hold' ? c.onHand : 0)),
    damaged: sum((c) => (c.state === 'damaged' ? c.onHand : 0)),
  };
  const arrays = {
    locations: changes.map((c) => c.locationId),
    lots: changes.map((c) => c.lotId),
    onHand: changes.map((c) => c.onHand),
    reserved: changes.map((c) => c.reserved),
    types: changes.map((c) => c.type),
    inLevel: changes.map(atLevel),
    serials: changes.map((c) => JSON.stringify(c.serialNumbers ?? [])),
  };
  const types = new Set(changes.map((c) => c.type));
  const eventType =
    types.size === 1 && types.has('reserve')
      ? 'inventory.reservation_created'
      : types.size === 1 && types.has('expire')
        ? 'inventory.reservation_expired'
        : 'inventory.stock_moved';
  const opened = m.opens
    ? sql`,
      reservation AS (
        INSERT INTO reservations (organization_id, id, warehouse_id, product_id, quantity, expire_time, reference, created_by)
        SELECT ${org}::uuid, ${m.reservationId}::uuid, warehouse_id, product_id, ${d.reserved}::integer,
          (${m.opens.expireTime})::timestamptz, ${m.reference ?? ''}::text, ${work.actor.id}::uuid
        FROM level
        RETURNING ${reservationColumnList}
      ),
      allocation AS (
        INSERT INTO reservation_allocations (organization_id, reservation_id, balance_id, location_id, lot_id, quantity)
        SELECT ${org}::uuid, r.id, b.id, b.location_id, b.lot_id, c.reserved
        FROM bal b JOIN ch c ON c.location_id = b.location_id AND c.lot_id IS NOT DISTINCT FROM b.lot_id
          CROSS JOIN reservation r
        RETURNING reservation_id, location_id, lot_id, quantity
      ),
      reservation_change AS (${reservedChangesFrom(
        work,
        sql`SELECT ${reservationColumnList} FROM reservation`,
        false,
        sql`SELECT a.*, c.serials AS serial_numbers
            FROM allocation a JOIN ch c ON c.location_id = a.location_id AND c.lot_id IS NOT DISTINCT FROM a.lot_id`,
      )})`
    : sql``;
  let rows: Record<string, unknown>[];
  try {
    ({ rows } = await sql<Record<string, unknown>>`
      WITH ch AS (
        SELECT c.location_id, c.lot_id, c.on_hand, c.reserved, c.type, c.in_level, c.serials, c.ord
        FROM unnest(${arrays.locations}::uuid[], ${arrays.lots}::uuid[], ${arrays.onHand}::integer[],
          ${arrays.reserved}::integer[], ${arrays.types}::text[], ${arrays.inLevel}::boolean[], ${arrays.serials}::jsonb[])
          WITH ORDINALITY AS c(location_id, lot_id, on_hand, reserved, type, in_level, serials, ord)
      ),
      level AS (
        UPDATE inventory SET
          quantity_on_hand = quantity_on_hand + ${d.onHand}, quantity_reserved = quantity_reserved + ${d.reserved},
          quantity_located = quantity_located + ${d.located}, quantity_on_hold = quantity_on_hold + ${d.onHold},
          quantity_damaged = quantity_damaged + ${d.damaged}, version = version + 1, updated_at = now()
        WHERE organization_id = ${org} AND warehouse_id = ${key.warehouseId} AND product_id = ${key.productId}
          AND quantity_on_hand + ${d.onHand} >= 0 AND quantity_reserved + ${d.reserved} >= 0
          AND quantity_located + ${d.located} >= 0 AND quantity_on_hold + ${d.onHold} >= 0 AND quantity_damaged + ${d.damaged} >= 0
          AND quantity_reserved + ${d.reserved} + quantity_on_hold + ${d.onHold} + quantity_damaged + ${d.damaged} <= quantity_on_hand + ${d.onHand}
          AND quantity_located + ${d.located} <= quantity_on_hand + ${d.onHand}
          AND quantity_on_hold + ${d.onHold} + quantity_damaged + ${d.damaged} <= quantity_located + ${d.located}
        RETURNING ${levelColumnList}, quantity_located
      ),
      -- Only growth of on hand may create a balance; every other change updates the existing
      -- one (an INSERT's proposed row is checked before its conflict: a row of negative or
      -- reserved-only quantities would fail there).
      bal_down AS (
        UPDATE stock_balances b SET
          quantity_on_hand = b.quantity_on_hand + c.on_hand, quantity_reserved = b.quantity_reserved + c.reserved,
          version = b.version + 1, updated_at = now()
        FROM ch c, level l
        WHERE NOT c.in_level AND NOT (c.on_hand >= 0 AND c.reserved = 0)
          AND b.organization_id = ${org} AND b.warehouse_id = l.warehouse_id AND b.product_id = l.product_id
          AND b.location_id = c.location_id AND b.lot_id IS NOT DISTINCT FROM c.lot_id
          AND b.quantity_on_hand + c.on_hand >= 0 AND b.quantity_reserved + c.reserved >= 0
          AND b.quantity_reserved + c.reserved <= b.quantity_on_hand + c.on_hand
        RETURNING ${balanceReturning}
      ),
      bal_up AS (
        INSERT INTO stock_balances AS b (organization_id, warehouse_id, product_id, location_id, lot_id, quantity_on_hand, quantity_reserved)
        SELECT ${org}::uuid, l.warehouse_id, l.product_id, c.location_id, c.lot_id, c.on_hand, c.reserved
        FROM ch c CROSS JOIN level l WHERE NOT c.in_level AND c.on_hand >= 0 AND c.reserved = 0
        ON CONFLICT ON CONSTRAINT stock_balances_key DO UPDATE SET
          quantity_on_hand = b.quantity_on_hand + excluded.quantity_on_hand,
          quantity_reserved = b.quantity_reserved + excluded.quantity_reserved,
          version = b.version + 1, updated_at = now()
        WHERE b.quantity_reserved + excluded.quantity_reserved <= b.quantity_on_hand + excluded.quantity_on_hand
        RETURNING ${balanceReturning}
      ),
      bal AS (SELECT ${balanceColumnList} FROM bal_down UNION ALL SELECT ${balanceColumnList} FROM bal_up),
      entry AS (
        INSERT INTO inventory_transactions (organization_id, warehouse_id, location_id, lot_id, product_id, type,
          on_hand_delta, reserved_delta, on_hand_after, reserved_after, reason, counted_quantity, note, reference,
          reservation_id, transfer_id, cycle_count_id, actor_id)
        SELECT ${org}::uuid, l.warehouse_id, c.location_id, c.lot_id, l.product_id, c.type, c.on_hand, c.reserved,
          l.quantity_on_hand - ${d.onHand} + sum(c.on_hand) OVER (ORDER BY c.ord),
          l.quantity_reserved - ${d.reserved} + sum(c.reserved) OVER (ORDER BY c.ord),
          ${m.reason ?? null}::text, ${m.countedQuantity ?? null}::integer, ${m.note ?? ''}::text, ${m.reference ?? ''}::text,
          ${m.reservationId ?? null}::uuid, ${m.transferId ?? null}::uuid, ${m.cycleCountId ?? null}::uuid, ${work.actor.id}::uuid
        FROM ch c CROSS JOIN level l
        WHERE c.in_level OR EXISTS (SELECT 1 FROM bal b WHERE b.location_id = c.location_id AND b.lot_id IS NOT DISTINCT FROM c.lot_id)
        ORDER BY c.ord
        RETURNING ${entryColumnList}
      ),
      event AS (${eventsFrom(work, eventType, movementEvents)}),
      -- The change feed's events, by this statement too (no round trip under the level's lock):
      -- the level and the thresholds it crossed, each ledger row, each balance row.
      level_change AS (${levelChangesFrom(
        work,
        sql`SELECT l.*, l.quantity_on_hand - ${d.onHand}::integer AS on_hand_before,
              l.quantity_reserved - ${d.reserved}::integer AS reserved_before,
              l.quantity_on_hold - ${d.onHold}::integer AS on_hold_before,
              l.quantity_damaged - ${d.damaged}::integer AS damaged_before
            FROM level l`,
      )}),
      entry_change AS (${entryChangesFrom(
        work,
        sql`SELECT e.*, c.serials AS serial_numbers
            FROM entry e JOIN ch c ON c.location_id = e.location_id AND c.lot_id IS NOT DISTINCT FROM e.lot_id`,
        true,
      )}),
      balance_change AS (${balanceChangesFrom(
        work,
        sql`SELECT b.*, b.quantity_on_hand - c.on_hand AS on_hand_before, b.quantity_reserved - c.reserved AS reserved_before, c.ord
            FROM bal b JOIN ch c ON c.location_id = b.location_id AND c.lot_id IS NOT DISTINCT FROM b.lot_id`,
      )})${opened}
      SELECT c.ord::integer AS ord,
        ${sql.join(stockLevelColumns.map((c) => sql`l.${sql.ref(c)} AS ${sql.ref(`level_${c}`)}`))},
        l.quantity_located AS located,
        ${sql.join(transactionColumns.map((c) => sql`e.${sql.ref(c)} AS ${sql.ref(`entry_${c}`)}`))},
        b.id AS balance_id, b.quantity_on_hand AS balance_quantity_on_hand, b.quantity_reserved AS balance_quantity_reserved,
        b.last_counted_at AS balance_last_counted_at, b.updated_at AS balance_updated_at${
          m.opens
            ? sql`, ${sql.join(reservationColumns.map((c) => sql`r.${sql.ref(c)} AS ${sql.ref(`reservation_${c}`)}`))}`
            : sql``
        }
      FROM entry e
        JOIN ch c ON c.location_id = e.location_id AND c.lot_id IS NOT DISTINCT FROM e.lot_id
        CROSS JOIN level l
        LEFT JOIN bal b ON b.location_id = e.location_id AND b.lot_id IS NOT DISTINCT FROM e.lot_id${
          m.opens ? sql` CROSS JOIN reservation r` : sql``
        }
      ORDER BY c.ord`.execute(work.tx));
  } catch (error) {
    if ((error as { code?: string }).code === '22003') {
      throw failedPrecondition('STOCK_LIMIT_EXCEEDED', 'The stock level would exceed 2,147,483,647 units.', {
        warehouse_id: key.warehouseId,
        product_id: key.productId,
      });
    }
    throw error;
  }
  if (rows.length === 0) return undefined;
  if (rows.length !== changes.length)
    throw new Error(`balance movement of ${key.warehouseId}/${key.productId} was refused by a balance it planned`);
  const pick = (row: Record<string, unknown>, prefix: string) =>
    Object.fromEntries(
      Object.entries(row)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  const first = rows[0]!;
  const level = pick(first, 'level_') as unknown as StockLevelRow;
  return {
    level,
    entries: rows.map((r) => pick(r, 'entry_') as unknown as TransactionRow),
    balances: rows.map((r) => {
      const entry = pick(r, 'entry_') as unknown as TransactionRow;
      const balance = pick(r, 'balance_') as unknown as BalanceRow;
      return {
        ...balance,
        id: (balance.id as string | null) ?? null,
        warehouse_id: key.warehouseId,
        product_id: key.productId,
        location_id: entry.location_id,
        lot_id: entry.lot_id,
        // The default location's untracked balance is the level's unlocated stock.
        ...(balance.id == null ? defaultBalanceOf(level, r) : {}),
      };
    }),
    reservation: m.opens ? (pick(first, 'reservation_') as unknown as ReservationRow) : undefined,
  };
}

/** The default location's untracked balance as the level holds it (reserved: held at the level). */
function defaultBalanceOf(level: StockLevelRow, row: Record<string, unknown>) {
  return {
    quantity_on_hand: level.quantity_on_hand - (row.located as number),
    quantity_reserved: 0,
    last_counted_at: null,
    updated_at: level.updated_at,
  };
}

/** Events of a balance movement's ledger rows, as StockLedger writes them for level movements. */
const movementEvents = sql`SELECT CASE WHEN type IN ('reserve', 'expire') THEN reservation_id::text ELSE product_id::text END AS entity_id,
  jsonb_build_object('warehouse_id', warehouse_id, 'product_id', product_id, 'movement_type', type, 'on_hand_delta', on_hand_delta,
    'reserved_delta', reserved_delta, 'on_hand_after', on_hand_after, 'ledger_entry_id', id,
    'location_id', location_id, 'lot_id', lot_id) AS metadata
  FROM entry WHERE on_hand_delta <> 0 OR type IN ('reserve', 'expire')`;
