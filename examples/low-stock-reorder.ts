/**
 * An internal service's job: find stock levels at or below their reorder point and raise (and
 * submit) one purchase order per supplier for the products' reorder quantities.
 *
 *   npx tsx examples/low-stock-reorder.ts      (against `npm start` + `npm run imsop -- demo`)
 */
import { paginate } from '@imsop/sdk';
import { connect } from './connect.js';

const imsop = await connect();
try {
  const low = [];
  for await (const level of paginate(imsop.stock.listStockLevels, { lowStockOnly: true, pageSize: 200 }, (page) => page.stockLevels)) low.push(level);
  console.log(`${low.length} stock level(s) at or below their reorder point`);

  // Group the products to reorder by supplier; products without a supplier cannot be ordered.
  const bySupplier = new Map<string, { productId: string; quantity: number; unitCost?: { currencyCode: string; units: number; nanos: number } }[]>();
  for (const level of low) {
    const { product } = await imsop.products.getProduct({ productId: level.productId });
    if (!product?.supplierId) continue;
    const lines = bySupplier.get(product.supplierId) ?? [];
    if (!lines.some((l) => l.productId === product.id)) lines.push({ productId: product.id, quantity: Math.max(1, product.reorderQuantity), unitCost: product.unitCost });
    bySupplier.set(product.supplierId, lines);
  }
  for (const [supplierId, lines] of bySupplier) {
    const currencyCode = lines[0]?.unitCost?.currencyCode ?? 'EUR';
    const { purchaseOrder } = await imsop.purchaseOrders.createPurchaseOrder({
      purchaseOrder: {
        supplierId,
        currencyCode,
        items: lines.map((l) => ({ productId: l.productId, quantityOrdered: l.quantity, unitPrice: l.unitCost ?? { currencyCode, units: 0, nanos: 0 } })),
        notes: 'Raised by the low-stock example',
      },
    });
    const submitted = await imsop.purchaseOrders.submitPurchaseOrder({ id: purchaseOrder!.id });
    console.log(`purchase order ${submitted.purchaseOrder!.poNumber} for supplier ${supplierId}: ${lines.length} line(s), submitted`);
  }
  if (bySupplier.size === 0) console.log('nothing to order');
} finally {
  imsop.close();
}
