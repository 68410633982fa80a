import { sql } from 'kysely';
import { eventsFrom } from '../platform/outbox/record-event.js';
import { failedPrecondition } from '../platform/errors.js';
import { stockLevelColumns, transactionColumns, type StockLevelRow, type TransactionRow } from './mappers.js';
import type { LevelKey, StockLedger } from './stock-ledger.js';

/**
 * A change of on-hand stock in one balance (a location and lot of a level) that neither
 * reserves nor releases: a correction (a cycle count's variance) or one side of a move between
 * locations (the expiry task's move to hold).
 */
export interface BalanceChange {
  type: 'adjust' | 'move_out' | 'move_in';
  /** The location (the warehouse's id for its default location). */
  locationId: string;
  lotId: string | null;
  /** Units on hand, + or -, never 0. */
  delta: number;
  /** Adjustments: the reason (stored form, e.g. `cycle_count`). */
  reason?: string;
  /** Only with reason `cycle_count`: the quantity counted. */
  countedQuantity?: number;
  note?: string;
  reference?: string;
  /** Moves: shared by the move_out and move_in entries. */
  transferId?: string;
  cycleCountId?: string;
}

/** What changing a level's balances wrote: the level after, and one entry per change, in order. */
export interface BalancesChanged {
  level: StockLevelRow;
  entries: TransactionRow[];
}

/**
 * Applies changes to balances of ONE level in ONE statement, ledger-first (design rule 6): the
 * level's totals (on hand, and the parts located in balance rows, on hold and damaged, by the
 * type of each location) change once, each balance row is upserted, and every change gets its
 * ledger entry, with the level's quantities after it (as every entry has: the level's running
 * totals through the statement's changes, in order), all as data-modifying CTEs of one statement. The
 * level is updated only when the result keeps its invariants (the CHECK constraints,
 * re-checked on the locked row) and a balance only when it keeps on hand >= reserved; when
 * either does not hold, the statement's work is incomplete and this throws, so the caller's
 * unit of work rolls back and nothing is half-applied. The level must exist, and each balance
 * appear at most once. Stock in the default location without a lot has no balance row: it is
 * the level's on hand less what is located in balance rows. Locks: the level row first, then its balance rows (the domain's order).
 * @throws AppError FAILED_PRECONDITION `INSUFFICIENT_STOCK` (a decrease that would take
 *   reserved, missing or other locations' stock) or `STOCK_LIMIT_EXCEEDED`.
 */
