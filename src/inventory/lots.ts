import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DateMessage } from '../../gen/ts/google/type/date.js';
import {
  LotServiceService,
  type CreateLotRequest,
  type CreateLotResponse,
  type GetLotRequest,
  type GetLotResponse,
  type ListLotsRequest,
  type ListLotsResponse,
} from '../../gen/ts/imsop/inventory/v1/lot_service.js';
import { Lot } from '../../gen/ts/imsop/inventory/v1/resources.js';
import type { AppContext } from '../platform/app-context.js';
import { recordChange, type ChangeRecord } from '../platform/change-feed/record-change.js';
import { dateToText } from '../platform/calendar-date.js';
import type { TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { alreadyExists, AppError, failedPrecondition, GrpcStatus, notFound } from '../platform/errors.js';
import { formatEtag } from '../platform/etag.js';
import { mutation, wireMethod } from '../platform/mutation.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import * as input from './input.js';
import { toLotMessage, type LotRow } from './lot-rows.js';
import { requireProduct, type ProductRef } from './references.js';

/**
 * Lots of lot-tracked products: created by CreateLot or by a receipt naming a new lot number.
 * A lot is expired once its expiry date has passed (by the database's current_date, the clock
 * every expiry judgement uses).
 */

const LOT_NUMBER = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

/** The lot columns every read selects; dates as 'YYYY-MM-DD' text (see calendar-date.ts). */
export const lotSelection = [
  'id',
  'product_id',
  'lot_number',
  sql<string | null>`to_char(manufactured_on, 'YYYY-MM-DD')`.as('manufactured_on'),
  sql<string | null>`to_char(expires_on, 'YYYY-MM-DD')`.as('expires_on'),
  'supplier_lot_reference',
  'note',
  sql<boolean>`coalesce(expires_on < current_date, false)`.as('expired'),
  'version',
  'created_at',
  'updated_at',
] as const;

/** `lot.created`: by CreateLot, or by the receipt that named a new lot number. */
export function lotCreated(row: LotRow): ChangeRecord {
  return {
    resourceType: 'lot',
    resourceId: row.id,
    eventType: 'lot.created',
    changeKind: 'created',
    etag: formatEtag(row.version),
    resource: Lot.toJSON(toLotMessage(row)) as Record<string, unknown>,
  };
}

/** A lot of the organization, of `productId` when given. @throws AppError NOT_FOUND `LOT_NOT_FOUND`. */
export async function requireLot(work: UnitOfWork, lotId: string, productId?: string, field?: string): Promise<LotRow> {
  let query = work.tx
    .selectFrom('lots')
    .select(lotSelection)
    .where('organization_id', '=', work.tenant.organizationId)
    .where('id', '=', lotId);
  if (productId) query = query.where('product_id', '=', productId);
  const row = (await query.executeTakeFirst()) as LotRow | undefined;
  if (!row) throw lotNotFound(field);
  return row;
}

export const lotNotFound = (field?: string) =>
  field
    ? new AppError(GrpcStatus.NOT_FOUND, 'LOT_NOT_FOUND', `${field} names no lot of this product.`, {
        metadata: { resource: 'lot', field },
      })
    : notFound('lot');

/** Tracking of a product, as a movement needs it. */
export interface Tracking {
  lot_tracked: boolean;
  serial_tracked: boolean;
}

/** @throws AppError FAILED_PRECONDITION `LOT_NOT_TRACKED`. */
export function assertLotTracked(product: ProductRef & Tracking): void {
  if (!product.lot_tracked)
    throw failedPrecondition('LOT_NOT_TRACKED', `Product ${product.sku} is not lot-tracked: name no lots.`, {
      product_id: product.id,
    });
}

/** @throws AppError FAILED_PRECONDITION `LOT_REQUIRED`. */
export function lotRequired(product: ProductRef): AppError {
  return failedPrecondition('LOT_REQUIRED', `Product ${product.sku} is lot-tracked: name the lot.`, {
    product_id: product.id,
  });
}

/** A receipt's lot, validated (field names under `prefix`). */
export interface ReceiptLotInput {
  lotId?: string;
  lotNumber?: string;
  manufacturedOn?: string;
  expiresOn?: string;
  supplierLotReference: string;
}

export function receiptLotInput(
  v: Violations,
  prefix: string,
  lot:
    | {
        lotId?: string;
        lotNumber?: string;
        manufactureDate?: DateMessage;
        expiryDate?: DateMessage;
        supplierLotReference?: string;
      }
    | undefined,
): ReceiptLotInput | undefined {
  if (!lot) return undefined;
  const lotId = input.optionalId(v, `${prefix}.lot_id`, lot.lotId);
  const lotNumber = (lot.lotNumber ?? '').trim();
  if (!lotId && !lotNumber) {
    v.add(`${prefix}.lot_number`, 'is required (or lot_id)');
    return undefined;
  }
  if (lotId && lotNumber) v.add(`${prefix}.lot_id`, 'must not be set together with lot_number');
  if (lotNumber && !LOT_NUMBER.test(lotNumber))
    v.add(
      `${prefix}.lot_number`,
      "must be 1-64 characters of letters, digits, '.', '_', '/' or '-', starting with a letter or digit",
    );
  const manufacturedOn = lot.manufactureDate
    ? dateToText(v, `${prefix}.manufacture_date`, lot.manufactureDate)
    : undefined;
  const expiresOn = lot.expiryDate ? dateToText(v, `${prefix}.expiry_date`, lot.expiryDate) : undefined;
  if (manufacturedOn && expiresOn && manufacturedOn > expiresOn)
    v.add(`${prefix}.expiry_date`, 'must not be before manufacture_date');
  const supplierLotReference = (lot.supplierLotReference ?? '').trim();
  v.maxChars(`${prefix}.supplier_lot_reference`, supplierLotReference, 200);
  return {
    lotId: lotId || undefined,
    lotNumber: lotNumber || undefined,
    manufacturedOn,
    expiresOn,
    supplierLotReference,
  };
}

/**
 * The lot a receipt books to: the named one, or the product's lot with this number, created
 * (with the receipt's dates) when it has none. Two receipts creating the same new lot at once
 * meet on the unique (product, lot number) and both book to the one lot.
 * @throws AppError NOT_FOUND `LOT_NOT_FOUND`, FAILED_PRECONDITION `LOT_DATES_MISMATCH`.
 */
export async function resolveReceiptLot(work: UnitOfWork, productId: string, lot: ReceiptLotInput): Promise<LotRow> {
  if (lot.lotId) return requireLot(work, lot.lotId, productId, 'lot.lot_id');
  const org = work.tenant.organizationId;
  const created = await work.tx
    .insertInto('lots')
    .values({
      organization_id: org,
      id: randomUUID(),
      product_id: productId,
      lot_number: lot.lotNumber!,
      manufactured_on: lot.manufacturedOn ?? null,
      expires_on: lot.expiresOn ?? null,
      supplier_lot_reference: lot.supplierLotReference,
    })
    .onConflict((oc) => oc.columns(['organization_id', 'product_id', 'lot_number']).doNothing())
    .returning('id')
    .executeTakeFirst();
  const row = (await work.tx
    .selectFrom('lots')
    .select(lotSelection)
    .where('organization_id', '=', org)
    .where('product_id', '=', productId)
    .where('lot_number', '=', lot.lotNumber!)
    .executeTakeFirstOrThrow()) as LotRow;
  // The receipt made the lot: its event, before the movement takes the level's lock (a receipt
  // refused later rolls both back).
  if (created) await recordChange(work, lotCreated(row));
  const differs =
    (lot.expiresOn !== undefined && lot.expiresOn !== row.expires_on) ||
    (lot.manufacturedOn !== undefined && lot.manufacturedOn !== row.manufactured_on);
  if (differs) {
    throw failedPrecondition(
      'LOT_DATES_MISMATCH',
      `Lot ${row.lot_number} exists with other dates (manufactured ${row.manufactured_on ?? 'unset'}, expires ${row.expires_on ?? 'unset'}).`,
      { lot_id: row.id },
    );
  }
  return row;
}

/** Lots: create, read (with the stock of the lot), list a product's. */
export class LotRegistry {
  constructor(private readonly app: AppContext) {}

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS `LOT_NUMBER_TAKEN`, FAILED_PRECONDITION `LOT_NOT_TRACKED`. */
  async create(scope: TenantScope, request: CreateLotRequest): Promise<CreateLotResponse> {
    const v = new Violations();
    const productId = input.id(v, 'lot.product_id', request.lot?.productId);
    const lot = receiptLotInput(v, 'lot', {
      lotNumber: request.lot?.lotNumber ?? '',
      manufactureDate: request.lot?.manufactureDate,
      expiryDate: request.lot?.expiryDate,
      supplierLotReference: request.lot?.supplierLotReference,
    });
    if (!request.lot) v.add('lot', 'is required');
    const note = input.text(v, 'lot.note', request.lot?.note ?? '', 1000);
    v.throwIfAny();
    const org = scope.organizationId;
    return mutation(this.app.db, scope, wireMethod(LotServiceService.createLot), request, async (work) => {
      const product = await requireProduct(work, productId);
      assertLotTracked(product);
      const inserted = await work.tx
        .insertInto('lots')
        .values({
          organization_id: org,
          id: randomUUID(),
          product_id: productId,
          lot_number: lot!.lotNumber!,
          manufactured_on: lot!.manufacturedOn ?? null,
          expires_on: lot!.expiresOn ?? null,
          supplier_lot_reference: lot!.supplierLotReference,
          note,
        })
        .onConflict((oc) => oc.columns(['organization_id', 'product_id', 'lot_number']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted)
        throw alreadyExists('LOT_NUMBER_TAKEN', `Product ${product.sku} already has lot ${lot!.lotNumber}.`, {
          lot_number: lot!.lotNumber!,
        });
      const row = await requireLot(work, inserted.id);
      await recordChange(work, lotCreated(row));
      return { lot: toLotMessage(row) };
    });
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND `LOT_NOT_FOUND`. */
  async get(scope: TenantScope, request: GetLotRequest): Promise<GetLotResponse> {
    const v = new Violations();
    const id = input.id(v, 'lot_id', request.lotId);
    v.throwIfAny();
    const org = scope.organizationId;
    return this.app.db.inTenant(scope, async (work) => {
      const lot = await requireLot(work, id);
      const totals = await work.tx
        .selectFrom('stock_balances')
        .select([
          sql<string>`coalesce(sum(quantity_on_hand), 0)::text`.as('on_hand'),
          sql<string>`coalesce(sum(quantity_reserved), 0)::text`.as('reserved'),
        ])
        .where('organization_id', '=', org)
        .where('lot_id', '=', id)
        .executeTakeFirstOrThrow();
      return {
        lot: toLotMessage(lot),
        quantityOnHand: Number(totals.on_hand),
        quantityReserved: Number(totals.reserved),
      };
    });
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND `PRODUCT_NOT_FOUND`. */
  async list(scope: TenantScope, request: ListLotsRequest): Promise<ListLotsResponse> {
    const v = new Violations();
    const limit = resolvePageSize(request.pageSize);
    const productId = input.id(v, 'product_id', request.productId);
    v.throwIfAny();
    const org = scope.organizationId;
    const binding = { organizationId: org, method: LotServiceService.listLots.path, filter: { productId } };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['text']);
    const rows = await this.app.db.inTenant(scope, async (work) => {
      await requireProduct(work, productId);
      let query = work.tx
        .selectFrom('lots')
        .select(lotSelection)
        .where('organization_id', '=', org)
        .where('product_id', '=', productId);
      if (after) query = query.where('lot_number', '>', after[0]);
      return (await query
        .orderBy('lot_number')
        .limit(limit + 1)
        .execute()) as LotRow[];
    });
    const page = this.app.pageTokens.page(rows, limit, binding, (r) => [r.lot_number]);
    return { lots: page.items.map(toLotMessage), nextPageToken: page.nextPageToken };
  }
}
