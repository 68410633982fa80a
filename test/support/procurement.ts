import type { DateMessage } from '../../gen/ts/google/type/date.js';
import type { Money } from '../../gen/ts/google/type/money.js';
import { procurement, type ImsopClient, type inventory } from './sdk.js';

/** Data of procurement tests, created through the real RPCs with the SDK client given. */

let counter = 0;
const unique = () => `${process.pid}-${++counter}`;

export const eur = (units: number, nanos = 0): Money => ({ currencyCode: 'EUR', units, nanos });

/** A date `days` from today (UTC) as google.type.Date. */
export function dateInDays(days: number): DateMessage {
  const d = new Date(Date.now() + days * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export async function newProduct(
  imsop: ImsopClient,
  fields: Partial<inventory.Product> = {},
): Promise<inventory.Product> {
  return (await imsop.products.createProduct({ product: { sku: `P-${unique()}`, name: 'Widget', ...fields } }))
    .product!;
}

export async function newWarehouse(imsop: ImsopClient): Promise<inventory.Warehouse> {
  return (await imsop.warehouses.createWarehouse({ warehouse: { code: `W-${unique()}`, name: 'Main warehouse' } }))
    .warehouse!;
}

export async function newSupplier(
  imsop: ImsopClient,
  fields: Partial<procurement.Supplier> = {},
): Promise<procurement.Supplier> {
  return (
    await imsop.suppliers.createSupplier({
      supplier: { name: `Supplier ${unique()}`, defaultLeadTimeDays: 7, ...fields },
    })
  ).supplier!;
}

export interface LineSpec {
  productId: string;
  quantity: number;
  price: Money;
  expectedDate?: DateMessage;
}

export function orderRequest(
  supplierId: string,
  lines: LineSpec[],
  extra: Partial<procurement.PurchaseOrder> = {},
  requestId = '',
): procurement.CreatePurchaseOrderRequest {
  return procurement.CreatePurchaseOrderRequest.fromPartial({
    purchaseOrder: {
      supplierId,
      currencyCode: 'EUR',
      items: lines.map((l) => ({
        productId: l.productId,
        quantityOrdered: l.quantity,
        unitPrice: l.price,
        expectedDate: l.expectedDate,
      })),
      ...extra,
    },
    requestId,
  });
}

export async function newOrder(
  imsop: ImsopClient,
  supplierId: string,
  lines: LineSpec[],
  extra: Partial<procurement.PurchaseOrder> = {},
): Promise<procurement.PurchaseOrder> {
  return (await imsop.purchaseOrders.createPurchaseOrder(orderRequest(supplierId, lines, extra))).purchaseOrder!;
}

/** Creates, submits and approves an order; returns it APPROVED. */
export async function approvedOrder(
  imsop: ImsopClient,
  supplierId: string,
  lines: LineSpec[],
  extra: Partial<procurement.PurchaseOrder> = {},
): Promise<procurement.PurchaseOrder> {
  const draft = await newOrder(imsop, supplierId, lines, extra);
  await imsop.purchaseOrders.submitPurchaseOrder({ id: draft.id });
  return (await imsop.purchaseOrders.approvePurchaseOrder({ id: draft.id })).purchaseOrder!;
}

export function receive(
  imsop: ImsopClient,
  order: procurement.PurchaseOrder,
  warehouseId: string,
  lines: [itemIndex: number, quantity: number][],
  requestId = '',
) {
  return imsop.purchaseOrders.receivePurchaseOrder({
    id: order.id,
    warehouseId,
    lines: lines.map(([i, quantity]) => ({ purchaseOrderItemId: order.items[i]!.id, quantity })),
    requestId,
  });
}

/** Money as a decimal string, for readable assertions ("12.5" for 12 units 500000000 nanos). */
export function decimal(money: Money | undefined): string {
  if (!money) return 'unset';
  const negative = money.units < 0 || money.nanos < 0;
  const frac = String(Math.abs(money.nanos)).padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${Math.abs(money.units)}${frac ? '.' + frac : ''} ${money.currencyCode}`;
}
