import { sql } from 'kysely';
import { SerialNumberStatus, type SerialNumber } from '../../gen/ts/imsop/inventory/v1/resources.js';
import {
  LotServiceService,
  type GetSerialNumberHistoryRequest,
  type GetSerialNumberHistoryResponse,
  type ListSerialNumbersRequest,
  type ListSerialNumbersResponse,
} from '../../gen/ts/imsop/inventory/v1/lot_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { enumMapping } from '../platform/enum-mapping.js';
import { alreadyExists, failedPrecondition, notFound } from '../platform/errors.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import { requireLotOf } from './depth-references.js';
import * as input from './input.js';
import { toTransaction, transactionColumns } from './mappers.js';
import { requireProduct, requireWarehouse } from './references.js';

/**
 * Serial numbers: one unit of a serial-tracked product each. A serial number is in the tenant's
 * stock at most once (unique per product; while `in_stock` or `reserved` it sits in one balance),
 * and every ledger entry that moves serial-tracked units names the serials it moved
 * (inventory_transaction_serials), so a serial's history is read from the ledger.
 *
 * The movements (receive, issue, reserve, transfer) call the functions below inside their unit of
 * work, after locking the level (the domain's lock order: levels, then what lies below them), so
 * the serials they pick stay where they were read until the movement commits.
 */

export const SERIAL_STATUS = enumMapping(
  {
    in_stock: SerialNumberStatus.SERIAL_NUMBER_STATUS_IN_STOCK,
    reserved: SerialNumberStatus.SERIAL_NUMBER_STATUS_RESERVED,
    issued: SerialNumberStatus.SERIAL_NUMBER_STATUS_ISSUED,
    in_transit: SerialNumberStatus.SERIAL_NUMBER_STATUS_IN_TRANSIT,
  },
  SerialNumberStatus.SERIAL_NUMBER_STATUS_UNSPECIFIED,
);

/** Serial numbers: letters, digits and . _ / : -, starting with a letter or digit, at most 100. */
const SERIAL = /^[A-Za-z0-9][A-Za-z0-9._/:-]{0,99}$/;

const serialColumns = [
  'id',
  'product_id',
  'serial_number',
  'lot_id',
  'status',
  'warehouse_id',
  'location_id',
  'reservation_id',
  'created_at',
  'updated_at',
] as const;

