import { sql, type RawBuilder } from 'kysely';
import { prepared, thenCommit } from '../platform/db/deferred-begin-dialect.js';
import { eventsFrom } from '../platform/outbox/record-event.js';
import type { Cache } from '../platform/cache/cache.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { failedPrecondition } from '../platform/errors.js';
import { stockLevelKey } from './cache-keys.js';
import { receivableTarget, type ReceivableTarget } from './references.js';
import { entryChangesFrom, levelChangesFrom, reservedChangesFrom } from './stock-change-events.js';
import {
  reservationColumns,
  stockLevelColumns,
  transactionColumns,
  type ReservationRow,
  type StockLevelRow,
  type TransactionRow,
} from './mappers.js';

/**
 * The columns a level, ledger row and reservation are read with, as a statement's column list
 * (built once: every movement's statement uses them, here and in balance-movement.ts).
 */
export const levelColumnList = sql.join(stockLevelColumns.map((c) => sql.ref(c)));
export const entryColumnList = sql.join(transactionColumns.map((c) => sql.ref(c)));
export const reservationColumnList = sql.join(reservationColumns.map((c) => sql.ref(c)));

/**
 * The rows a movement's answer row holds side by side, each as `<part>_<column>` (see
 * splitMovedRow): the level, the ledger row and, for a reservation, the reservation.
 */
const answerParts = { level: stockLevelColumns, entry: transactionColumns, reservation: reservationColumns };
type AnswerPart = keyof typeof answerParts;
/** Something made once for each answer part. */
const eachPart = <T>(make: (part: AnswerPart) => T): Record<AnswerPart, T> => ({
  level: make('level'),
  entry: make('entry'),
  reservation: make('reservation'),
});

/** `<table>.<column> AS <part>_<column>` for each of the part's columns (built once per process, as above). */
const answerColumns = (table: string, part: AnswerPart) =>
  sql.join(answerParts[part].map((c) => sql`${sql.ref(`${table}.${c}`)} AS ${sql.ref(`${part}_${c}`)}`));
/** The answer columns of a movement's statement (each part's CTE is named after it), and of a batch of reservations'. */
const movedColumns = eachPart((part) => answerColumns(part, part));
const batchAliases: Record<AnswerPart, string> = { level: 'lv', entry: 'e', reservation: 'res' };
const batchColumns = {
  locked: sql.join(stockLevelColumns.map((c) => sql.ref(`i.${c}`))),
  ...eachPart((part) => answerColumns(batchAliases[part], part)),
};

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

