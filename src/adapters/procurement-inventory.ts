import { receiptLotInput, receiveInTransaction, requireProduct } from '../inventory/index.js';
import { Violations } from '../platform/validation.js';
import type { Cache } from '../platform/cache/cache.js';
import { AppError, GrpcStatus } from '../platform/errors.js';
import type { InventoryPort } from '../procurement/index.js';

/**
 * InventoryPort on inventory's own exported service functions: its product lookup (the
 * organization's products only) and its receive movement in the caller's unit of work (ledger row
 * + level change, cached levels invalidated after commit). Procurement writes no inventory
 * table itself.
 */
export function inventoryPort(cache: Cache): InventoryPort {
  return {
    async productStatuses(work, productIds) {
      const statuses = new Map<string, string>();
      for (const id of productIds) {
        try {
          statuses.set(id, (await requireProduct(work, id)).status);
        } catch (error) {
          if (!(error instanceof AppError && error.code === GrpcStatus.NOT_FOUND)) throw error;
        }
      }
      return statuses;
    },

    async receiveStock(work, movement) {
      const v = new Violations();
      const lot = receiptLotInput(v, movement.field ?? 'lot', movement.lot);
      v.throwIfAny();
      const { entry } = await receiveInTransaction(work, cache, {
        key: { warehouseId: movement.warehouseId, productId: movement.productId },
        quantity: movement.quantity,
        note: movement.note,
        reference: movement.reference,
        locationId: movement.locationId,
        lot,
        serialNumbers: movement.serialNumbers,
      });
      return { transactionId: entry.id, lotId: entry.lot_id };
    },
  };
}
