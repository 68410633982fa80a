import { sql } from 'kysely';
import type { Lot } from '../../gen/ts/imsop/inventory/v1/resources.js';
import { textToDate } from '../platform/calendar-date.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { formatEtag } from '../platform/etag.js';
import { lotNotFound } from './depth-references.js';

/**
 * A lot as expiry lists and recall traces read it. Dates are read as 'YYYY-MM-DD' text (pg's
 * default parser would turn a `date` into a JS Date at local midnight, shifting the day west of
 * UTC), and `expired` is judged by the database's current_date, the clock expiry runs on.
 */
export const lotSelection = [
  'l.id',
  'l.product_id',
  'l.lot_number',
  sql<string | null>`l.manufactured_on::text`.as('manufactured_on'),
  sql<string | null>`l.expires_on::text`.as('expires_on'),
  'l.supplier_lot_reference',
  'l.note',
  sql<boolean>`coalesce(l.expires_on < current_date, false)`.as('expired'),
  'l.version',
  'l.created_at',
  'l.updated_at',
] as const;

export interface LotRow {
  id: string;
  product_id: string;
  lot_number: string;
  manufactured_on: string | null;
  expires_on: string | null;
  supplier_lot_reference: string;
  note: string;
  expired: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function toLotMessage(row: LotRow): Lot {
  return {
    id: row.id,
    productId: row.product_id,
    lotNumber: row.lot_number,
    manufactureDate: row.manufactured_on ? textToDate(row.manufactured_on) : undefined,
    expiryDate: row.expires_on ? textToDate(row.expires_on) : undefined,
    supplierLotReference: row.supplier_lot_reference,
    note: row.note,
    expired: row.expired,
    etag: formatEtag(row.version),
    createTime: row.created_at,
    updateTime: row.updated_at,
  };
}

/** @throws AppError NOT_FOUND `LOT_NOT_FOUND` (also for another organization's lot). */
export async function findLot(work: UnitOfWork, lotId: string, field = 'lot_id'): Promise<LotRow> {
  const row = await work.tx
    .selectFrom('lots as l')
    .select(lotSelection)
    .where('l.organization_id', '=', work.tenant.organizationId)
    .where('l.id', '=', lotId)
    .executeTakeFirst();
  if (!row) throw lotNotFound(field);
  return row;
}
