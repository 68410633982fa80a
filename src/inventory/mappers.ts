import type { PostalAddress } from '../../gen/ts/google/type/postal_address.js';
import {
  AdjustmentReason,
  InventoryTransactionType,
  ProductStatus,
  ReservationStatus,
  WarehouseStatus,
  type InventoryTransaction,
  type Product,
  type Reservation,
  type ReservationAllocation,
  type StockLevel,
  type Warehouse,
} from '../../gen/ts/imsop/inventory/v1/resources.js';
import type { SelectedRow } from '../platform/db/table-row.js';
import { enumMapping } from '../platform/enum-mapping.js';
import { formatEtag } from '../platform/etag.js';
import { decimalToMoney } from '../platform/money.js';

/**
 * Database rows <-> proto resources. The column lists are what every query selects (no
 * `SELECT *`); the row interfaces are the shapes those selections produce.
 */

export const productColumns = [
  'id',
  'sku',
  'name',
  'description',
  'unit_of_measure',
  'unit_cost',
  'unit_cost_currency',
  'selling_price',
  'selling_price_currency',
  'reorder_point',
  'reorder_quantity',
  'supplier_id',
  'status',
  'lot_tracked',
  'serial_tracked',
  'version',
  'created_at',
  'updated_at',
] as const;

export type ProductRow = SelectedRow<'products', typeof productColumns>;

export const warehouseColumns = [
  'id',
  'code',
  'name',
  'address',
  'capacity_units',
  'manager_user_id',
  'status',
  'version',
  'created_at',
  'updated_at',
] as const;

export type WarehouseRow = SelectedRow<'warehouses', typeof warehouseColumns>;

export const stockLevelColumns = [
  'warehouse_id',
  'product_id',
  'quantity_on_hand',
  'quantity_reserved',
  'quantity_available',
  'quantity_on_hold',
  'quantity_damaged',
  'reorder_point',
  'reorder_point_overridden',
  'version',
  'updated_at',
] as const;

/** updated_at is null for a level that has never moved (no inventory row yet, see stock-levels.ts). */
export type StockLevelRow = Omit<SelectedRow<'inventory', typeof stockLevelColumns>, 'updated_at'> & {
  updated_at: Date | null;
};

export const transactionColumns = [
  'id',
  'warehouse_id',
  'product_id',
  'type',
  'on_hand_delta',
  'reserved_delta',
  'on_hand_after',
  'reserved_after',
  'reason',
  'counted_quantity',
  'note',
  'reference',
  'reservation_id',
  'transfer_id',
  'actor_id',
  'created_at',
  'location_id',
  'lot_id',
  'cycle_count_id',
] as const;

export type TransactionRow = SelectedRow<'inventory_transactions', typeof transactionColumns>;

export const reservationColumns = [
  'id',
  'warehouse_id',
  'product_id',
  'quantity',
  'status',
  'expire_time',
  'reference',
  'created_by',
  'version',
  'created_at',
  'updated_at',
  'closed_at',
] as const;

export type ReservationRow = SelectedRow<'reservations', typeof reservationColumns>;

export const PRODUCT_STATUS = enumMapping(
  {
    active: ProductStatus.PRODUCT_STATUS_ACTIVE,
    discontinued: ProductStatus.PRODUCT_STATUS_DISCONTINUED,
    archived: ProductStatus.PRODUCT_STATUS_ARCHIVED,
  },
  ProductStatus.PRODUCT_STATUS_UNSPECIFIED,
);

export const WAREHOUSE_STATUS = enumMapping(
  {
    active: WarehouseStatus.WAREHOUSE_STATUS_ACTIVE,
    inactive: WarehouseStatus.WAREHOUSE_STATUS_INACTIVE,
  },
  WarehouseStatus.WAREHOUSE_STATUS_UNSPECIFIED,
);

export const TRANSACTION_TYPE = enumMapping(
  {
    receive: InventoryTransactionType.INVENTORY_TRANSACTION_TYPE_RECEIVE,
    issue: InventoryTransactionType.INVENTORY_TRANSACTION_TYPE_ISSUE,
    adjust: InventoryTransactionType.INVENTORY_TRANSACTION_TYPE_ADJUST,
    transfer_out: InventoryTransactionType.INVENTORY_TRANSACTION_TYPE_TRANSFER_OUT,
    transfer_in: InventoryTransactionType.INVENTORY_TRANSACTION_TYPE_TRANSFER_IN,
    move_out: InventoryTransactionType.INVENTORY_TRANSACTION_TYPE_MOVE_OUT,
    move_in: InventoryTransactionType.INVENTORY_TRANSACTION_TYPE_MOVE_IN,
    reserve: InventoryTransactionType.INVENTORY_TRANSACTION_TYPE_RESERVE,
    release: InventoryTransactionType.INVENTORY_TRANSACTION_TYPE_RELEASE,
    expire: InventoryTransactionType.INVENTORY_TRANSACTION_TYPE_EXPIRE,
  },
  InventoryTransactionType.INVENTORY_TRANSACTION_TYPE_UNSPECIFIED,
);

