import type { Metadata } from '@grpc/grpc-js';
import type { DateMessage } from '../../gen/ts/google/type/date.js';
import type { Money } from '../../gen/ts/google/type/money.js';
import { CreateProductRequest } from '../../gen/ts/imsop/inventory/v1/product_service.js';
import type { Product, Warehouse } from '../../gen/ts/imsop/inventory/v1/resources.js';
import { CreateWarehouseRequest } from '../../gen/ts/imsop/inventory/v1/warehouse_service.js';
import { CreatePurchaseOrderRequest } from '../../gen/ts/imsop/procurement/v1/purchase_order_service.js';
import type { PurchaseOrder, Supplier } from '../../gen/ts/imsop/procurement/v1/resources.js';
import { CreateSupplierRequest } from '../../gen/ts/imsop/procurement/v1/supplier_service.js';
import { call } from './identity.js';
import type { TestServer } from './server.js';

/** Fixtures of procurement tests, created through the real RPCs. */

let counter = 0;
const unique = () => `${process.pid}-${++counter}`;

export const eur = (units: number, nanos = 0): Money => ({ currencyCode: 'EUR', units, nanos });

/** A date `days` from today (UTC) as google.type.Date. */
export function dateInDays(days: number): DateMessage {
  const d = new Date(Date.now() + days * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export async function newProduct(ts: TestServer, md: Metadata, fields: Partial<Product> = {}): Promise<Product> {
  const request = CreateProductRequest.fromPartial({ product: { sku: `P-${unique()}`, name: 'Widget', ...fields } });
  return (await call(ts.clients.products, 'createProduct', request, md)).product!;
}

export async function newWarehouse(ts: TestServer, md: Metadata): Promise<Warehouse> {
  const request = CreateWarehouseRequest.fromPartial({ warehouse: { code: `W-${unique()}`, name: 'Main warehouse' } });
  return (await call(ts.clients.warehouses, 'createWarehouse', request, md)).warehouse!;
}

export async function newSupplier(ts: TestServer, md: Metadata, fields: Partial<Supplier> = {}): Promise<Supplier> {
  const request = CreateSupplierRequest.fromPartial({ supplier: { name: `Supplier ${unique()}`, defaultLeadTimeDays: 7, ...fields } });
  return (await call(ts.clients.suppliers, 'createSupplier', request, md)).supplier!;
}

export interface LineSpec {
  productId: string;
  quantity: number;
  price: Money;
  expectedDate?: DateMessage;
}

export function orderRequest(supplierId: string, lines: LineSpec[], extra: Partial<PurchaseOrder> = {}, requestId = ''): CreatePurchaseOrderRequest {
  return CreatePurchaseOrderRequest.fromPartial({
    purchaseOrder: {
      supplierId,
      currencyCode: 'EUR',
      items: lines.map((l) => ({ productId: l.productId, quantityOrdered: l.quantity, unitPrice: l.price, expectedDate: l.expectedDate })),
      ...extra,
    },
    requestId,
  });
}

export async function newOrder(ts: TestServer, md: Metadata, supplierId: string, lines: LineSpec[], extra: Partial<PurchaseOrder> = {}): Promise<PurchaseOrder> {
  return (await call(ts.clients.purchaseOrders, 'createPurchaseOrder', orderRequest(supplierId, lines, extra), md)).purchaseOrder!;
}

/** Creates, submits and approves an order; returns it APPROVED. */
export async function approvedOrder(ts: TestServer, md: Metadata, supplierId: string, lines: LineSpec[], extra: Partial<PurchaseOrder> = {}): Promise<PurchaseOrder> {
  const draft = await newOrder(ts, md, supplierId, lines, extra);
  await call(ts.clients.purchaseOrders, 'submitPurchaseOrder', { id: draft.id, etag: '', requestId: '' }, md);
  return (await call(ts.clients.purchaseOrders, 'approvePurchaseOrder', { id: draft.id, etag: '', requestId: '' }, md)).purchaseOrder!;
}

export function receive(ts: TestServer, md: Metadata, order: PurchaseOrder, warehouseId: string, lines: [itemIndex: number, quantity: number][], requestId = '') {
  return call(
    ts.clients.purchaseOrders,
    'receivePurchaseOrder',
    {
      id: order.id,
      warehouseId,
      lines: lines.map(([i, quantity]) => ({ purchaseOrderItemId: order.items[i]!.id, quantity, productId: '', inventoryTransactionId: '' })),
      notes: '',
      etag: '',
      requestId,
    },
    md,
  );
}

/** Money as a decimal string, for readable assertions ("12.5" for 12 units 500000000 nanos). */
export function decimal(money: Money | undefined): string {
  if (!money) return 'unset';
  const negative = money.units < 0 || money.nanos < 0;
  const frac = String(Math.abs(money.nanos)).padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${Math.abs(money.units)}${frac ? '.' + frac : ''} ${money.currencyCode}`;
}
