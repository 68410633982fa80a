import type { CallOptions, ClientUnaryCall, Metadata, ServiceError } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import * as P from '../../gen/ts/imsop/inventory/v1/product_service.js';
import type { DeepPartial } from './grpc.js';
import * as S from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import * as W from '../../gen/ts/imsop/inventory/v1/warehouse_service.js';
import { caseInsensitiveKey } from '../../src/platform/case-insensitive-key.js';
import { unary } from './grpc.js';
import { loginAs, seedOrganization, type SeededOrganization, type TestServer } from './server.js';

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

/** A call that takes a partial request (the rest defaulted, as a client would send it). */
function rpc<Req, Res>(method: UnaryMethod<Req, Res>, codec: { fromPartial(o: DeepPartial<Req>): Req }, metadata: Metadata) {
  return (request: DeepPartial<Req>, md: Metadata = metadata) => unary(method, codec.fromPartial(request), md);
}

/** Every inventory RPC, called as one signed-in user of one organization. */
export function inventoryApi(ts: TestServer, metadata: Metadata) {
  const { products: p, warehouses: w, stock: s } = ts.clients;
  return {
    createProduct: rpc(p.createProduct.bind(p), P.CreateProductRequest, metadata),
    getProduct: rpc(p.getProduct.bind(p), P.GetProductRequest, metadata),
    getProductBySku: rpc(p.getProductBySku.bind(p), P.GetProductBySkuRequest, metadata),
    listProducts: rpc(p.listProducts.bind(p), P.ListProductsRequest, metadata),
    updateProduct: rpc(p.updateProduct.bind(p), P.UpdateProductRequest, metadata),
    archiveProduct: rpc(p.archiveProduct.bind(p), P.ArchiveProductRequest, metadata),
    createWarehouse: rpc(w.createWarehouse.bind(w), W.CreateWarehouseRequest, metadata),
    getWarehouse: rpc(w.getWarehouse.bind(w), W.GetWarehouseRequest, metadata),
    listWarehouses: rpc(w.listWarehouses.bind(w), W.ListWarehousesRequest, metadata),
    updateWarehouse: rpc(w.updateWarehouse.bind(w), W.UpdateWarehouseRequest, metadata),
    deactivateWarehouse: rpc(w.deactivateWarehouse.bind(w), W.DeactivateWarehouseRequest, metadata),
    getStockLevel: rpc(s.getStockLevel.bind(s), S.GetStockLevelRequest, metadata),
    listStockLevels: rpc(s.listStockLevels.bind(s), S.ListStockLevelsRequest, metadata),
    getProductInventory: rpc(s.getProductInventory.bind(s), S.GetProductInventoryRequest, metadata),
    updateStockLevel: rpc(s.updateStockLevel.bind(s), S.UpdateStockLevelRequest, metadata),
    receiveStock: rpc(s.receiveStock.bind(s), S.ReceiveStockRequest, metadata),
    issueStock: rpc(s.issueStock.bind(s), S.IssueStockRequest, metadata),
    adjustStock: rpc(s.adjustStock.bind(s), S.AdjustStockRequest, metadata),
    transferStock: rpc(s.transferStock.bind(s), S.TransferStockRequest, metadata),
    reserveStock: rpc(s.reserveStock.bind(s), S.ReserveStockRequest, metadata),
    releaseReservation: rpc(s.releaseReservation.bind(s), S.ReleaseReservationRequest, metadata),
    fulfillReservation: rpc(s.fulfillReservation.bind(s), S.FulfillReservationRequest, metadata),
    getReservation: rpc(s.getReservation.bind(s), S.GetReservationRequest, metadata),
    listReservations: rpc(s.listReservations.bind(s), S.ListReservationsRequest, metadata),
    listInventoryTransactions: rpc(s.listInventoryTransactions.bind(s), S.ListInventoryTransactionsRequest, metadata),
  };
}
export type InventoryApi = ReturnType<typeof inventoryApi>;

export interface InventoryTenant extends SeededOrganization {
  api: InventoryApi;
  metadata: Metadata;
}

/** A fresh organization whose admin is signed in, with its inventory API. */
export async function inventoryTenant(ts: TestServer): Promise<InventoryTenant> {
  const org = await seedOrganization(ts);
  const { metadata } = await loginAs(ts, org.name, org.adminEmail, org.adminPassword);
  return { ...org, metadata, api: inventoryApi(ts, metadata) };
}

let skuCounter = 0;

/** A product and a warehouse of the tenant to move stock with (optionally with stock received). */
export async function productAndWarehouse(t: InventoryTenant, opts: { onHand?: number; reorderPoint?: number } = {}) {
  const n = ++skuCounter;
  const { product } = await t.api.createProduct({ product: { sku: `T-${process.pid}-${n}`, name: `Test product ${n}`, reorderPoint: opts.reorderPoint ?? 0 } });
  const { warehouse } = await t.api.createWarehouse({ warehouse: { code: `W${n}`, name: `Warehouse ${n}` } });
  if (opts.onHand) await t.api.receiveStock({ warehouseId: warehouse!.id, productId: product!.id, quantity: opts.onHand });
  return { product: product!, warehouse: warehouse! };
}

/**
 * Checks the ledger against the levels, reading the tables directly as the database superuser:
 * for every level of the organization, sum(on_hand_delta) = quantity_on_hand and
 * sum(reserved_delta) = quantity_reserved, and the active reservations sum to
 * quantity_reserved. Returns the levels that disagree (empty when the books balance).
 */
export async function unbalancedLevels(ts: TestServer, organizationId: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: ts.database.adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT i.warehouse_id, i.product_id, i.quantity_on_hand, i.quantity_reserved, l.on_hand, l.reserved, r.held
       FROM inventory i
       LEFT JOIN LATERAL (SELECT coalesce(sum(on_hand_delta), 0)::int AS on_hand, coalesce(sum(reserved_delta), 0)::int AS reserved
                          FROM inventory_transactions t
                          WHERE t.organization_id = i.organization_id AND t.warehouse_id = i.warehouse_id AND t.product_id = i.product_id) l ON true
       LEFT JOIN LATERAL (SELECT coalesce(sum(quantity), 0)::int AS held FROM reservations r
                          WHERE r.organization_id = i.organization_id AND r.warehouse_id = i.warehouse_id AND r.product_id = i.product_id
                            AND r.status = 'active') r ON true
       WHERE i.organization_id = $1
         AND (l.on_hand <> i.quantity_on_hand OR l.reserved <> i.quantity_reserved OR r.held <> i.quantity_reserved)`,
      [organizationId],
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** Runs one query as the database superuser against the test server's database. */
export async function adminQuery<R extends pg.QueryResultRow>(ts: TestServer, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: ts.database.adminUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A supplier id products of the organization may reference. Suppliers belong to procurement;
 * when its table exists (the foreign key from products then holds), a supplier row is created
 * directly, otherwise any UUID will do.
 */
export async function supplierIdFor(ts: TestServer, organizationId: string): Promise<string> {
  const [exists] = await adminQuery<{ t: string | null }>(ts, `SELECT to_regclass('suppliers')::text AS t`);
  if (!exists?.t) return randomUUID();
  const name = `Supplier ${randomUUID()}`;
  const [row] = await adminQuery<{ id: string }>(ts, `INSERT INTO suppliers (organization_id, name, name_key) VALUES ($1, $2, $3) RETURNING id`, [
    organizationId,
    name,
    caseInsensitiveKey(name),
  ]);
  return row!.id;
}