export type LedgerType =
  | 'receive'
  | 'issue'
  | 'adjust'
  | 'transfer_out'
  | 'transfer_in'
  | 'move_out'
  | 'move_in'
  | 'reserve'
  | 'release'
  | 'expire';

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
 * row lock and none can oversell; one that would break an invariant changes nothing. One
 * statement keeps a busy level's lock short, and a reservation row is inserted inside it (why:
 * docs/decisions/0001-one-statement-per-stock-movement.md).
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
    const { key } = m;
    const [row] = await this.#move(m);
    if (row) return splitMovedRow(row);
    const current = await work.tx
      .selectFrom('inventory')
      .select(['quantity_available'])
      .where('organization_id', '=', org)
      .where('warehouse_id', '=', key.warehouseId)
      .where('product_id', '=', key.productId)
      .executeTakeFirst();
    return { available: current?.quantity_available ?? 0 };
  }

  /**
   * A receipt to the level alone (no lot, bin or serial numbers), with the checks of its product
   * and warehouse inside the statement (receivableTarget: no round trip of their own). The level
   * is created with the product's reorder point when new. When the checks fail, nothing is
   * written and `unreceivable` is returned: the caller takes the step-by-step path, which
   * answers the exact error.
   *
   * With `commit`, the statement is the transaction's last and carries its COMMIT (thenCommit):
   * a plain receipt is then one round trip, BEGIN to COMMIT.
   * @throws AppError FAILED_PRECONDITION `STOCK_LIMIT_EXCEEDED` when on hand would pass 2^31-1.
   */
  async tryReceive(
    m: LedgerDetails & { key: LevelKey; quantity: number },
    options: { commit: boolean },
  ): Promise<Moved | 'unreceivable'> {
    const movement: Movement = { ...m, type: 'receive', delta: { onHand: m.quantity, reserved: 0 } };
    const target = receivableTarget(this.organizationId, m.key);
    const [row] = await this.#move(movement, { target, commit: options.commit });
    return row ? splitMovedRow(row) : 'unreceivable';
  }

  /**
   * The statement of tryMove and tryReceive: the level's change, its ledger row, events, and the
   * reservation a reserve movement opens; no row when the level's guard (or `received.target`)
   * refused.
   */
  async #move(m: Movement, received?: { target: RawBuilder<ReceivableTarget>; commit: boolean }): Promise<MovedRow[]> {
    const { work, organizationId: org } = this;
    const { tx } = work;
    const { key, delta } = m;
    this.touch(key);
    const grows = delta.onHand >= 0 && delta.reserved === 0 && (m.reorderPointIfNew !== undefined || !!received);
    // The UPDATE's conditions are the CHECK constraints, evaluated on the locked row before
    // writing: when they fail, no row comes back ("not enough stock"), not a constraint error.
    // The ledger insert selects from the level's RETURNING, so it only happens with the change.
    const newLevel = received
      ? sql`SELECT ${org}::uuid, ${key.warehouseId}::uuid, ${key.productId}::uuid, ${delta.onHand}::integer, t.reorder_point
            FROM target t WHERE t.receivable`
      : sql`VALUES (${org}, ${key.warehouseId}, ${key.productId}, ${delta.onHand}, ${m.reorderPointIfNew})`;
    const changeLevel = grows
      ? sql`INSERT INTO inventory (organization_id, warehouse_id, product_id, quantity_on_hand, reorder_point)
            ${newLevel}
            ON CONFLICT (organization_id, warehouse_id, product_id) DO UPDATE
              SET quantity_on_hand = inventory.quantity_on_hand + excluded.quantity_on_hand,
                  version = inventory.version + 1, updated_at = now()
            RETURNING ${levelColumnList}`
      : sql`UPDATE inventory
            SET quantity_on_hand = quantity_on_hand + ${delta.onHand}, quantity_reserved = quantity_reserved + ${delta.reserved},
                version = version + 1, updated_at = now()
            WHERE organization_id = ${org} AND warehouse_id = ${key.warehouseId} AND product_id = ${key.productId}
              AND quantity_on_hand + ${delta.onHand} >= 0
              AND quantity_reserved + ${delta.reserved} >= 0
              AND quantity_reserved + ${delta.reserved} + quantity_on_hold + quantity_damaged <= quantity_on_hand + ${delta.onHand}
              -- A level-only movement moves the default location's untracked stock (on hand -
              -- located, migrations/0012): it cannot take units that sit in other balances.
              AND quantity_on_hand + ${delta.onHand} >= quantity_located
            RETURNING ${levelColumnList}`;
    const opened = m.opens
      ? sql`INSERT INTO reservations (organization_id, id, warehouse_id, product_id, quantity, expire_time, reference, created_by)
            SELECT ${org}::uuid, ${m.reservationId}::uuid, warehouse_id, product_id, ${delta.reserved}::integer,
              (${m.opens.expireTime})::timestamptz, ${m.reference ?? ''}::text, ${work.actor.id}::uuid
            FROM level
            RETURNING ${reservationColumnList}`
      : undefined;
    const statement = sql<MovedRow>`
        WITH ${received ? sql`target AS (${received.target}),` : sql``}
        level AS (${changeLevel}),
        entry AS (
          INSERT INTO inventory_transactions (organization_id, warehouse_id, location_id, product_id, type, on_hand_delta, reserved_delta,
            on_hand_after, reserved_after, reason, counted_quantity, note, reference, reservation_id, transfer_id, actor_id)
          SELECT ${org}::uuid, warehouse_id, warehouse_id, product_id, ${m.type}::text, ${delta.onHand}::integer, ${delta.reserved}::integer,
            quantity_on_hand, quantity_reserved, ${m.reason ?? null}::text, ${m.countedQuantity ?? null}::integer,
            ${m.note ?? ''}::text, ${m.reference ?? ''}::text, ${m.reservationId ?? null}::uuid, ${m.transferId ?? null}::uuid,
            ${work.actor.id}::uuid
          FROM level
          RETURNING ${entryColumnList}
        ),
        event AS (${eventsFrom(work, eventOf(m.type), movementEvents)}),
        level_change AS (${levelChangesFrom(
          work,
          sql`SELECT level.*, level.quantity_on_hand - ${delta.onHand}::integer AS on_hand_before,
                level.quantity_reserved - ${delta.reserved}::integer AS reserved_before,
                level.quantity_on_hold AS on_hold_before, level.quantity_damaged AS damaged_before FROM level`,
        )}),
        entry_change AS (${entryChangesFrom(work, sql`SELECT ${entryColumnList} FROM entry`)})${
          opened
            ? sql`,
        reservation AS (${opened}),
        reservation_change AS (${reservedChangesFrom(work, sql`SELECT ${reservationColumnList} FROM reservation`)})`
            : sql``
        }
        SELECT ${movedColumns.level}, ${movedColumns.entry}${opened ? sql`, ${movedColumns.reservation}` : sql``}
        FROM level CROSS JOIN entry${opened ? sql` CROSS JOIN reservation` : sql``}`;
    try {
      return (await prepared(received?.commit ? thenCommit(statement) : statement).execute(tx)).rows;
    } catch (error) {
      if ((error as { code?: string }).code === '22003') {
        throw failedPrecondition('STOCK_LIMIT_EXCEEDED', 'The stock level would exceed 2,147,483,647 units.', {
          warehouse_id: key.warehouseId,
          product_id: key.productId,
        });
      }
      throw error;
    }
  }

  /**
   * Reserves for several requests of one level in ONE statement, exactly as if each had been a
   * reserve tryMove of its own, one after another in the given order: the level is locked once,
   * each request is accepted while it fits what is still available (a refused one changes
   * nothing and a later, smaller one may still fit), the level is updated once (its version
   * advances once per accepted request, as one by one), and every accepted request gets its own
   * reservation, ledger row (with the balances after it: the ledger still sums to the level,
   * design rule 6) and event.
   *
   * The caller's checks of the product and warehouse come with the statement (`target`, at no
   * round trip of their own): the level is locked and written only when they pass. And when
   * reservations of the level have lapsed and not every request fits, nothing is written: the
   * caller expires them and calls again with `lapsedExpired` (one by one, a request short of
   * stock expires them and tries again: the same end state).
   *
   * With `commit`, the statement is the transaction's last and carries its COMMIT (thenCommit: no
   * round trip of its own). It then runs once: whatever would need another statement (the
   * checks failed, lapsed reservations in the way, a row changed since the snapshot) wrote
   * nothing and is answered `again`, for the caller to run in a new transaction without `commit`.
   * @returns per request in order: what it wrote, or how much was available when its turn came;
   *   `unreservable` when the target's checks failed or the level does not exist (nothing was
   *   written); `lapsed` and `again` as above.
   */
  async tryReserveEach(
    key: LevelKey,
    requests: readonly BatchedReserve[],
    target: RawBuilder<ReservableTarget>,
    options: { lapsedExpired: boolean; commit?: boolean },
  ): Promise<(Moved | { available: number })[] | 'unreservable' | 'lapsed' | 'again'> {
    const { lapsedExpired } = options;
    const { work, organizationId: org } = this;
    this.touch(key);
    const actor = work.actor.id;
    const arrays = {
      ids: requests.map((r) => r.reservationId),
      quantities: requests.map((r) => r.quantity),
      references: requests.map((r) => r.reference),
      ttls: requests.map((r) => r.expiry.ttlSeconds ?? null),
      ats: requests.map((r) => r.expiry.at ?? null),
      requestIds: requests.map((r) => r.requestId ?? work.requestId),
    };
    // walk: the requests one by one against the locked level (bigint: no overflow mid-walk),
    // `n` counting the accepted ones. The UPDATE re-checks that the row is the one walked.
    const walk = sql<BatchRow>`
      WITH RECURSIVE req AS (
        SELECT id, qty, reference, ttl, expire_at, request_id, ord FROM unnest(${arrays.ids}::uuid[], ${arrays.quantities}::integer[], ${arrays.references}::text[],
          ${arrays.ttls}::float8[], ${arrays.ats}::timestamptz[], ${arrays.requestIds}::text[]) WITH ORDINALITY AS r(id, qty, reference, ttl, expire_at, request_id, ord)
      ),
      target AS (${target}),
      locked AS (
        SELECT quantity_on_hand - quantity_on_hold - quantity_damaged AS sellable, quantity_on_hand, quantity_reserved FROM inventory
        WHERE organization_id = ${org} AND warehouse_id = ${key.warehouseId} AND product_id = ${key.productId}
          AND EXISTS (SELECT 1 FROM target WHERE reservable)
        FOR NO KEY UPDATE OF inventory
      ),
      walk (ord, reserved, n, accepted) AS (
        SELECT 0::bigint, quantity_reserved::bigint, 0::bigint, false FROM locked
        UNION ALL
        SELECT r.ord, w.reserved + CASE WHEN w.reserved + r.qty <= l.sellable THEN r.qty ELSE 0 END,
          w.n + CASE WHEN w.reserved + r.qty <= l.sellable THEN 1 ELSE 0 END, w.reserved + r.qty <= l.sellable
        FROM walk w JOIN req r ON r.ord = w.ord + 1 CROSS JOIN locked l
      ),
      total AS (SELECT reserved, n, ord AS requests FROM walk ORDER BY ord DESC LIMIT 1),
      level AS (
        UPDATE inventory i SET quantity_reserved = t.reserved, version = i.version + t.n, updated_at = now()
        FROM total t, locked l
        WHERE i.organization_id = ${org} AND i.warehouse_id = ${key.warehouseId} AND i.product_id = ${key.productId}
          AND t.n > 0 AND i.quantity_on_hand = l.quantity_on_hand AND i.quantity_reserved = l.quantity_reserved
          AND t.reserved <= i.quantity_on_hand - i.quantity_on_hold - i.quantity_damaged
          AND (${lapsedExpired}::boolean OR t.n = t.requests OR NOT (SELECT has_lapsed FROM target))
        RETURNING ${batchColumns.locked}, t.n AS accepted_count
      ),
      accepted AS (
        SELECT r.*, w.reserved AS reserved_after FROM req r JOIN walk w ON w.ord = r.ord
        WHERE w.accepted AND EXISTS (SELECT 1 FROM level)
      ),
      entry AS (
        INSERT INTO inventory_transactions (organization_id, warehouse_id, location_id, product_id, type, on_hand_delta, reserved_delta,
          on_hand_after, reserved_after, note, reference, reservation_id, actor_id)
        SELECT ${org}::uuid, l.warehouse_id, l.warehouse_id, l.product_id, 'reserve', 0, a.qty, l.quantity_on_hand, a.reserved_after::integer,
          '', a.reference, a.id, ${actor}::uuid
        FROM accepted a CROSS JOIN level l ORDER BY a.ord
        RETURNING ${entryColumnList}
      ),
      event AS (${eventsFrom(work, 'inventory.reservation_created', movementEvents)}),
      reservation AS (
        INSERT INTO reservations (organization_id, id, warehouse_id, product_id, quantity, expire_time, reference, created_by)
        SELECT ${org}::uuid, a.id, l.warehouse_id, l.product_id, a.qty,
          coalesce(a.expire_at, now() + make_interval(secs => a.ttl)), a.reference, ${actor}::uuid
        FROM accepted a CROSS JOIN level l ORDER BY a.ord
        RETURNING ${reservationColumnList}
      ),
      level_change AS (${levelChangesFrom(
        work,
        sql`SELECT lv.*, lk.quantity_on_hand AS on_hand_before, lk.quantity_reserved AS reserved_before,
              lv.quantity_on_hold AS on_hold_before, lv.quantity_damaged AS damaged_before
            FROM level lv CROSS JOIN locked lk`,
      )}),
      reservation_change AS (${reservedChangesFrom(
        work,
        sql`SELECT res.*, q.request_id FROM reservation res JOIN req q ON q.id = res.id ORDER BY q.ord`,
        true,
      )})
      SELECT w.ord::integer AS ord, w.accepted AS walked, w.reserved::integer AS reserved_after,
        w.n::integer AS n, lk.quantity_on_hand AS on_hand, lk.sellable::integer AS sellable,
        (SELECT has_lapsed FROM target) AS has_lapsed,
        ${batchColumns.level}, lv.accepted_count::integer AS accepted_count,
        ${batchColumns.entry},
        ${batchColumns.reservation}
      FROM req r JOIN walk w ON w.ord = r.ord CROSS JOIN locked lk
        LEFT JOIN level lv ON true
        LEFT JOIN reservation res ON res.id = r.id
        LEFT JOIN entry e ON e.reservation_id = r.id
      ORDER BY w.ord`;
    const statement = prepared(options.commit ? thenCommit(walk) : walk);
    // The walk reads the level as locked (its newest version), but when another transaction
    // changed the row after this statement's snapshot, the UPDATE may not find it as walked and
    // then writes nothing at all (its guard). The lock is held by then, so the statement run
    // again (a new snapshot, after that change) walks and writes the same row.
    let { rows } = await statement.execute(work.tx);
    if (rows.length === 0) return 'unreservable';
    if (options.commit && (rows.some(unwritten) || lapsedShort(rows, lapsedExpired))) return 'again';
    if (rows.some(unwritten) && !lapsedShort(rows, lapsedExpired)) ({ rows } = await statement.execute(work.tx));
    if (rows.length === 0) return 'unreservable';
    if (lapsedShort(rows, lapsedExpired)) return 'lapsed';
    const byOrder = new Map(rows.map((row) => [row.ord, row]));
    return requests.map((request, index) => {
      const row = byOrder.get(index + 1)!;
      if (!row.walked) return { available: row.sellable - row.reserved_after };
      // Accepted by the walk but not written twice over: the lock did not hold, fail loudly
      // (nothing was written) rather than answer from a walk that was not applied.
      if (unwritten(row)) throw new Error(`batched reservation ${request.reservationId} was accepted but not written`);
      const moved = splitMovedRow(row as unknown as MovedRow);
      const level = moved.level;
      // The level as it stood right after this request, as a one-by-one reservation answers.
      moved.level = {
        ...level,
        quantity_reserved: row.reserved_after,
        quantity_available:
          level.quantity_on_hand - row.reserved_after - level.quantity_on_hold - level.quantity_damaged,
        version: level.version - (row.accepted_count - row.n),
      };
      return moved;
    });
  }

  /**
   * tryMove, failing when the stock is not there.
   * @throws AppError FAILED_PRECONDITION `INSUFFICIENT_STOCK` with metadata `available`, or
   *   `STOCK_LIMIT_EXCEEDED`.
   */
  async move(m: Movement): Promise<Moved> {
    const result = await this.tryMove(m);
    if ('available' in result)
      throw insufficientStock(result.available, Math.max(-m.delta.onHand, m.delta.reserved), m.key);
    return result;
  }
}

