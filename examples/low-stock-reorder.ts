/**
 * An internal service's job: find stock levels at or below their reorder point and raise (and
 * submit) one purchase order per supplier for the products' reorder quantities.
 *
 *   npx tsx examples/low-stock-reorder.ts      (against `npm start` + `npm run imsop -- demo`)
 */
import { addMoney, moneyToDecimal, multiplyMoney, paginate, type Money } from '@imsop/sdk';
import { connect } from './connect.js';

const imsop = await connect();
try {
  const low = [];
  for await (const level of paginate(
    imsop.stock.listStockLevels,
    { lowStockOnly: true, pageSize: 200 },
    (page) => page.stockLevels,
  ))
    low.push(level);
  console.log(`${low.length} stock level(s) at or below their reorder point`);

  // One order per supplier and currency; products without a supplier or a unit cost cannot be ordered.
  const orders = new Map<
    string,
    { supplierId: string; currencyCode: string; lines: { productId: string; quantity: number; unitCost: Money }[] }
  >();
  for (const level of low) {
    const { product } = await imsop.products.getProduct({ productId: level.productId });
    if (!product?.supplierId || !product.unitCost) continue;
    const key = `${product.supplierId} ${product.unitCost.currencyCode}`;
    const order = orders.get(key) ?? {
      supplierId: product.supplierId,
      currencyCode: product.unitCost.currencyCode,
      lines: [],
    };
    if (!order.lines.some((l) => l.productId === product.id))
      order.lines.push({
        productId: product.id,
        quantity: Math.max(1, product.reorderQuantity),
        unitCost: product.unitCost,
      });
    orders.set(key, order);
  }
  for (const { supplierId, currencyCode, lines } of orders.values()) {
    const { purchaseOrder } = await imsop.purchaseOrders.createPurchaseOrder({
      purchaseOrder: {
        supplierId,
        currencyCode,
        items: lines.map((l) => ({ productId: l.productId, quantityOrdered: l.quantity, unitPrice: l.unitCost })),
        notes: 'Raised by the low-stock example',
      },
    });
    const submitted = await imsop.purchaseOrders.submitPurchaseOrder({ id: purchaseOrder!.id });
    // Exact money arithmetic: no floating point between the unit prices and the total.
    const total = addMoney(...(lines.map((l) => multiplyMoney(l.unitCost, l.quantity)) as [Money, ...Money[]]));
    console.log(
      `purchase order ${submitted.purchaseOrder!.poNumber} for supplier ${supplierId}: ${lines.length} line(s), ${moneyToDecimal(total, { minimumFractionDigits: 2 })} ${currencyCode}, submitted`,
    );
  }
  if (orders.size === 0) console.log('nothing to order');
} finally {
  imsop.close();
}