interface SerialRow {
  id: string;
  product_id: string;
  serial_number: string;
  lot_id: string | null;
  status: string;
  warehouse_id: string | null;
  location_id: string | null;
  reservation_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export function toSerialNumber(row: SerialRow): SerialNumber {
  return {
    id: row.id,
    productId: row.product_id,
    serialNumber: row.serial_number,
    lotId: row.lot_id ?? '',
    status: SERIAL_STATUS.toProto(row.status),
    warehouseId: row.warehouse_id ?? '',
    locationId: row.location_id ?? '',
    reservationId: row.reservation_id ?? '',
    createTime: row.created_at,
    updateTime: row.updated_at,
  };
}

/**
 * Validates the serial numbers of a request: well-formed, each once. The caller checks their
 * count against the quantity and the product's tracking (serialsForProduct).
 */
export function serialNumbers(v: Violations, field: string, values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.map((raw, i) => {
    const value = raw.trim();
    if (!SERIAL.test(value))
      v.add(`${field}[${i}]`, 'must be 1..100 letters, digits, . _ / : or -, starting with a letter or digit');
    else if (seen.has(value)) v.add(`${field}[${i}]`, 'is listed twice');
    seen.add(value);
    return value;
  });
}

/**
 * The rule every movement applies: serial-tracked products list exactly one serial number per
 * unit (receipts always; issues, reservations and transfers may instead leave the choice to the
 * service), other products list none.
 * @throws AppError FAILED_PRECONDITION `SERIAL_NUMBERS_REQUIRED` or `SERIAL_NUMBERS_NOT_TRACKED`;
 *   INVALID_ARGUMENT when the count differs from the quantity.
 */
export function serialsForProduct(
  product: { id: string; serial_tracked: boolean },
  serials: readonly string[],
  quantity: number,
  opts: { required: boolean; field?: string },
): void {
  const field = opts.field ?? 'serial_numbers';
  if (!product.serial_tracked) {
    if (serials.length > 0) {
      throw failedPrecondition(
        'SERIAL_NUMBERS_NOT_TRACKED',
        'The product is not serial-tracked: list no serial numbers.',
        {
          product_id: product.id,
        },
      );
    }
    return;
  }
  if (serials.length === 0 && opts.required) {
    throw failedPrecondition(
      'SERIAL_NUMBERS_REQUIRED',
      'The product is serial-tracked: list one serial number per unit.',
      { product_id: product.id },
    );
  }
  if (serials.length > 0 && serials.length !== quantity) {
    new Violations()
      .add(field, `must list exactly ${quantity} serial numbers (one per unit), not ${serials.length}`)
      .throwIfAny();
  }
}

/**
 * Puts received serial numbers into stock at one balance and ties them to the receipt's ledger
 * entry, in the receipt's unit of work. A serial number new to the product is created; one that
 * left stock before (issued) comes back; one in stock (or reserved, or in transit) is refused.
 * Two receipts of one serial number at once: the second waits on the first's row, then finds it
 * in stock and is refused (ALREADY_EXISTS), so it is in stock once.
 * @returns the serials' ids.
 * @throws AppError ALREADY_EXISTS `SERIAL_NUMBER_IN_STOCK`.
 */
export async function receiveSerials(
  work: UnitOfWork,
  r: {
    productId: string;
    lotId: string | null;
    warehouseId: string;
    locationId: string;
    serials: readonly string[];
    transactionId: string;
  },
): Promise<string[]> {
  if (r.serials.length === 0) return [];
  const org = work.tenant.organizationId;
  const { rows } = await sql<{ id: string; serial_number: string }>`
    INSERT INTO serial_numbers AS s (organization_id, product_id, serial_number, lot_id, status, warehouse_id, location_id)
    SELECT ${org}::uuid, ${r.productId}::uuid, n, ${r.lotId}::uuid, 'in_stock', ${r.warehouseId}::uuid, ${r.locationId}::uuid
    FROM unnest(${r.serials}::text[]) AS n
    ON CONFLICT (organization_id, product_id, serial_number) DO UPDATE
      SET status = 'in_stock', lot_id = excluded.lot_id, warehouse_id = excluded.warehouse_id,
        location_id = excluded.location_id, reservation_id = NULL, version = s.version + 1, updated_at = now()
      WHERE s.status = 'issued'
    RETURNING s.id, s.serial_number`.execute(work.tx);
  if (rows.length < r.serials.length) {
    const taken = new Set(rows.map((row) => row.serial_number));
    const first = r.serials.find((s) => !taken.has(s))!;
    throw alreadyExists('SERIAL_NUMBER_IN_STOCK', `Serial number ${first} is already in stock.`, {
      serial_number: first,
    });
  }
  await linkSerials(
    work,
    r.transactionId,
    rows.map((row) => row.id),
  );
  return rows.map((row) => row.id);
}

/** A serial picked for a movement: where it is, so the movement knows which balances it takes from. */
export interface PickedSerial {
  id: string;
  serial_number: string;
  location_id: string;
  lot_id: string | null;
}

/**
 * Picks in-stock serial numbers of a product at a warehouse for a movement, locking them: the
 * named ones (each must be in stock there, not reserved, and at `locationId` when given), or
 * else `quantity` of them first-expiry-first-out (lots expiring first, expired lots never, then
 * by location code and serial number). The caller holds the level's lock.
 * @throws AppError NOT_FOUND `SERIAL_NUMBER_NOT_FOUND`, FAILED_PRECONDITION
 *   `SERIAL_NUMBER_NOT_AVAILABLE` (named) or `INSUFFICIENT_STOCK` (too few to choose from).
 */
export async function pickSerials(
  work: UnitOfWork,
  p: {
    productId: string;
    warehouseId: string;
    locationId?: string;
    /** Only units of this lot (named ones must be of it). */
    lotId?: string;
    serials: readonly string[];
    quantity: number;
    /** Choose among units in any location and lot, held, damaged and expired ones too (MoveStock). */
    anyState?: boolean;
  },
): Promise<PickedSerial[]> {
  const org = work.tenant.organizationId;
  if (p.serials.length > 0) {
    const rows = await work.tx
      .selectFrom('serial_numbers')
      .select(['id', 'serial_number', 'status', 'warehouse_id', 'location_id', 'lot_id'])
      .where('organization_id', '=', org)
      .where('product_id', '=', p.productId)
      .where('serial_number', 'in', [...p.serials])
      .orderBy('serial_number')
      .forUpdate()
      .execute();
    const byNumber = new Map(rows.map((r) => [r.serial_number, r]));
    for (const serial of p.serials) {
      const row = byNumber.get(serial);
      if (!row) throw notFound('serial number', `Serial number ${serial} not found.`);
      const here =
        row.status === 'in_stock' &&
        row.warehouse_id === p.warehouseId &&
        (!p.locationId || row.location_id === p.locationId) &&
        (!p.lotId || row.lot_id === p.lotId);
      if (!here) {
        throw failedPrecondition(
          'SERIAL_NUMBER_NOT_AVAILABLE',
          `Serial number ${serial} is not available here (it is ${row.status}${row.status === 'in_stock' ? ' elsewhere' : ''}).`,
          { serial_number: serial, status: row.status },
        );
      }
    }
    return p.serials.map((s) => {
      const row = byNumber.get(s)!;
      return { id: row.id, serial_number: row.serial_number, location_id: row.location_id!, lot_id: row.lot_id };
    });
  }
  let query = work.tx
    .selectFrom('serial_numbers as s')
    .innerJoin('locations as loc', (j) =>
      j.onRef('loc.organization_id', '=', 's.organization_id').onRef('loc.id', '=', 's.location_id'),
    )
    .leftJoin('lots as l', (j) => j.onRef('l.organization_id', '=', 's.organization_id').onRef('l.id', '=', 's.lot_id'))
    .select(['s.id', 's.serial_number', 's.location_id', 's.lot_id'])
    .where('s.organization_id', '=', org)
    .where('s.product_id', '=', p.productId)
    .where('s.warehouse_id', '=', p.warehouseId)
    .where('s.status', '=', 'in_stock');
  if (!p.anyState) {
    query = query
      .where('loc.type', 'not in', ['hold', 'damaged'])
      .where(sql<boolean>`(l.expires_on IS NULL OR l.expires_on >= current_date)`);
  }
  if (p.locationId) query = query.where('s.location_id', '=', p.locationId);
  if (p.lotId) query = query.where('s.lot_id', '=', p.lotId);
  const rows = await query
    .orderBy(sql`l.expires_on`, sql`ASC NULLS LAST`)
    .orderBy('loc.code')
    .orderBy('s.serial_number')
    .limit(p.quantity)
    .forUpdate('s')
    .execute();
  if (rows.length < p.quantity) {
    throw failedPrecondition(
      'INSUFFICIENT_STOCK',
      `Not enough stock: ${p.quantity} requested, ${rows.length} serial-numbered units available here.`,
      {
        available: String(rows.length),
        requested: String(p.quantity),
        warehouse_id: p.warehouseId,
        product_id: p.productId,
      },
    );
  }
  return rows.map((r) => ({ ...r, location_id: r.location_id! }));
}

/**
 * Moves picked serial numbers to their new state after the movement's ledger entries are
 * written, and ties each to the entry of the balance it left (`entryOf(location, lot)`).
 */
export async function settleSerials(
  work: UnitOfWork,
  picked: readonly PickedSerial[],
  to:
    | { status: 'issued' | 'in_transit' }
    | { status: 'reserved'; reservationId: string }
    | { status: 'in_stock'; warehouseId: string; locationId: string },
  entryOf: (locationId: string, lotId: string | null) => string,
): Promise<void> {
  if (picked.length === 0) return;
  const ids = picked.map((s) => s.id);
  await work.tx
    .updateTable('serial_numbers')
    .set({
      status: to.status,
      reservation_id: to.status === 'reserved' ? to.reservationId : null,
      ...(to.status === 'in_stock'
        ? { warehouse_id: to.warehouseId, location_id: to.locationId }
        : to.status === 'reserved'
          ? {}
          : { warehouse_id: null, location_id: null }),
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('organization_id', '=', work.tenant.organizationId)
    .where('id', 'in', ids)
    .execute();
  const byEntry = new Map<string, string[]>();
  for (const s of picked) {
    const entry = entryOf(s.location_id, s.lot_id);
    byEntry.set(entry, [...(byEntry.get(entry) ?? []), s.id]);
  }
  for (const [entry, serialIds] of byEntry) await linkSerials(work, entry, serialIds);
}

/** Ties serial numbers to the ledger entry that moved them (their history). */
export async function linkSerials(
  work: UnitOfWork,
  transactionId: string,
  serialIds: readonly string[],
): Promise<void> {
  if (serialIds.length === 0) return;
  await work.tx
    .insertInto('inventory_transaction_serials')
    .values(
      serialIds.map((id) => ({
        organization_id: work.tenant.organizationId,
        transaction_id: transactionId,
        serial_number_id: id,
      })),
    )
    .execute();
}

/** ListSerialNumbers and GetSerialNumberHistory. */
export class SerialNumbers {
  constructor(private readonly app: AppContext) {}

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND when a filter names a missing product, warehouse or lot. */
  async list(scope: TenantScope, request: ListSerialNumbersRequest): Promise<ListSerialNumbersResponse> {
    const v = new Violations();
    const limit = resolvePageSize(request.pageSize);
    const productId = input.id(v, 'product_id', request.productId);
    const warehouseId = input.optionalId(v, 'warehouse_id', request.warehouseId);
    const lotId = input.optionalId(v, 'lot_id', request.lotId);
    let status: string | undefined;
    if (request.status !== SerialNumberStatus.SERIAL_NUMBER_STATUS_UNSPECIFIED) {
      status = SERIAL_STATUS.fromProto(request.status);
      if (!status) v.add('status', 'is not a known serial number status');
    }
    v.throwIfAny();
    const org = scope.organizationId;
    const filter = { productId, warehouseId: warehouseId || undefined, lotId: lotId || undefined, status };
    const binding = { organizationId: org, method: LotServiceService.listSerialNumbers.path, filter };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['text']);
    const rows = await this.app.db.inTenant(scope, async (work) => {
      await requireProduct(work, productId);
      if (filter.warehouseId) await requireWarehouse(work, filter.warehouseId);
      if (filter.lotId) await requireLotOf(work, productId, filter.lotId, 'lot_id');
      let query = work.tx
        .selectFrom('serial_numbers')
        .select(serialColumns)
        .where('organization_id', '=', org)
        .where('product_id', '=', productId);
      if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
      if (filter.lotId) query = query.where('lot_id', '=', filter.lotId);
      if (filter.status) query = query.where('status', '=', filter.status);
      if (after) query = query.where('serial_number', '>', after[0]);
      return query
        .orderBy('serial_number')
        .limit(limit + 1)
        .execute();
    });
    const page = this.app.pageTokens.page(rows, limit, binding, (r) => [r.serial_number]);
    return { serialNumbers: page.items.map(toSerialNumber), nextPageToken: page.nextPageToken };
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND (PRODUCT_NOT_FOUND, SERIAL_NUMBER_NOT_FOUND). */
  async history(scope: TenantScope, request: GetSerialNumberHistoryRequest): Promise<GetSerialNumberHistoryResponse> {
    const v = new Violations();
    const id = input.optionalId(v, 'serial_number_id', request.serialNumberId);
    const productId = input.optionalId(v, 'product_id', request.productId);
    const number = request.serialNumber.trim();
    if (!id) {
      if (!productId) v.add('product_id', 'is required when serial_number_id is not given');
      if (!number) v.add('serial_number', 'is required when serial_number_id is not given');
    } else if (productId || number) {
      v.add('serial_number_id', 'give either serial_number_id, or product_id and serial_number, not both');
    }
    v.throwIfAny();
    return this.app.db.inTenant(scope, async (work) => {
      const org = work.tenant.organizationId;
      if (!id) await requireProduct(work, productId);
      let query = work.tx.selectFrom('serial_numbers').select(serialColumns).where('organization_id', '=', org);
      query = id
        ? query.where('id', '=', id)
        : query.where('product_id', '=', productId).where('serial_number', '=', number);
      const serial = await query.executeTakeFirst();
      if (!serial) throw notFound('serial number');
      const entries = await work.tx
        .selectFrom('inventory_transaction_serials as ts')
        .innerJoin('inventory_transactions as t', (j) =>
          j.onRef('t.organization_id', '=', 'ts.organization_id').onRef('t.id', '=', 'ts.transaction_id'),
        )
        .select(transactionColumns.map((c) => `t.${c}` as const))
        .where('ts.organization_id', '=', org)
        .where('ts.serial_number_id', '=', serial.id)
        .orderBy('t.created_at')
        .orderBy('t.id')
        .execute();
      return {
        serialNumber: toSerialNumber(serial),
        history: entries.map((e) => ({ ...toTransaction(e), serialNumbers: [serial.serial_number] })),
      };
    });
  }
}
