import type { UnitOfWork } from '../platform/db/unit-of-work.js';

/** A product and a quantity of a shipment. */
export interface StockLine {
  productId: string;
  quantity: number;
}

/**
 * The stock movements a shipment's status changes cause, as a narrow interface: shipments
 * never write stock levels or ledger rows itself (docs/design.md), it asks the inventory and
 * procurement service functions, inside the unit of work of the status change, so the change
 * and its ledger rows commit or roll back together. module.ts wires the real ones.
 *
 * Every method throws the owning domain's AppError unchanged (e.g. FAILED_PRECONDITION
 * INSUFFICIENT_STOCK when the origin lacks the goods), which rolls back the status change.
 */
export interface ShipmentStockPort {
  /** A warehouse of the unit of work's organization. @throws AppError NOT_FOUND `WAREHOUSE_NOT_FOUND` for any other (or none). */
  requireWarehouse(work: UnitOfWork, warehouseId: string): Promise<void>;

  /**
   * Dispatch of a transfer: takes the lines out of the origin's stock (the goods are in
   * transit), one ledger row per line. `shipmentId` ties the dispatch to the later receipt.
   */
  dispatchTransfer(
    work: UnitOfWork,
    transfer: { shipmentId: string; originWarehouseId: string; destinationWarehouseId: string; lines: StockLine[] },
  ): Promise<void>;

  /** Delivery of a transfer: puts the lines into the destination's stock, one ledger row per line. */
  receiveTransfer(
    work: UnitOfWork,
    transfer: { shipmentId: string; originWarehouseId: string; destinationWarehouseId: string; lines: StockLine[] },
  ): Promise<void>;

  /** Delivery of an inbound shipment linked to a purchase order: a receipt of the lines against it. */
  receivePurchaseOrder(
    work: UnitOfWork,
    receipt: { shipmentId: string; purchaseOrderId: string; warehouseId: string; lines: StockLine[] },
  ): Promise<void>;
}