/** One request of a batched reservation (see tryReserveEach). */
export interface BatchedReserve {
  reservationId: string;
  /** The correlation id of the call this request is (its change event records it); default the unit of work's. */
  requestId?: string;
  quantity: number;
  reference: string;
  /** An absolute expiry, or a ttl turned into one by the database's clock, or none. */
  expiry: { at?: Date; ttlSeconds?: number };
}

/** A row the walk accepted but the statement did not write (see tryReserveEach). */
const unwritten = (row: BatchRow) => row.walked && row.reservation_id == null;

/** The walk refused a request while lapsed reservations could have made room (see tryReserveEach). */
const lapsedShort = (rows: BatchRow[], lapsedExpired: boolean) =>
  !lapsedExpired && rows.some((row) => !row.walked) && rows[0]!.has_lapsed;

/**
 * What the batched reservation checks of its product and warehouse, as a statement of one row
 * (none when either is missing): whether the level may take reservations, and whether any of its
 * active reservations are past their expiry.
 */
export interface ReservableTarget {
  reservable: boolean;
  has_lapsed: boolean;
}

type BatchRow = MovedRow & {
  ord: number;
  has_lapsed: boolean;
  walked: boolean;
  reserved_after: number;
  n: number;
  on_hand: number;
  sellable: number;
  accepted_count: number;
};

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

