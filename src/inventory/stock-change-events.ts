import { sql, type RawBuilder } from 'kysely';
import {
  Product,
  Reservation,
  StockLevel,
  Warehouse,
  type ReservationAllocation,
} from '../../gen/ts/imsop/inventory/v1/resources.js';
import { changesFrom, type ChangeRecord } from '../platform/change-feed/record-change.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { formatEtag } from '../platform/etag.js';
import {
  toProduct,
  toReservation,
  toStockLevel,
  type ProductRow,
  type ReservationRow,
  type StockLevelRow,
  type WarehouseRow,
  toWarehouse,
} from './mappers.js';

/**
 * Inventory's change events (the platform's change feed): which event each mutation records,
 * with the resource in proto3 JSON form. Two ways in:
 * - statements the hot paths run (stock movements, coalesced reservations) embed the events
 *   as CTEs (changesFrom), so they are written under the level's lock by the same statement,
 *   with no extra round trip; the JSON is built in SQL, as the mappers + toJSON build it (default
 *   values left out, timestamps in UTC with milliseconds);
 * - everything else records after its write with recordChanges, the JSON from the mappers.
 */

/** A stock level's id in the feed: `<warehouse_id>/<product_id>`, the order of its key everywhere in the domain. */
export const stockLevelId = (warehouseId: string, productId: string) => `${warehouseId}/${productId}`;

const json = (message: { toJSON(m: never): unknown }, value: unknown) =>
  message.toJSON(value as never) as Record<string, unknown>;

export function productCreated(row: ProductRow): ChangeRecord {
  return {
    resourceType: 'product',
    resourceId: row.id,
    eventType: 'product.created',
    changeKind: 'created',
    etag: formatEtag(row.version),
    resource: json(Product, toProduct(row)),
  };
}

export function productUpdated(row: ProductRow, changedFields: readonly string[]): ChangeRecord {
  return {
    resourceType: 'product',
    resourceId: row.id,
    eventType: 'product.updated',
    changeKind: 'updated',
    changedFields,
    etag: formatEtag(row.version),
    resource: json(Product, toProduct(row)),
  };
}

export function warehouseCreated(row: WarehouseRow): ChangeRecord {
  return {
    resourceType: 'warehouse',
    resourceId: row.id,
    eventType: 'warehouse.created',
    changeKind: 'created',
    etag: formatEtag(row.version),
    resource: json(Warehouse, toWarehouse(row)),
  };
}

export function warehouseUpdated(row: WarehouseRow, changedFields: readonly string[]): ChangeRecord {
  return {
    resourceType: 'warehouse',
    resourceId: row.id,
    eventType: 'warehouse.updated',
    changeKind: 'updated',
    changedFields,
    etag: formatEtag(row.version),
    resource: json(Warehouse, toWarehouse(row)),
  };
}

/** A reservation that ended (released, expired, fulfilled), with the balances it held (tracked products). */
export function reservationClosed(row: ReservationRow, allocations: ReservationAllocation[] = []): ChangeRecord {
  const eventType =
    row.status === 'expired'
      ? 'reservation.expired'
      : row.status === 'fulfilled'
        ? 'reservation.fulfilled'
        : 'reservation.released';
  return {
    resourceType: 'reservation',
    resourceId: row.id,
    eventType,
    changeKind: 'event',
    etag: formatEtag(row.version),
    resource: json(Reservation, toReservation(row, allocations)),
  };
}

/**
 * A stock level's settings changed (reorder point), with the threshold events the change
 * crossed: low_stock turning on is `stock.low` (available <= reorder point, the API's rule).
 */
