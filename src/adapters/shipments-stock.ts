import {
  arriveFromTransit,
  assertInboundOpen,
  compareLevelKeys,
  dispatchInTransit,
  requireWarehouse,
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
 * reference checks and its transit movements, in the caller's unit of work; inventory decides
 * which bins and lots). Shipments writes no inventory table itself. The steps mirror
 * inventory's own TransferStock, split in time: dispatch is its `transfer_out` at the origin
 * (first expiry first across locations and lots), delivery its `transfer_in` at the
 * destination's default location, keeping the lots; both rows carry the shipment id as their
 * transfer id, so the ledger pairs them and the goods between the two are the ones in transit.
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
      for (const line of inLockOrder(transfer.originWarehouseId, transfer.lines)) {
        await dispatchInTransit(work, cache, {
          key: { warehouseId: transfer.originWarehouseId, productId: line.productId },
          quantity: line.quantity,
          transferId: transfer.shipmentId,
          reference: `shipment ${transfer.shipmentId}`,
          note: 'Dispatched: in transit',
        });
      }
    },

    async receiveTransfer(work, transfer) {
      assertInboundOpen(await requireWarehouse(work, transfer.destinationWarehouseId));
      for (const line of inLockOrder(transfer.destinationWarehouseId, transfer.lines)) {
        await arriveFromTransit(work, cache, {
          key: { warehouseId: transfer.destinationWarehouseId, productId: line.productId },
          originWarehouseId: transfer.originWarehouseId,
          quantity: line.quantity,
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
