import { sql, type RawBuilder } from 'kysely';
import { eventsFrom } from '../platform/outbox/record-event.js';
import type { Cache } from '../platform/cache/cache.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { failedPrecondition } from '../platform/errors.js';
import { stockLevelKey } from './cache-keys.js';
import { reservationColumns, stockLevelColumns, transactionColumns, type ReservationRow, type StockLevelRow, type TransactionRow } from './mappers.js';

/** One stock level: a product at a warehouse. */
export interface LevelKey {
  warehouseId: string;
  productId: string;
}

/**
 * The one lock order of the domain: stock levels by (warehouse_id, product_id), compared as
 * PostgreSQL compares uuids (ids are lower-case hex, so string order is the same). Every
 * operation that changes several levels changes them in this order, and reservations rows (when
 * involved) are locked before any level, so no two transactions ever wait on each other in a
 * cycle.
 */
export function compareLevelKeys(a: LevelKey, b: LevelKey): number {
  if (a.warehouseId !== b.warehouseId) return a.warehouseId < b.warehouseId ? -1 : 1;
  if (a.productId !== b.productId) return a.productId < b.productId ? -1 : 1;
  return 0;
}

export type LedgerType = 'receive' | 'issue' | 'adjust' | 'transfer_out' | 'transfer_in' | 'reserve' | 'release' | 'expire';

export interface Delta {
  onHand: number;
  reserved: number;
}

export interface LedgerDetails {
  reason?: string;
  countedQuantity?: number;
  note?: string;
  reference?: string;
  reservationId?: string;
  transferId?: string;
}

export interface Movement extends LedgerDetails {
  type: LedgerType;
  key: LevelKey;
  delta: Delta;
  /** Needed when the movement may create the level (first stock at a location). */
  reorderPointIfNew?: number;
  /** A reserve movement opens this reservation (id = reservationId) in the same statement. */
  opens?: NewReservation;
}

/**
 * The reservation a reserve movement creates, written only if the level had the stock. Its
 * quantity, reference and creator are the movement's (delta.reserved, reference, the actor).
 */
export interface NewReservation {
  /** SQL for expire_time (e.g. `now() + interval`), or a fixed time, or none. */
  expireTime: RawBuilder<Date> | Date | null;
}

/**
 * Writes stock, ledger-first (design rule 6): every level change goes with its ledger row in
 * the caller's unit of work. The cached reads of every level touched are invalidated once the
 * transaction has committed.
 *
 * Each movement is ONE statement: a conditional UPDATE of the level (or an upsert, for growth)
 * that re-checks the invariants on the row it locks, and the insert of the ledger row with the
 * balances it produced, as two data-modifying CTEs. Concurrent movements queue on the level's
 * row lock and none can oversell; one that would break an invariant changes nothing. Doing it in
 * one statement keeps the lock short: a busy level is held for one statement and the commit,
 * not for several round trips. A reservation is inserted by the reserve movement's own statement
 * too: inserted earlier, its foreign key would take a KEY SHARE lock on the level, and a hot level
 * share-locked by every waiting reservation turns each update into a MultiXact rewrite (measured
 * with pgbench on one hot level: the reservation inserted first halved the throughput of
 * inserting it in the locked statement).
 */
export class StockLedger {
  readonly #touched = new Set<string>();