export function stockLevelSettingsChanged(
  before: StockLevelRow,
  after: StockLevelRow,
  changedFields: readonly string[],
): ChangeRecord[] {
  const id = stockLevelId(after.warehouse_id, after.product_id);
  const level = json(StockLevel, toStockLevel(after));
  const wasLow = toStockLevel(before).lowStock;
  const isLow = toStockLevel(after).lowStock;
  const records: ChangeRecord[] = [
    {
      resourceType: 'stock_level',
      resourceId: id,
      eventType: 'stock_level.updated',
      changeKind: 'updated',
      changedFields: [...changedFields, ...(wasLow === isLow ? [] : ['low_stock']), 'etag', 'update_time'],
      etag: formatEtag(after.version),
      resource: level,
    },
  ];
  if (!wasLow && isLow)
    records.push({
      resourceType: 'stock_level',
      resourceId: id,
      eventType: 'stock.low',
      changeKind: 'event',
      etag: formatEtag(after.version),
      resource: level,
    });
  return records;
}

// ---- In SQL, for the hot statements -----------------------------------------------------------

/** `to_json` of a timestamp as toJSON writes it: UTC, milliseconds, `Z`. */
const timestamp = (column: RawBuilder<unknown>) =>
  sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A proto3 JSON object with default values (0, '', false, null) left out, as toJSON leaves them. */
function protoJson(fields: readonly [string, RawBuilder<unknown>, 'int' | 'text' | 'bool' | 'other'][]) {
  const pairs = fields.map(([name, value, kind]) => {
    const kept =
      kind === 'int'
        ? sql`nullif(${value}, 0)`
        : kind === 'text'
          ? sql`nullif(${value}, '')`
          : kind === 'bool'
            ? sql`nullif(${value}, false)`
            : value;
    return sql`${sql.lit(name)}::text, ${kept}`;
  });
  return sql`jsonb_strip_nulls(jsonb_build_object(${sql.join(pairs)}))`;
}

const col = (alias: string, column: string) => sql.ref(`${alias}.${column}`);

/** StockLevel JSON of a row with the level columns (alias `l`); available as toStockLevel computes it. */
function stockLevelJson(l: string) {
  const available = sql`(${col(l, 'quantity_on_hand')} - ${col(l, 'quantity_reserved')} - ${col(l, 'quantity_on_hold')} - ${col(l, 'quantity_damaged')})`;
  return protoJson([
    ['warehouseId', sql`${col(l, 'warehouse_id')}::text`, 'text'],
    ['productId', sql`${col(l, 'product_id')}::text`, 'text'],
    ['quantityOnHand', col(l, 'quantity_on_hand'), 'int'],
    ['quantityReserved', col(l, 'quantity_reserved'), 'int'],
    ['quantityAvailable', available, 'int'],
    ['reorderPoint', col(l, 'reorder_point'), 'int'],
    ['reorderPointOverridden', col(l, 'reorder_point_overridden'), 'bool'],
    ['lowStock', sql`(${available} <= ${col(l, 'reorder_point')})`, 'bool'],
    ['etag', sql`'"v' || ${col(l, 'version')} || '"'`, 'text'],
    ['updateTime', timestamp(col(l, 'updated_at')), 'other'],
    ['quantityOnHold', col(l, 'quantity_on_hold'), 'int'],
    ['quantityDamaged', col(l, 'quantity_damaged'), 'int'],
  ]);
}

const TRANSACTION_TYPE_JSON = sql`('INVENTORY_TRANSACTION_TYPE_' || upper(e.type))`;
const REASON_JSON = sql`CASE WHEN e.reason IS NULL THEN NULL ELSE 'ADJUSTMENT_REASON_' || upper(e.reason) END`;

/** A `serial_numbers` jsonb array column as proto3 JSON leaves a repeated field: out when empty. */
const serialsJson = (column: RawBuilder<unknown>) =>
  sql`CASE WHEN jsonb_array_length(coalesce(${column}, '[]'::jsonb)) > 0 THEN ${column} END`;

