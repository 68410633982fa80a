import type { DateMessage } from '../../gen/ts/google/type/date.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';

/**
 * The subset of the inventory domain procurement needs, as a narrow interface: procurement
 * never touches inventory's tables itself (docs/design.md), it asks inventory's service functions,
 * inside its own unit of work. module.ts wires the real ones.
 */
export interface InventoryPort {
  /**
   * Statuses (`active`, `discontinued`, `archived`) of the given products of the unit of work's
   * organization; a product that does not exist there (or belongs to another organization) is
   * absent.
   */
  productStatuses(work: UnitOfWork, productIds: readonly string[]): Promise<Map<string, string>>;

  /**
   * One inventory `receive` movement in `work`: on hand +quantity at the warehouse and one ledger
   * row, acting as its actor. Cache invalidation is registered as an after-commit hook.
   * @returns the ledger row's id.
   * @throws AppError NOT_FOUND (warehouse or product), FAILED_PRECONDITION (e.g. an inactive
   *   warehouse) as inventory decides.
   */
  receiveStock(
    work: UnitOfWork,
    movement: {
      warehouseId: string;
      productId: string;
      quantity: number;
      reference: string;
      note: string;
      /** The location the goods go into; '' (or absent): the warehouse's default location. */
      locationId?: string;
      /** The lot received (lot-tracked products must name one, others must not). */
      lot?: ReceivedLot;
      serialNumbers?: readonly string[];
      /** The request field the line is (e.g. `lines[2]`), for field violations of its lot. */
      field?: string;
    },
  ): Promise<{ transactionId: string; lotId: string | null }>;
}

/** A lot as a receipt line names it: by number, with the dates of a new lot (YYYY-MM-DD). */
export interface ReceivedLot {
  lotNumber: string;
  expiryDate?: DateMessage;
  manufactureDate?: DateMessage;
  supplierLotReference: string;
}
