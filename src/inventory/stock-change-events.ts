import { sql, type RawBuilder } from 'kysely';
import { Product, Reservation, StockLevel, Warehouse } from '../../gen/ts/imsop/inventory/v1/resources.js';
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

/** A reservation that ended (released, expired, fulfilled). */
export function reservationClosed(row: ReservationRow): ChangeRecord {
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
    resource: json(Reservation, toReservation(row)),
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

/** StockLevel JSON of a row with the level columns (alias `l`). */
function stockLevelJson(l: string) {
  const available = sql`(${col(l, 'quantity_on_hand')} - ${col(l, 'quantity_reserved')})`;
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
  ]);
}

const TRANSACTION_TYPE_JSON = sql`('INVENTORY_TRANSACTION_TYPE_' || upper(e.type))`;
const REASON_JSON = sql`CASE WHEN e.reason IS NULL THEN NULL ELSE 'ADJUSTMENT_REASON_' || upper(e.reason) END`;

/** InventoryTransaction JSON of a ledger row (alias `e`). */
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
]);

/** Reservation JSON of a reservation row (alias `r`). */
const reservationJson = protoJson([
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
]);

/**
 * The events of a level a statement moved, as a CTE body: `stock_level.updated` and the
 * threshold events the move crossed. `levels` is a SELECT of the level columns after the move
 * plus `on_hand_before` and `reserved_before` (alias `l`). Thresholds, on available stock:
 * `stock.low` when low_stock turns on (available <= reorder point), `stock.out` when it falls to
 * zero or below from above zero, `stock.back_in` when it rises above zero from zero or below.
 */
export function levelChangesFrom(work: UnitOfWork, levels: RawBuilder<unknown>): RawBuilder<unknown> {
  const rows = sql`
    SELECT l.warehouse_id::text || '/' || l.product_id::text AS resource_id, ev.event_type, ev.change_kind,
      ev.changed_fields, '"v' || l.version || '"' AS etag, ${stockLevelJson('l')} AS resource
    FROM (SELECT s.*, s.on_hand_before - s.reserved_before AS available_before,
            s.quantity_on_hand - s.quantity_reserved AS available_after FROM (${levels}) AS s) AS l
    CROSS JOIN LATERAL (VALUES
      (1, 'stock_level.updated', 'updated', array_remove(ARRAY[
        CASE WHEN l.quantity_on_hand <> l.on_hand_before THEN 'quantity_on_hand' END,
        CASE WHEN l.quantity_reserved <> l.reserved_before THEN 'quantity_reserved' END,
        CASE WHEN l.available_after <> l.available_before THEN 'quantity_available' END,
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
 * The events of the ledger rows a statement wrote (`entries`, a SELECT of ledger rows): stock
 * received, issued, adjusted, transferred. Reserve, release and expire rows have none of their
 * own: the reservation's event tells of them.
 */
export function entryChangesFrom(work: UnitOfWork, entries: RawBuilder<unknown>): RawBuilder<unknown> {
  const rows = sql`
    SELECT e.id::text AS resource_id,
      CASE e.type WHEN 'receive' THEN 'stock.received' WHEN 'issue' THEN 'stock.issued' WHEN 'adjust' THEN 'stock.adjusted'
        ELSE 'stock.transferred' END AS event_type,
      'event' AS change_kind, '{}'::text[] AS changed_fields, '' AS etag, ${transactionJson} AS resource
    FROM (${entries}) AS e
    WHERE e.type IN ('receive', 'issue', 'adjust', 'transfer_out', 'transfer_in')`;
  return changesFrom(work, 'inventory_transaction', rows);
}

/**
 * `stock.reserved` for the reservations a statement opened (`reservations`, a SELECT of
 * reservation rows; with `perCallRequestIds`, also a `request_id` column: the correlation id of
 * the call each one answers, when one statement serves several calls).
 */
export function reservedChangesFrom(
  work: UnitOfWork,
  reservations: RawBuilder<unknown>,
  perCallRequestIds = false,
): RawBuilder<unknown> {
  const rows = sql`
    SELECT r.id::text AS resource_id, 'stock.reserved' AS event_type, 'event' AS change_kind, '{}'::text[] AS changed_fields,
      '"v' || r.version || '"' AS etag, ${reservationJson} AS resource${perCallRequestIds ? sql`, r.request_id` : sql``}
    FROM (${reservations}) AS r`;
  return changesFrom(work, 'reservation', rows, { rowsCarryRequestId: perCallRequestIds });
}