/** InventoryTransaction JSON of a ledger row (alias `e`, with a `serial_numbers` jsonb column). */
const transactionJson = protoJson([
  ['id', sql`e.id::text`, 'text'],
  ['warehouseId', sql`e.warehouse_id::text`, 'text'],
  ['productId', sql`e.product_id::text`, 'text'],
  ['type', TRANSACTION_TYPE_JSON, 'other'],
  ['onHandDelta', sql`e.on_hand_delta`, 'int'],
  ['reservedDelta', sql`e.reserved_delta`, 'int'],
  ['onHandAfter', sql`e.on_hand_after`, 'int'],
  ['reservedAfter', sql`e.reserved_after`, 'int'],
  ['reason', REASON_JSON, 'other'],
  ['countedQuantity', sql`e.counted_quantity`, 'other'],
  ['note', sql`e.note`, 'text'],
  ['reference', sql`e.reference`, 'text'],
  ['reservationId', sql`e.reservation_id::text`, 'text'],
  ['transferId', sql`e.transfer_id::text`, 'text'],
  ['actorId', sql`e.actor_id::text`, 'text'],
  ['createTime', timestamp(sql`e.created_at`), 'other'],
  ['locationId', sql`e.location_id::text`, 'text'],
  ['lotId', sql`e.lot_id::text`, 'text'],
  ['cycleCountId', sql`e.cycle_count_id::text`, 'text'],
  ['serialNumbers', serialsJson(sql`e.serial_numbers`), 'other'],
]);

/**
 * A reservation's `allocations` JSON (the balances it holds, ordered as GetReservation lists
 * them) from `allocations`, a SELECT of allocation rows (reservation_id, location_id, lot_id,
 * quantity, serial_numbers jsonb); null (left out) when it holds none.
 */
const allocationsJson = (allocations: RawBuilder<unknown>) => sql`(
  SELECT jsonb_agg(jsonb_build_object('locationId', a.location_id::text, 'lotId', a.lot_id::text, 'quantity', nullif(a.quantity, 0),
      'serialNumbers', ${serialsJson(sql`a.serial_numbers`)})
    ORDER BY a.location_id, a.lot_id)
  FROM (${allocations}) AS a WHERE a.reservation_id = r.id)`;

/** Reservation JSON of a reservation row (alias `r`), with its allocations when given. */
const reservationJson = (allocations?: RawBuilder<unknown>) =>
  protoJson([
    ['id', sql`r.id::text`, 'text'],
    ['warehouseId', sql`r.warehouse_id::text`, 'text'],
    ['productId', sql`r.product_id::text`, 'text'],
    ['quantity', sql`r.quantity`, 'int'],
    ['status', sql`('RESERVATION_STATUS_' || upper(r.status))`, 'other'],
    ['expireTime', timestamp(sql`r.expire_time`), 'other'],
    ['reference', sql`r.reference`, 'text'],
    ['createdBy', sql`r.created_by::text`, 'text'],
    ['etag', sql`'"v' || r.version || '"'`, 'text'],
    ['createTime', timestamp(sql`r.created_at`), 'other'],
    ['updateTime', timestamp(sql`r.updated_at`), 'other'],
    ['closeTime', timestamp(sql`r.closed_at`), 'other'],
    ['allocations', allocations ? allocationsJson(allocations) : sql`NULL::jsonb`, 'other'],
  ]);

/**
 * The events of a level a statement moved, as a CTE body: `stock_level.updated` and the
 * threshold events the move crossed. `levels` is a SELECT of the level columns after the move
 * plus `on_hand_before`, `reserved_before`, `on_hold_before` and `damaged_before` (alias `l`).
 * Thresholds, on available stock (on hand less reserved, on hold and damaged, as the API
 * reports it): `stock.low` when low_stock turns on (available <= reorder point), `stock.out`
 * when it falls to zero or below from above zero, `stock.back_in` when it rises above zero from
 * zero or below. A move into quarantine crosses them as an issue does.
 */
