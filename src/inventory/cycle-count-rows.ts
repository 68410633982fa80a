import {
  AdjustmentReason,
  CycleCountStatus,
  type CycleCount,
  type CycleCountLine,
} from '../../gen/ts/imsop/inventory/v1/resources.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { enumMapping } from '../platform/enum-mapping.js';
import { notFound } from '../platform/errors.js';
import { formatEtag } from '../platform/etag.js';
import { ADJUSTMENT_REASON } from './mappers.js';

/** Reading cycle counts and their lines, and showing them (blind counts hide what was expected). */

export const CYCLE_COUNT_STATUS = enumMapping(
  {
    open: CycleCountStatus.CYCLE_COUNT_STATUS_OPEN,
    posted: CycleCountStatus.CYCLE_COUNT_STATUS_POSTED,
    cancelled: CycleCountStatus.CYCLE_COUNT_STATUS_CANCELLED,
  },
  CycleCountStatus.CYCLE_COUNT_STATUS_UNSPECIFIED,
);

export const cycleCountColumns = [
  'id',
  'warehouse_id',
  'location_id',
  'status',
  'blind',
  'note',
  'created_by',
  'version',
  'created_at',
  'posted_at',
] as const;

export const lineColumns = [
  'line_number',
  'product_id',
  'lot_id',
  'expected_quantity',
  'counted_quantity',
  'booked_quantity',
  'reason',
  'note',
  'transaction_id',
] as const;

export interface CycleCountRow {
  id: string;
  warehouse_id: string;
  location_id: string;
  status: string;
  blind: boolean;
  note: string;
  created_by: string | null;
  version: number;
  created_at: Date;
  posted_at: Date | null;
}

export interface CycleCountLineRow {
  line_number: number;
  product_id: string;
  lot_id: string | null;
  expected_quantity: number;
  counted_quantity: number | null;
  booked_quantity: number | null;
  reason: string | null;
  note: string;
  transaction_id: string | null;
}

/** NOT_FOUND `CYCLE_COUNT_NOT_FOUND`: missing, or another organization's. */
export const cycleCountNotFound = () => notFound('cycle count');

/**
 * The count, optionally locked (FOR UPDATE: entering and posting serialise per count).
 * @throws AppError NOT_FOUND `CYCLE_COUNT_NOT_FOUND`.
 */
export async function findCycleCount(work: UnitOfWork, id: string, lock: boolean): Promise<CycleCountRow> {
  let query = work.tx
    .selectFrom('cycle_counts')
    .select(cycleCountColumns)
    .where('organization_id', '=', work.tenant.organizationId)
    .where('id', '=', id);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw cycleCountNotFound();
  return row;
}

export function loadLines(work: UnitOfWork, cycleCountId: string): Promise<CycleCountLineRow[]> {
  return work.tx
    .selectFrom('cycle_count_lines')
    .select(lineColumns)
    .where('organization_id', '=', work.tenant.organizationId)
    .where('cycle_count_id', '=', cycleCountId)
    .orderBy('line_number')
    .execute();
}

/**
 * The count as the API shows it. While a blind count is open, nothing that tells what the books
 * say is shown: neither the expected quantity nor a variance.
 */
export function toCycleCount(row: CycleCountRow, lines: CycleCountLineRow[]): CycleCount {
  const hidden = row.blind && row.status === 'open';
  return {
    id: row.id,
    warehouseId: row.warehouse_id,
    locationId: row.location_id,
    status: CYCLE_COUNT_STATUS.toProto(row.status),
    blind: row.blind,
    note: row.note,
    lines: lines.map((line) => toLine(line, hidden, row.status === 'posted')),
    createdBy: row.created_by ?? '',
    etag: formatEtag(row.version),
    createTime: row.created_at,
    postTime: row.posted_at ?? undefined,
  };
}

function toLine(line: CycleCountLineRow, hidden: boolean, posted: boolean): CycleCountLine {
  const counted = line.counted_quantity ?? undefined;
  return {
    lineNumber: line.line_number,
    productId: line.product_id,
    lotId: line.lot_id ?? '',
    expectedQuantity: hidden ? undefined : line.expected_quantity,
    countedQuantity: counted,
    variance:
      posted && counted !== undefined && line.booked_quantity !== null ? counted - line.booked_quantity : undefined,
    reason:
      counted === undefined
        ? AdjustmentReason.ADJUSTMENT_REASON_UNSPECIFIED
        : ADJUSTMENT_REASON.toProto(line.reason ?? 'cycle_count'),
    transactionId: line.transaction_id ?? '',
  };
}
