import { newProduct, newSupplier, newWarehouse } from './procurement.js';
import { tenantTest } from './tenant-fixture.js';

/** Stock every `stockedProduct` starts with. */
export const INITIAL_STOCK = 100;

/**
 * On top of the file's `org` and `imsop`, business data created fresh for each test that names it,
 * through the API: `warehouse`, `product`, `stockedProduct` (a product with {@link INITIAL_STOCK}
 * units received into `warehouse`) and `supplier`.
 */
export const dataTest = tenantTest
  .extend('warehouse', async ({ imsop }) => newWarehouse(imsop))
  .extend('product', async ({ imsop }) => newProduct(imsop))
  .extend('stockedProduct', async ({ imsop, warehouse }) => {
    const product = await newProduct(imsop);
    await imsop.stock.receiveStock({
      warehouseId: warehouse.id,
      productId: product.id,
      quantity: INITIAL_STOCK,
      reference: 'initial stock',
    });
    return product;
  })
  .extend('supplier', async ({ imsop }) => newSupplier(imsop));

export const it = dataTest;