/** Each of a part's answer columns with the column it is (built once: a batch splits a row per reservation). */
const splitKeys = eachPart((part) => answerParts[part].map((c) => [`${part}_${c}`, c] as const));

/** One part's columns out of an answer row. */
function pickPart(row: Record<string, unknown>, part: AnswerPart): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const [answerColumn, column] of splitKeys[part]) picked[column] = row[answerColumn];
  return picked;
}

/** The joined row of a movement back into its level, its ledger entry and its reservation. */
function splitMovedRow(row: MovedRow): Moved {
  const answer = row as unknown as Record<string, unknown>;
  const moved: Moved = {
    level: pickPart(answer, 'level') as unknown as StockLevelRow,
    entry: pickPart(answer, 'entry') as unknown as TransactionRow,
  };
  if (row.reservation_id !== undefined)
    moved.reservation = pickPart(answer, 'reservation') as unknown as ReservationRow;
  return moved;
}

/**
 * The analytics event of a movement, written by the movement's own statement (no extra round trip
 * under the level's lock): stock_moved for every change of on-hand stock, reservation_created and
 * reservation_expired for reserve and expire entries; releases record none.
 */
const eventOf = (type: LedgerType) =>
  type === 'reserve'
    ? 'inventory.reservation_created'
    : type === 'expire'
      ? 'inventory.reservation_expired'
      : 'inventory.stock_moved';
const movementEvents = sql`SELECT CASE WHEN type IN ('reserve', 'expire') THEN reservation_id::text ELSE product_id::text END AS entity_id,
  jsonb_build_object('warehouse_id', warehouse_id, 'product_id', product_id, 'movement_type', type, 'on_hand_delta', on_hand_delta,
    'reserved_delta', reserved_delta, 'on_hand_after', on_hand_after, 'ledger_entry_id', id) AS metadata
  FROM entry WHERE on_hand_delta <> 0 OR type IN ('reserve', 'expire')`;

/** FAILED_PRECONDITION `INSUFFICIENT_STOCK`; metadata `available` is the available quantity now. */
export function insufficientStock(available: number, requested: number, key: LevelKey) {
  return failedPrecondition(
    'INSUFFICIENT_STOCK',
    `Not enough stock: ${requested} requested, ${available} available at this warehouse.`,
    {
      available: String(available),
      requested: String(requested),
      warehouse_id: key.warehouseId,
      product_id: key.productId,
    },
  );
}