export function levelChangesFrom(work: UnitOfWork, levels: RawBuilder<unknown>): RawBuilder<unknown> {
  const rows = sql`
    SELECT l.warehouse_id::text || '/' || l.product_id::text AS resource_id, ev.event_type, ev.change_kind,
      ev.changed_fields, '"v' || l.version || '"' AS etag, ${stockLevelJson('l')} AS resource
    FROM (SELECT s.*, s.on_hand_before - s.reserved_before - s.on_hold_before - s.damaged_before AS available_before,
            s.quantity_on_hand - s.quantity_reserved - s.quantity_on_hold - s.quantity_damaged AS available_after
          FROM (${levels}) AS s) AS l
    CROSS JOIN LATERAL (VALUES
      (1, 'stock_level.updated', 'updated', array_remove(ARRAY[
        CASE WHEN l.quantity_on_hand <> l.on_hand_before THEN 'quantity_on_hand' END,
        CASE WHEN l.quantity_reserved <> l.reserved_before THEN 'quantity_reserved' END,
        CASE WHEN l.available_after <> l.available_before THEN 'quantity_available' END,
        CASE WHEN l.quantity_on_hold <> l.on_hold_before THEN 'quantity_on_hold' END,
        CASE WHEN l.quantity_damaged <> l.damaged_before THEN 'quantity_damaged' END,
        CASE WHEN (l.available_after <= l.reorder_point) <> (l.available_before <= l.reorder_point) THEN 'low_stock' END,
        'etag', 'update_time'], NULL), true),
      (2, 'stock.low', 'event', '{}'::text[], l.available_before > l.reorder_point AND l.available_after <= l.reorder_point),
      (3, 'stock.out', 'event', '{}'::text[], l.available_before > 0 AND l.available_after <= 0),
      (4, 'stock.back_in', 'event', '{}'::text[], l.available_before <= 0 AND l.available_after > 0)
    ) AS ev(ord, event_type, change_kind, changed_fields, happens)
    WHERE ev.happens
    ORDER BY ev.ord`;
  return changesFrom(work, 'stock_level', rows);
}

/**
 * The events of the ledger rows a statement wrote (`entries`, a SELECT of ledger rows, with a
 * `serial_numbers` jsonb array column when the rows moved serial numbers): stock received,
 * issued, adjusted, transferred, moved. Reserve, release and expire rows have none of their
 * own: the reservation's event tells of them.
 */
export function entryChangesFrom(
  work: UnitOfWork,
  entries: RawBuilder<unknown>,
  withSerials = false,
): RawBuilder<unknown> {
  const source = withSerials ? entries : sql`SELECT s.*, NULL::jsonb AS serial_numbers FROM (${entries}) AS s`;
  const rows = sql`
    SELECT e.id::text AS resource_id,
      CASE e.type WHEN 'receive' THEN 'stock.received' WHEN 'issue' THEN 'stock.issued' WHEN 'adjust' THEN 'stock.adjusted'
        WHEN 'move_out' THEN 'stock.moved' WHEN 'move_in' THEN 'stock.moved' ELSE 'stock.transferred' END AS event_type,
      'event' AS change_kind, '{}'::text[] AS changed_fields, '' AS etag, ${transactionJson} AS resource
    FROM (${source}) AS e
    WHERE e.type IN ('receive', 'issue', 'adjust', 'transfer_out', 'transfer_in', 'move_out', 'move_in')`;
  return changesFrom(work, 'inventory_transaction', rows);
}

/**
 * `stock.reserved` for the reservations a statement opened (`reservations`, a SELECT of
 * reservation rows; with `perCallRequestIds`, also a `request_id` column: the correlation id of
 * the call each one answers, when one statement serves several calls). `allocations`, for
 * reservations of tracked products, is a SELECT of the allocation rows the statement wrote.
 */
export function reservedChangesFrom(
  work: UnitOfWork,
  reservations: RawBuilder<unknown>,
  perCallRequestIds = false,
  allocations?: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const rows = sql`
    SELECT r.id::text AS resource_id, 'stock.reserved' AS event_type, 'event' AS change_kind, '{}'::text[] AS changed_fields,
      '"v' || r.version || '"' AS etag, ${reservationJson(allocations)} AS resource${perCallRequestIds ? sql`, r.request_id` : sql``}
    FROM (${reservations}) AS r`;
  return changesFrom(work, 'reservation', rows, { rowsCarryRequestId: perCallRequestIds });
}