  constructor(
    readonly work: UnitOfWork,
    cache: Cache,
  ) {
    work.afterCommit(async () => {
      if (this.#touched.size > 0) await cache.delete(...this.#touched);
    });
  }

  get organizationId(): string {
    return this.work.tenant.organizationId;
  }

  /** Marks a level's cached read stale (for changes made outside move). */
  touch(key: LevelKey): void {
    this.#touched.add(stockLevelKey(this.organizationId, key.warehouseId, key.productId));
  }

  /**
   * Applies a movement, or reports how much was available instead (and changes nothing).
   * Growth of on-hand alone (receipts, transfers in, positive adjustments) needs no guard and
   * creates the level when `reorderPointIfNew` is given; every other change happens only if
   * on-hand and reserved stay >= 0 and reserved stays <= on-hand.
   * @throws AppError FAILED_PRECONDITION `STOCK_LIMIT_EXCEEDED` when a quantity would pass 2^31-1.
   */
  async tryMove(m: Movement): Promise<Moved | { available: number }> {
    const { work, organizationId: org } = this;
    const { tx } = work;
    const { key, delta } = m;
    this.touch(key);
    const grows = delta.onHand >= 0 && delta.reserved === 0 && m.reorderPointIfNew !== undefined;
    // The UPDATE's conditions are the CHECK constraints, evaluated on the locked row before
    // writing: when they fail, no row comes back ("not enough stock"), not a constraint error.
    // The ledger insert selects from the level's RETURNING, so it only happens with the change.
    const levelColumns = sql.join(stockLevelColumns.map((c) => sql.ref(c)));
    const changeLevel = grows
      ? sql`INSERT INTO inventory (organization_id, warehouse_id, product_id, quantity_on_hand, reorder_point)
            VALUES (${org}, ${key.warehouseId}, ${key.productId}, ${delta.onHand}, ${m.reorderPointIfNew})
            ON CONFLICT (organization_id, warehouse_id, product_id) DO UPDATE
              SET quantity_on_hand = inventory.quantity_on_hand + excluded.quantity_on_hand,
                  version = inventory.version + 1, updated_at = now()
            RETURNING ${levelColumns}`
      : sql`UPDATE inventory
            SET quantity_on_hand = quantity_on_hand + ${delta.onHand}, quantity_reserved = quantity_reserved + ${delta.reserved},
                version = version + 1, updated_at = now()
            WHERE organization_id = ${org} AND warehouse_id = ${key.warehouseId} AND product_id = ${key.productId}
              AND quantity_on_hand + ${delta.onHand} >= 0
              AND quantity_reserved + ${delta.reserved} >= 0
              AND quantity_reserved + ${delta.reserved} <= quantity_on_hand + ${delta.onHand}
            RETURNING ${levelColumns}`;
    const opened = m.opens
      ? sql`INSERT INTO reservations (organization_id, id, warehouse_id, product_id, quantity, expire_time, reference, created_by)
            SELECT ${org}::uuid, ${m.reservationId}::uuid, warehouse_id, product_id, ${delta.reserved}::integer,
              (${m.opens.expireTime})::timestamptz, ${m.reference ?? ''}::text, ${work.actor.id}::uuid
            FROM level
            RETURNING ${sql.join(reservationColumns.map((c) => sql.ref(c)))}`
      : undefined;
    let rows: MovedRow[];
    try {
      ({ rows } = await sql<MovedRow>`
        WITH level AS (${changeLevel}),
        entry AS (
          INSERT INTO inventory_transactions (organization_id, warehouse_id, product_id, type, on_hand_delta, reserved_delta,
            on_hand_after, reserved_after, reason, counted_quantity, note, reference, reservation_id, transfer_id, actor_id)
          SELECT ${org}::uuid, warehouse_id, product_id, ${m.type}::text, ${delta.onHand}::integer, ${delta.reserved}::integer,
            quantity_on_hand, quantity_reserved, ${m.reason ?? null}::text, ${m.countedQuantity ?? null}::integer,
            ${m.note ?? ''}::text, ${m.reference ?? ''}::text, ${m.reservationId ?? null}::uuid, ${m.transferId ?? null}::uuid,
            ${work.actor.id}::uuid
          FROM level
          RETURNING ${sql.join(transactionColumns.map((c) => sql.ref(c)))}
        ),
        event AS (${eventsFrom(work, eventOf(m.type), movementEvents)})${opened ? sql`,
        reservation AS (${opened})` : sql``}
        SELECT ${sql.join(stockLevelColumns.map((c) => sql`level.${sql.ref(c)} AS ${sql.ref(`level_${c}`)}`))},
               ${sql.join(transactionColumns.map((c) => sql`entry.${sql.ref(c)} AS ${sql.ref(`entry_${c}`)}`))}${
                 opened ? sql`, ${sql.join(reservationColumns.map((c) => sql`reservation.${sql.ref(c)} AS ${sql.ref(`reservation_${c}`)}`))}` : sql``
               }
        FROM level CROSS JOIN entry${opened ? sql` CROSS JOIN reservation` : sql``}`.execute(tx));
    } catch (error) {
      if ((error as { code?: string }).code === '22003') {
        throw failedPrecondition('STOCK_LIMIT_EXCEEDED', 'The stock level would exceed 2,147,483,647 units.', {
          warehouse_id: key.warehouseId,
          product_id: key.productId,
        });
      }
      throw error;
    }
    const [row] = rows;
    if (row) return splitMovedRow(row);
    const current = await tx
      .selectFrom('inventory')
      .select(['quantity_available'])
      .where('organization_id', '=', org)
      .where('warehouse_id', '=', key.warehouseId)
      .where('product_id', '=', key.productId)
      .executeTakeFirst();
    return { available: current?.quantity_available ?? 0 };
  }

  /**
   * tryMove, failing when the stock is not there.
   * @throws AppError FAILED_PRECONDITION `INSUFFICIENT_STOCK` with metadata `available`, or
   *   `STOCK_LIMIT_EXCEEDED`.
   */
  async move(m: Movement): Promise<Moved> {
    const result = await this.tryMove(m);
    if ('available' in result) throw insufficientStock(result.available, Math.max(-m.delta.onHand, m.delta.reserved), m.key);
    return result;
  }
}

/** What a movement wrote: the level after it, its ledger entry, and the reservation it opened. */
export interface Moved {
  level: StockLevelRow;
  entry: TransactionRow;
  /** Set for a movement with `opens`. */
  reservation?: ReservationRow;
}

type MovedRow = { [K in (typeof stockLevelColumns)[number] as `level_${K}`]: StockLevelRow[K] } & {
  [K in (typeof transactionColumns)[number] as `entry_${K}`]: TransactionRow[K];
} & Partial<{ [K in (typeof reservationColumns)[number] as `reservation_${K}`]: ReservationRow[K] }>;

/** The joined row of a movement back into its level, its ledger entry and its reservation. */
function splitMovedRow(row: MovedRow): Moved {
  const pick = (prefix: string) =>
    Object.fromEntries(Object.entries(row).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  const moved: Moved = { level: pick('level_') as unknown as StockLevelRow, entry: pick('entry_') as unknown as TransactionRow };
  if (row.reservation_id !== undefined) moved.reservation = pick('reservation_') as unknown as ReservationRow;
  return moved;
}

/**
 * The analytics event of a movement, written by the movement's own statement (no extra round trip
 * under the level's lock): stock_moved for every change of on-hand stock, reservation_created and
 * reservation_expired for reserve and expire entries; releases record none.
 */
const eventOf = (type: LedgerType) => (type === 'reserve' ? 'inventory.reservation_created' : type === 'expire' ? 'inventory.reservation_expired' : 'inventory.stock_moved');
const movementEvents = sql`SELECT CASE WHEN type IN ('reserve', 'expire') THEN reservation_id::text ELSE product_id::text END AS entity_id,
  jsonb_build_object('warehouse_id', warehouse_id, 'product_id', product_id, 'movement_type', type, 'on_hand_delta', on_hand_delta,
    'reserved_delta', reserved_delta, 'on_hand_after', on_hand_after, 'ledger_entry_id', id) AS metadata
  FROM entry WHERE on_hand_delta <> 0 OR type IN ('reserve', 'expire')`;

/** FAILED_PRECONDITION `INSUFFICIENT_STOCK`; metadata `available` is the available quantity now. */
export function insufficientStock(available: number, requested: number, key: LevelKey) {
  return failedPrecondition(
    'INSUFFICIENT_STOCK',
    `Not enough stock: ${requested} requested, ${available} available at this warehouse.`,
    { available: String(available), requested: String(requested), warehouse_id: key.warehouseId, product_id: key.productId },
  );
}
