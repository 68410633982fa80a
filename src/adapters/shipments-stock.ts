import {
  assertInboundOpen,
  compareLevelKeys,
  requireProduct,
  requireWarehouse,
  StockLedger,
} from '../inventory/index.js';
import type { AppContext } from '../platform/app-context.js';
import type { Cache } from '../platform/cache/cache.js';
import { ReceivingService, type InventoryPort } from '../procurement/index.js';
import type { ShipmentStockPort, StockLine } from '../shipments/index.js';

/** Stock effects of shipments: transfers through inventory, receipts against an order through procurement. */
export function shipmentStockPort(app: AppContext, inventory: InventoryPort): ShipmentStockPort {
  const receiving = new ReceivingService(app.db, inventory, app.pageTokens);
  return {
    ...transferStock(app.cache),
    async receivePurchaseOrder(work, receipt) {
      await receiving.receiveProducts(work, {
        purchaseOrderId: receipt.purchaseOrderId,
        warehouseId: receipt.warehouseId,
        lines: receipt.lines,
        notes: `Delivered by shipment ${receipt.shipmentId}`,
      });
    },
  };
}

/**
 * The transfer half of ShipmentStockPort on inventory's exported building blocks (its
 * reference checks and its stock ledger: level change + ledger row in the caller's
 * unit of work, cached levels invalidated after commit). Shipments writes no inventory table
 * itself. The steps mirror inventory's own TransferStock, split in time: dispatch is its
 * `transfer_out` at the origin, delivery its `transfer_in` at the destination; both rows carry
 * the shipment id as their transfer id, so the ledger pairs them and the goods between the two
 * are the ones in transit.
 */
export function transferStock(
  cache: Cache,
): Pick<ShipmentStockPort, 'requireWarehouse' | 'dispatchTransfer' | 'receiveTransfer'> {
  return {
    async requireWarehouse(work, warehouseId) {
      await requireWarehouse(work, warehouseId);
    },

    async dispatchTransfer(work, transfer) {
      await requireWarehouse(work, transfer.originWarehouseId);
      const ledger = new StockLedger(work, cache);
      for (const line of inLockOrder(transfer.originWarehouseId, transfer.lines)) {
        await requireProduct(work, line.productId);
        await ledger.move({
          type: 'transfer_out',
          key: { warehouseId: transfer.originWarehouseId, productId: line.productId },
          delta: { onHand: -line.quantity, reserved: 0 },
          transferId: transfer.shipmentId,
          reference: `shipment ${transfer.shipmentId}`,
          note: 'Dispatched: in transit',
        });
      }
    },

    async receiveTransfer(work, transfer) {
      assertInboundOpen(await requireWarehouse(work, transfer.destinationWarehouseId));
      const ledger = new StockLedger(work, cache);
      for (const line of inLockOrder(transfer.destinationWarehouseId, transfer.lines)) {
        const product = await requireProduct(work, line.productId);
        await ledger.move({
          type: 'transfer_in',
          key: { warehouseId: transfer.destinationWarehouseId, productId: line.productId },
          delta: { onHand: line.quantity, reserved: 0 },
          reorderPointIfNew: product.reorder_point,
          transferId: transfer.shipmentId,
          reference: `shipment ${transfer.shipmentId}`,
          note: 'Delivered',
        });
      }
    },
  };
}

/** Lines in inventory's one lock order for stock levels, so concurrent movements cannot deadlock. */
function inLockOrder(warehouseId: string, lines: StockLine[]): StockLine[] {
  return [...lines].sort((a, b) =>
    compareLevelKeys({ warehouseId, productId: a.productId }, { warehouseId, productId: b.productId }),
  );
}
