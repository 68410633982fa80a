import type { UnitOfWork } from '../platform/db/unit-of-work.js';
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
 * hold), as the outbox event `inventory.lot_expired` about the lot.
 *
 * The one seam for the lot.expired change: when the change feed (imsop.events.v1, branch `feed`)
 * is in, this is where its `lot.expired` change is recorded too (its recordChange, same unit of
 * work); nothing else in the expiry task needs to change.
 */
export async function recordLotExpired(work: UnitOfWork, lot: LotExpired): Promise<void> {
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
