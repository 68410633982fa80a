import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImsopClient, procurement, shipments, type ImsopClient } from './support/sdk.js';
import { seedOrganization, startTestServer, type SeededOrganization, type TestServer } from './support/server.js';
import { loginAs } from './support/tenant.js';

/** Runs each program in examples/ against a real server, as a developer would against `npm start`. */
const run = promisify(execFile);
const tsx = path.resolve('node_modules/.bin/tsx');
let ts: TestServer;
let org: SeededOrganization;
let imsop: ImsopClient;
let env: NodeJS.ProcessEnv;
let warehouses: string[];
let productId: string;

beforeAll(async () => {
  ts = await startTestServer();
  org = await seedOrganization(ts);
  imsop = createImsopClient({ address: ts.address, credential: (await loginAs(ts, org.name, org.adminEmail, org.adminPassword)).token });
  env = { PATH: process.env.PATH, IMSOP_ADDRESS: ts.address, IMSOP_ORGANIZATION: org.name, IMSOP_EMAIL: org.adminEmail, IMSOP_PASSWORD: org.adminPassword };
  warehouses = await Promise.all(
    ['EX-1', 'EX-2'].map(async (code) => (await imsop.warehouses.createWarehouse({ warehouse: { code, name: `Example ${code}` } })).warehouse!.id),
  );
  const supplier = (await imsop.suppliers.createSupplier({ supplier: { name: 'Example Supplies' } })).supplier!;
  const product = (
    await imsop.products.createProduct({
      product: { sku: 'EX-BOLT', name: 'Bolt', supplierId: supplier.id, reorderPoint: 10, reorderQuantity: 50, unitCost: { currencyCode: 'EUR', units: 0, nanos: 250_000_000 } },
    })
  ).product!;
  productId = product.id;
  await imsop.stock.receiveStock({ warehouseId: warehouses[0]!, productId, quantity: 3 });
});
afterAll(async () => {
  imsop?.close();
  await ts?.stop();
});

describe('examples/', () => {
  it('low-stock-reorder raises and submits a purchase order for the low product', async () => {
    const { stdout } = await run(tsx, ['examples/low-stock-reorder.ts'], { env });
    expect(stdout).toMatch(/1 stock level\(s\) at or below their reorder point/);
    expect(stdout).toMatch(/purchase order \S+ for supplier .*1 line\(s\), submitted/);
    const { purchaseOrders } = await imsop.purchaseOrders.listPurchaseOrders({});
    expect(purchaseOrders).toHaveLength(1);
    const { purchaseOrder } = await imsop.purchaseOrders.getPurchaseOrder({ id: purchaseOrders[0]!.id });
    expect(purchaseOrder!.status).toBe(procurement.PurchaseOrderStatus.PURCHASE_ORDER_STATUS_SUBMITTED);
    expect(purchaseOrder!.items[0]).toMatchObject({ productId, quantityOrdered: 50 });
  });

  it('scanner re-sends unacknowledged updates after a dropped connection, without duplicates', async () => {
    const shipment = (
      await imsop.shipments.createShipment({
        type: shipments.ShipmentType.SHIPMENT_TYPE_TRANSFER,
        carrier: 'Example Freight',
        trackingNumber: 'EX-TRACK-1',
        originWarehouseId: warehouses[0]!,
        destinationWarehouseId: warehouses[1]!,
        items: [{ productId, quantity: 1 }],
      })
    ).shipment!;
    const { stdout } = await run(tsx, ['examples/scanner.ts', shipment.id, '6'], { env: { ...env, SCANNER_DROP_ONCE: '1' } });
    expect(stdout).toContain('reconnecting');
    expect(stdout).toMatch(/all updates acknowledged after [2-9] connection\(s\)/);
    const { trackingPoints } = await imsop.tracking.listTrackingPoints({ shipmentId: shipment.id, pageSize: 100 });
    expect(trackingPoints.map((p) => Number(p.sequence))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(trackingPoints.map((p) => p.updateId)).size).toBe(6);
  });

  it('dashboard prints live events from the organization feed', async () => {
    const shipment = (
      await imsop.shipments.createShipment({
        type: shipments.ShipmentType.SHIPMENT_TYPE_TRANSFER,
        carrier: 'Example Freight',
        trackingNumber: 'EX-TRACK-2',
        originWarehouseId: warehouses[0]!,
        destinationWarehouseId: warehouses[1]!,
        items: [{ productId, quantity: 1 }],
      })
    ).shipment!;
    const child = spawn(tsx, ['examples/dashboard.ts', '8'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    for (let i = 0; i < 100 && !out.includes('watching'); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500)); // the watch is open
    await imsop.tracking.recordTrackingUpdate({
      update: { updateId: 'dash-1', shipmentId: shipment.id, location: 'Hamburg hub', position: { latitude: 53.55, longitude: 9.99 }, eventTime: new Date() },
    });
    expect(await exited).toBe(0);
    expect(out).toContain(`tracking: shipment ${shipment.id} #1 at Hamburg hub`);
  });
});