export async function changeBalances(
  ledger: StockLedger,
  key: LevelKey,
  changes: readonly BalanceChange[],
): Promise<BalancesChanged> {
  const { work, organizationId: org } = ledger;
  ledger.touch(key);
  const column = <T>(pick: (c: BalanceChange) => T) => changes.map(pick);
  const actor = work.actor.id;
  const statement = sql<MovedRow>`
    WITH ch AS (
      SELECT * FROM unnest(${column((c) => c.locationId)}::uuid[], ${column((c) => c.lotId)}::uuid[],
        ${column((c) => c.delta)}::integer[], ${column((c) => c.type)}::text[], ${column((c) => c.reason ?? null)}::text[],
        ${column((c) => c.countedQuantity ?? null)}::integer[], ${column((c) => c.note ?? '')}::text[],
        ${column((c) => c.reference ?? '')}::text[], ${column((c) => c.transferId ?? null)}::uuid[],
        ${column((c) => c.cycleCountId ?? null)}::uuid[])
        WITH ORDINALITY AS c(location_id, lot_id, delta, type, reason, counted_quantity, note, reference, transfer_id, cycle_count_id, ord)
    ),
    placed AS (
      SELECT ch.*, l.type AS location_type, (ch.location_id = ${key.warehouseId}::uuid AND ch.lot_id IS NULL) AS loose
      FROM ch JOIN locations l ON l.organization_id = ${org} AND l.warehouse_id = ${key.warehouseId} AND l.id = ch.location_id
    ),
    sums AS (
      SELECT count(*) AS n, coalesce(sum(delta), 0)::bigint AS on_hand,
        coalesce(sum(delta) FILTER (WHERE NOT loose), 0)::bigint AS located,
        coalesce(sum(delta) FILTER (WHERE location_type = 'hold'), 0)::bigint AS on_hold,
        coalesce(sum(delta) FILTER (WHERE location_type = 'damaged'), 0)::bigint AS damaged
      FROM placed
    ),
    level AS (
      UPDATE inventory i
      SET quantity_on_hand = i.quantity_on_hand + s.on_hand, quantity_located = i.quantity_located + s.located,
        quantity_on_hold = i.quantity_on_hold + s.on_hold, quantity_damaged = i.quantity_damaged + s.damaged,
        version = i.version + 1, updated_at = now()
      FROM sums s
      WHERE i.organization_id = ${org} AND i.warehouse_id = ${key.warehouseId} AND i.product_id = ${key.productId}
        AND s.n = ${changes.length}
        AND i.quantity_located + s.located >= 0
        AND i.quantity_located + s.located <= i.quantity_on_hand + s.on_hand
        AND i.quantity_on_hold + s.on_hold >= 0 AND i.quantity_damaged + s.damaged >= 0
        AND i.quantity_on_hold + s.on_hold + i.quantity_damaged + s.damaged <= i.quantity_located + s.located
        AND i.quantity_reserved + i.quantity_on_hold + s.on_hold + i.quantity_damaged + s.damaged <= i.quantity_on_hand + s.on_hand
      RETURNING ${sql.join(stockLevelColumns.map((c) => sql.ref(`i.${c}`)))}
    ),
    -- Decreases UPDATE the existing row; increases upsert it. (Not one upsert for both: the
    -- CHECK constraints are tested on the row an INSERT proposes before ON CONFLICT looks for
    -- the existing one, so a negative quantity would fail there.)
    taken AS (
      UPDATE stock_balances b
      SET quantity_on_hand = b.quantity_on_hand + p.delta, version = b.version + 1, updated_at = now()
      FROM placed p
      WHERE b.organization_id = ${org} AND b.warehouse_id = ${key.warehouseId} AND b.product_id = ${key.productId}
        AND b.location_id = p.location_id AND b.lot_id IS NOT DISTINCT FROM p.lot_id
        AND NOT p.loose AND p.delta < 0 AND EXISTS (SELECT 1 FROM level)
        AND b.quantity_on_hand + p.delta >= b.quantity_reserved
      RETURNING b.location_id, b.lot_id, b.quantity_on_hand, b.quantity_reserved
    ),
    added AS (
      INSERT INTO stock_balances AS b (organization_id, warehouse_id, product_id, location_id, lot_id, quantity_on_hand)
      SELECT ${org}::uuid, ${key.warehouseId}::uuid, ${key.productId}::uuid, p.location_id, p.lot_id, p.delta
      FROM placed p WHERE NOT p.loose AND p.delta > 0 AND EXISTS (SELECT 1 FROM level)
      ON CONFLICT ON CONSTRAINT stock_balances_key DO UPDATE
        SET quantity_on_hand = b.quantity_on_hand + excluded.quantity_on_hand, version = b.version + 1, updated_at = now()
      RETURNING b.location_id, b.lot_id, b.quantity_on_hand, b.quantity_reserved
    ),
    balance AS (SELECT * FROM taken UNION ALL SELECT * FROM added),
    entry AS (
      INSERT INTO inventory_transactions (organization_id, warehouse_id, product_id, location_id, lot_id, type, on_hand_delta,
        reserved_delta, on_hand_after, reserved_after, reason, counted_quantity, note, reference, transfer_id, cycle_count_id, actor_id)
      SELECT ${org}::uuid, lv.warehouse_id, lv.product_id, p.location_id, p.lot_id, p.type, p.delta, 0,
        lv.quantity_on_hand - s.on_hand + sum(p.delta) OVER (ORDER BY p.ord), lv.quantity_reserved,
        p.reason, p.counted_quantity, p.note, p.reference, p.transfer_id, p.cycle_count_id, ${actor}::uuid
      FROM placed p CROSS JOIN level lv CROSS JOIN sums s
        LEFT JOIN balance b ON b.location_id = p.location_id AND b.lot_id IS NOT DISTINCT FROM p.lot_id
      WHERE p.loose OR b.location_id IS NOT NULL
      ORDER BY p.ord
      RETURNING ${sql.join(transactionColumns.map((c) => sql.ref(c)))}
    ),
    event AS (${eventsFrom(
      work,
      'inventory.stock_moved',
      sql`SELECT product_id::text AS entity_id, jsonb_build_object('warehouse_id', warehouse_id, 'product_id', product_id,
          'location_id', location_id, 'lot_id', lot_id, 'movement_type', type, 'on_hand_delta', on_hand_delta,
          'reserved_delta', reserved_delta, 'on_hand_after', on_hand_after, 'ledger_entry_id', id) AS metadata
        FROM entry`,
    )})
    SELECT ${sql.join(stockLevelColumns.map((c) => sql`lv.${sql.ref(c)} AS ${sql.ref(`level_${c}`)}`))},
      to_jsonb(e) AS entry
    FROM level lv CROSS JOIN entry e`;
  let rows: MovedRow[];
  try {
    ({ rows } = await statement.execute(work.tx));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '22003') {
      throw failedPrecondition('STOCK_LIMIT_EXCEEDED', 'The stock level would exceed 2,147,483,647 units.', {
        warehouse_id: key.warehouseId,
        product_id: key.productId,
      });
    }
    throw error;
  }
  // Fewer entries than changes: the level or a balance refused, and the statement wrote a part
  // of the work. Throwing rolls the unit of work back, that part with it.
  if (rows.length !== changes.length) throw shortOf(key, changes);
  const level = Object.fromEntries(
    stockLevelColumns.map((c) => [c, rows[0]![`level_${c}` as keyof MovedRow]]),
  ) as unknown as StockLevelRow;
  const entries = rows
    .map((r) => ({ ...r.entry, created_at: new Date(r.entry.created_at as unknown as string) }) as TransactionRow)
    .sort((a, b) => changes.findIndex((c) => matches(c, a)) - changes.findIndex((c) => matches(c, b)));
  return { level, entries };
}

const matches = (c: BalanceChange, e: TransactionRow) =>
  c.locationId === e.location_id && c.lotId === e.lot_id && c.type === e.type;

/** INSUFFICIENT_STOCK for a set of changes: some balance lacks the unreserved units a decrease takes. */
const shortOf = (key: LevelKey, changes: readonly BalanceChange[]) =>
  failedPrecondition(
    'INSUFFICIENT_STOCK',
    'Not enough unreserved stock in the balances this change takes from (reserved units stay until their reservation ends).',
    {
      available: '0',
      requested: String(changes.reduce((n, c) => n + Math.max(0, -c.delta), 0)),
      warehouse_id: key.warehouseId,
      product_id: key.productId,
    },
  );

type MovedRow = { [K in (typeof stockLevelColumns)[number] as `level_${K}`]: StockLevelRow[K] } & {
  entry: TransactionRow;
};
