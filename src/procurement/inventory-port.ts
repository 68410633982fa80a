import type { AfterCommit, TenantScope, Tx } from '../platform/db/database.js';

/**
 * The subset of the inventory domain procurement needs, as a narrow interface: procurement
 * never touches inventory's tables itself (docs/design.md), it asks inventory's service functions,
 * inside its own transaction. module.ts wires the real ones.
 */
export interface InventoryPort {
  /**
   * Statuses (`active`, `discontinued`, `archived`) of the given products of the organization;
   * a product that does not exist there (or belongs to another organization) is absent.
   */
  productStatuses(tx: Tx, organizationId: string, productIds: readonly string[]): Promise<Map<string, string>>;

  /**
   * One inventory `receive` movement in `tx`: on hand +quantity at the warehouse and one ledger
   * row, acting as `scope`. Cache invalidation is registered on `afterCommit`.
   * @returns the ledger row's id.
   * @throws AppError NOT_FOUND (warehouse or product), FAILED_PRECONDITION (e.g. an inactive
   *   warehouse) as inventory decides.
   */
  receiveStock(
    tx: Tx,
    afterCommit: AfterCommit,
    scope: TenantScope,
    movement: { warehouseId: string; productId: string; quantity: number; reference: string; note: string },
  ): Promise<{ transactionId: string }>;
}