/** StockBalance JSON of a balance row (alias `b`) with its location (`loc`) and lot (`lot`, may be null). */
const stockBalanceJson = (() => {
  const sellable = sql`loc.type NOT IN ('hold', 'damaged')`;
  return protoJson([
    ['warehouseId', sql`b.warehouse_id::text`, 'text'],
    ['locationId', sql`b.location_id::text`, 'text'],
    ['locationCode', sql`loc.code::text`, 'text'],
    ['productId', sql`b.product_id::text`, 'text'],
    ['lotId', sql`b.lot_id::text`, 'text'],
    ['lotNumber', sql`lot.lot_number::text`, 'text'],
    [
      'expiryDate',
      sql`CASE WHEN lot.expires_on IS NOT NULL THEN jsonb_build_object('year', extract(year FROM lot.expires_on)::integer,
        'month', extract(month FROM lot.expires_on)::integer, 'day', extract(day FROM lot.expires_on)::integer) END`,
      'other',
    ],
    ['quantityOnHand', sql`b.quantity_on_hand`, 'int'],
    ['quantityReserved', sql`b.quantity_reserved`, 'int'],
    ['quantityAvailable', sql`CASE WHEN ${sellable} THEN b.quantity_on_hand - b.quantity_reserved ELSE 0 END`, 'int'],
    [
      'state',
      sql`CASE loc.type WHEN 'hold' THEN 'STOCK_STATE_ON_HOLD' WHEN 'damaged' THEN 'STOCK_STATE_DAMAGED' ELSE 'STOCK_STATE_AVAILABLE' END`,
      'other',
    ],
    ['lastCountedTime', timestamp(sql`b.last_counted_at`), 'other'],
    ['updateTime', timestamp(sql`b.updated_at`), 'other'],
  ]);
})();

/**
 * `stock_balance.updated` for the balance rows (a balance's id in the feed:
 * `<warehouse_id>/<location_id>/<product_id>`, plus `/<lot_id>` for a lot's) a statement changed (`balances`, a SELECT of
 * stock_balances rows after the change plus `on_hand_before` and `reserved_before`), in the
 * order of their `ord` column. The default location's untracked stock is not a balance row
 * (it is the level's unlocated stock): the level's event tells of it.
 */
export function balanceChangesFrom(
  work: UnitOfWork,
  balances: RawBuilder<unknown>,
  /** The changed field paths when the change is not of quantities (a count's last_counted_time). */
  changedFields?: readonly string[],
): RawBuilder<unknown> {
  const org = work.tenant.organizationId;
  const quantities = sql`array_remove(ARRAY[
        CASE WHEN b.quantity_on_hand <> b.on_hand_before THEN 'quantity_on_hand' END,
        CASE WHEN b.quantity_reserved <> b.reserved_before THEN 'quantity_reserved' END,
        CASE WHEN loc.type NOT IN ('hold', 'damaged')
          AND b.quantity_on_hand - b.quantity_reserved <> b.on_hand_before - b.reserved_before THEN 'quantity_available' END,
        'update_time'], NULL)`;
  const rows = sql`
    SELECT b.warehouse_id::text || '/' || b.location_id::text || '/' || b.product_id::text || coalesce('/' || b.lot_id::text, '') AS resource_id,
      'stock_balance.updated' AS event_type, 'updated' AS change_kind,
      ${changedFields ? sql`${[...changedFields]}::text[]` : quantities} AS changed_fields,
      '' AS etag, ${stockBalanceJson} AS resource
    FROM (${balances}) AS b
      JOIN locations loc ON loc.organization_id = ${org}::uuid AND loc.id = b.location_id
      LEFT JOIN lots lot ON lot.organization_id = ${org}::uuid AND lot.id = b.lot_id
    ORDER BY b.ord`;
  return changesFrom(work, 'stock_balance', rows);
}