export const ADJUSTMENT_REASON = enumMapping(
  {
    cycle_count: AdjustmentReason.ADJUSTMENT_REASON_CYCLE_COUNT,
    damaged: AdjustmentReason.ADJUSTMENT_REASON_DAMAGED,
    lost: AdjustmentReason.ADJUSTMENT_REASON_LOST,
    found: AdjustmentReason.ADJUSTMENT_REASON_FOUND,
    expired_goods: AdjustmentReason.ADJUSTMENT_REASON_EXPIRED_GOODS,
    correction: AdjustmentReason.ADJUSTMENT_REASON_CORRECTION,
    returned: AdjustmentReason.ADJUSTMENT_REASON_RETURNED,
  },
  AdjustmentReason.ADJUSTMENT_REASON_UNSPECIFIED,
);

export const RESERVATION_STATUS = enumMapping(
  {
    active: ReservationStatus.RESERVATION_STATUS_ACTIVE,
    released: ReservationStatus.RESERVATION_STATUS_RELEASED,
    expired: ReservationStatus.RESERVATION_STATUS_EXPIRED,
    fulfilled: ReservationStatus.RESERVATION_STATUS_FULFILLED,
  },
  ReservationStatus.RESERVATION_STATUS_UNSPECIFIED,
);

export function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    unitOfMeasure: row.unit_of_measure,
    unitCost:
      row.unit_cost !== null && row.unit_cost_currency !== null
        ? decimalToMoney(row.unit_cost, row.unit_cost_currency)
        : undefined,
    sellingPrice:
      row.selling_price !== null && row.selling_price_currency !== null
        ? decimalToMoney(row.selling_price, row.selling_price_currency)
        : undefined,
    reorderPoint: row.reorder_point,
    reorderQuantity: row.reorder_quantity,
    status: PRODUCT_STATUS.toProto(row.status),
    supplierId: row.supplier_id ?? '',
    etag: formatEtag(row.version),
    createTime: row.created_at,
    updateTime: row.updated_at,
    lotTracked: row.lot_tracked,
    serialTracked: row.serial_tracked,
  };
}

export function toWarehouse(row: WarehouseRow): Warehouse {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    address: toPostalAddress(row.address),
    capacityUnits: row.capacity_units ?? 0,
    managerUserId: row.manager_user_id ?? '',
    status: WAREHOUSE_STATUS.toProto(row.status),
    etag: formatEtag(row.version),
    createTime: row.created_at,
    updateTime: row.updated_at,
  };
}

/** The stored address JSON (see warehouse-directory.ts) back to a PostalAddress; {} is "none". */
function toPostalAddress(json: unknown): PostalAddress | undefined {
  const a = (json ?? {}) as Partial<Record<keyof PostalAddress, unknown>>;
  if (typeof a.regionCode !== 'string' || a.regionCode === '') return undefined;
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  const list = (x: unknown) => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
  return {
    revision: 0,
    regionCode: a.regionCode,
    languageCode: str(a.languageCode),
    postalCode: str(a.postalCode),
    sortingCode: str(a.sortingCode),
    administrativeArea: str(a.administrativeArea),
    locality: str(a.locality),
    sublocality: str(a.sublocality),
    addressLines: list(a.addressLines),
    recipients: list(a.recipients),
    organization: str(a.organization),
  };
}

export function toStockLevel(row: StockLevelRow): StockLevel {
  const available =
    row.quantity_available ??
    row.quantity_on_hand - row.quantity_reserved - row.quantity_on_hold - row.quantity_damaged;
  return {
    warehouseId: row.warehouse_id,
    productId: row.product_id,
    quantityOnHand: row.quantity_on_hand,
    quantityReserved: row.quantity_reserved,
    quantityAvailable: available,
    reorderPoint: row.reorder_point,
    reorderPointOverridden: row.reorder_point_overridden,
    lowStock: available <= row.reorder_point,
    etag: formatEtag(row.version),
    updateTime: row.updated_at ?? undefined,
    quantityOnHold: row.quantity_on_hold,
    quantityDamaged: row.quantity_damaged,
    quantityInTransit: 0,
    quantityIncoming: 0,
  };
}

export function toTransaction(row: TransactionRow): InventoryTransaction {
  return {
    id: row.id,
    warehouseId: row.warehouse_id,
    productId: row.product_id,
    type: TRANSACTION_TYPE.toProto(row.type),
    onHandDelta: row.on_hand_delta,
    reservedDelta: row.reserved_delta,
    onHandAfter: row.on_hand_after,
    reservedAfter: row.reserved_after,
    reason: ADJUSTMENT_REASON.toProto(row.reason),
    countedQuantity: row.counted_quantity ?? undefined,
    note: row.note,
    reference: row.reference,
    reservationId: row.reservation_id ?? '',
    transferId: row.transfer_id ?? '',
    actorId: row.actor_id ?? '',
    createTime: row.created_at,
    locationId: row.location_id,
    lotId: row.lot_id ?? '',
    serialNumbers: [],
    cycleCountId: row.cycle_count_id ?? '',
  };
}

export function toReservation(row: ReservationRow, allocations: ReservationAllocation[] = []): Reservation {
  return {
    id: row.id,
    warehouseId: row.warehouse_id,
    productId: row.product_id,
    quantity: row.quantity,
    status: RESERVATION_STATUS.toProto(row.status),
    expireTime: row.expire_time ?? undefined,
    reference: row.reference,
    createdBy: row.created_by ?? '',
    etag: formatEtag(row.version),
    createTime: row.created_at,
    updateTime: row.updated_at,
    closeTime: row.closed_at ?? undefined,
    allocations,
  };
}
