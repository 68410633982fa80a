import { Lot } from '../../gen/ts/imsop/inventory/v1/resources.js';
import { recordChange } from '../platform/change-feed/record-change.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { formatEtag } from '../platform/etag.js';
import { toLotMessage, type LotRow } from './lot-rows.js';
import { recordEvent } from '../platform/outbox/record-event.js';

/** What the service tells about a lot that passed its expiry date. */
export interface LotExpired {
  lotId: string;
  productId: string;
  lotNumber: string;
  /** 'YYYY-MM-DD', the last day the lot could be used. */
  expiryDate: string;
  /** Units the expiry task moved into the hold location (0 when the lot had none available). */
  quantityMovedToHold: number;
}

/**
 * Records that a lot expired, in the expiry task's unit of work (with the stock it moved to
 * hold): the change feed's `lot.expired` about the lot (`row`, the lot as it is now), and the
 * outbox event `inventory.lot_expired` with how much went to hold, as every movement writes both.
 */
export async function recordLotExpired(work: UnitOfWork, row: LotRow, lot: LotExpired): Promise<void> {
  await recordChange(work, {
    resourceType: 'lot',
    resourceId: row.id,
    eventType: 'lot.expired',
    changeKind: 'event',
    etag: formatEtag(row.version),
    resource: Lot.toJSON(toLotMessage(row)) as Record<string, unknown>,
  });
  await recordEvent(work, {
    type: 'inventory.lot_expired',
    entityId: lot.lotId,
    metadata: {
      product_id: lot.productId,
      lot_number: lot.lotNumber,
      expiry_date: lot.expiryDate,
      quantity_moved_to_hold: lot.quantityMovedToHold,
    },
  });
}
