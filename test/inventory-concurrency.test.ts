import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustmentReason } from '../gen/ts/imsop/inventory/v1/resources.js';
import { decodeError } from './support/grpc.js';
import { adminQuery, inventoryApi, inventoryTenant, productAndWarehouse, unbalancedLevels, type InventoryTenant } from './support/inventory.js';
import { loginAs, startTestServer, type TestServer } from './support/server.js';

/**
 * The stock invariants under real concurrency: many calls in flight at once over gRPC, through
 * the server's pool (20 connections), against one PostgreSQL.
 */

let ts: TestServer;
let t: InventoryTenant;

beforeAll(async () => {
  ts = await startTestServer({ env: { RESERVATION_SWEEP_INTERVAL_MS: '0' } });
  t = await inventoryTenant(ts);
});
afterAll(() => ts?.stop());

/**
 * A fresh session whose principal was just cached: a burst sent with it authenticates from the
 * cache (entries live PRINCIPAL_CACHE_SECONDS from when they were stored), so the burst measures
 * stock contention, not a stampede of sign-in lookups competing for the same pool.
 */
async function warmApi() {
  const { metadata } = await loginAs(ts, t.name, t.adminEmail, t.adminPassword);
  const api = inventoryApi(ts, metadata);
  await api.listWarehouses({ pageSize: 1 });
  return api;
}

/** Settles every call; returns the successes and the decoded failures. */
async function settle<R>(calls: Promise<R>[]) {
  const results = await Promise.allSettled(calls);
  return {
    ok: results.filter((r): r is PromiseFulfilledResult<Awaited<R>> => r.status === 'fulfilled').map((r) => r.value),
    failed: results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => decodeError(r.reason)),
  };
}

describe('concurrent reservations', () => {
  it('200 reservations of 1 unit against 100 available: exactly 100 succeed, the rest INSUFFICIENT_STOCK', async () => {
    const { product, warehouse } = await productAndWarehouse(t, { onHand: 100 });
    const level = { warehouseId: warehouse.id, productId: product.id };

    const api = await warmApi();
    const { ok, failed } = await settle(Array.from({ length: 200 }, (_, i) => api.reserveStock({ ...level, quantity: 1, reference: `order-${i}` })));

    expect(ok).toHaveLength(100);
    expect(failed).toHaveLength(100);
    for (const f of failed) {
      expect(f).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'INSUFFICIENT_STOCK', errorInfoCount: 1 });
      // Nobody fails while a unit is still free: every refusal saw none available.
      expect(f.metadata.available).toBe('0');
    }
    expect(new Set(ok.map((r) => r.reservation!.id)).size).toBe(100);
    expect((await t.api.getStockLevel(level)).stockLevel).toMatchObject({ quantityOnHand: 100, quantityReserved: 100, quantityAvailable: 0 });

    const [ledger] = await adminQuery<{ reserves: number; reserved: number }>(
      ts,
      `SELECT count(*)::int AS reserves, sum(reserved_delta)::int AS reserved FROM inventory_transactions
       WHERE organization_id = $1 AND product_id = $2 AND type = 'reserve'`,
      [t.organizationId, product.id],
    );
    expect(ledger).toEqual({ reserves: 100, reserved: 100 });
    expect(await unbalancedLevels(ts, t.organizationId)).toEqual([]);
  });

  it('mixed issues, reservations, releases and receipts at once never drive stock negative and keep the books balanced', async () => {
    const { product, warehouse } = await productAndWarehouse(t, { onHand: 50 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const held = (await settle(Array.from({ length: 20 }, () => t.api.reserveStock({ ...level, quantity: 1 })))).ok;
    const api = await warmApi();
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      calls.push(api.issueStock({ ...level, quantity: 2 }));
      calls.push(api.reserveStock({ ...level, quantity: 1 }));
      if (i < held.length) calls.push(api.releaseReservation({ reservationId: held[i]!.reservation!.id }));
      if (i % 10 === 0) calls.push(api.receiveStock({ ...level, quantity: 5 }));
      if (i % 15 === 0) calls.push(api.adjustStock({ ...level, reason: AdjustmentReason.ADJUSTMENT_REASON_DAMAGED, change: { $case: 'quantityDelta', value: -1 } }));
    }
    const { failed } = await settle(calls);
    for (const f of failed) expect(f.reason).toBe('INSUFFICIENT_STOCK');
    const after = (await t.api.getStockLevel(level)).stockLevel!;
    expect(after.quantityOnHand).toBeGreaterThanOrEqual(0);
    expect(after.quantityAvailable).toBeGreaterThanOrEqual(0);
    expect(await unbalancedLevels(ts, t.organizationId)).toEqual([]);
  });
});

describe('concurrent transfers', () => {
  it('opposite transfers between two warehouses all complete: locks in a fixed order, no deadlock', async () => {
    const { product, warehouse: east } = await productAndWarehouse(t, { onHand: 1000 });
    const { warehouse: west } = await t.api.createWarehouse({ warehouse: { code: 'WEST', name: 'West' } });
    await t.api.receiveStock({ warehouseId: west!.id, productId: product.id, quantity: 1000 });

    const api = await warmApi();
    const calls = [];
    for (let i = 0; i < 100; i++) {
      calls.push(api.transferStock({ productId: product.id, sourceWarehouseId: east.id, destinationWarehouseId: west!.id, quantity: 3 }));
      calls.push(api.transferStock({ productId: product.id, sourceWarehouseId: west!.id, destinationWarehouseId: east.id, quantity: 2 }));
    }
    const { ok, failed } = await settle(calls);
    // A deadlock would surface as ABORTED (PostgreSQL's deadlock detector killing one side).
    expect(failed).toEqual([]);
    expect(ok).toHaveLength(200);
    expect((await t.api.getStockLevel({ warehouseId: east.id, productId: product.id })).stockLevel?.quantityOnHand).toBe(1000 - 100);
    expect((await t.api.getStockLevel({ warehouseId: west!.id, productId: product.id })).stockLevel?.quantityOnHand).toBe(1000 + 100);
    expect(await unbalancedLevels(ts, t.organizationId)).toEqual([]);
  });
});
