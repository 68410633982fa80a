import { describe, expect } from 'vitest';
import { AdjustmentReason } from '../gen/ts/imsop/inventory/v1/resources.js';
import { errorInfoCount } from './support/expect-error.js';
import { adminQuery, productAndWarehouse, unbalancedLevels } from './support/inventory.js';
import { inventoryTest } from './support/inventory-fixture.js';
import { ImsopError, Status, type ImsopClient } from './support/sdk.js';
import type { TestServer } from './support/server.js';
import { signIn, type Tenant } from './support/tenant.js';

/**
 * The stock invariants under real concurrency: many calls in flight at once over gRPC, through
 * the server's pool (20 connections), against one PostgreSQL.
 */

const it = inventoryTest.override('serverOptions', { scope: 'file' }, { env: { RESERVATION_SWEEP_INTERVAL_MS: '0' } });

/**
 * A fresh session whose principal was just cached: a burst sent with it authenticates from the
 * cache (entries live PRINCIPAL_CACHE_SECONDS from when they were stored), so the burst measures
 * stock contention, not a stampede of sign-in lookups competing for the same pool.
 */
async function warmClient(server: TestServer, t: Tenant): Promise<ImsopClient> {
  const imsop = server.connect(await signIn(server, t.name, t.adminEmail, t.adminPassword));
  await imsop.warehouses.listWarehouses({ pageSize: 1 });
  return imsop;
}

/** Settles every call; returns the successes and the failures (each an ImsopError). */
async function settle<R>(calls: Promise<R>[]) {
  const results = await Promise.allSettled(calls);
  return {
    ok: results.filter((r): r is PromiseFulfilledResult<Awaited<R>> => r.status === 'fulfilled').map((r) => r.value),
    failed: results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => asImsopError(r.reason)),
  };
}

function asImsopError(error: unknown): ImsopError {
  if (error instanceof ImsopError) return error;
  throw error;
}

describe('concurrent reservations', () => {
  it('200 reservations of 1 unit against 100 available: exactly 100 succeed, the rest INSUFFICIENT_STOCK', async ({
    server,
    a,
  }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 100 });
    const level = { warehouseId: warehouse.id, productId: product.id };

    const api = await warmClient(server, a);
    const { ok, failed } = await settle(
      Array.from({ length: 200 }, (_, i) => api.stock.reserveStock({ ...level, quantity: 1, reference: `order-${i}` })),
    );

    expect(ok).toHaveLength(100);
    expect(failed).toHaveLength(100);
    for (const f of failed) {
      expect(f).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'INSUFFICIENT_STOCK' });
      expect(errorInfoCount(f)).toBe(1);
      // Nobody fails while a unit is still free: every refusal saw none available.
      expect(f.metadata.available).toBe('0');
    }
    expect(new Set(ok.map((r) => r.reservation!.id)).size).toBe(100);
    expect((await a.imsop.stock.getStockLevel(level)).stockLevel).toMatchObject({
      quantityOnHand: 100,
      quantityReserved: 100,
      quantityAvailable: 0,
    });

    const [ledger] = await adminQuery<{ reserves: number; reserved: number }>(
      server,
      `SELECT count(*)::int AS reserves, sum(reserved_delta)::int AS reserved FROM inventory_transactions
       WHERE organization_id = $1 AND product_id = $2 AND type = 'reserve'`,
      [a.organizationId, product.id],
    );
    expect(ledger).toEqual({ reserves: 100, reserved: 100 });
    expect(await unbalancedLevels(server, a.organizationId)).toEqual([]);
  });

  it('mixed issues, reservations, releases and receipts at once never drive stock negative and keep the books balanced', async ({
    server,
    a,
  }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 50 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const held = (await settle(Array.from({ length: 20 }, () => a.imsop.stock.reserveStock({ ...level, quantity: 1 }))))
      .ok;
    const api = await warmClient(server, a);
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      calls.push(api.stock.issueStock({ ...level, quantity: 2 }));
      calls.push(api.stock.reserveStock({ ...level, quantity: 1 }));
      if (i < held.length) calls.push(api.stock.releaseReservation({ reservationId: held[i]!.reservation!.id }));
      if (i % 10 === 0) calls.push(api.stock.receiveStock({ ...level, quantity: 5 }));
      if (i % 15 === 0)
        calls.push(
          api.stock.adjustStock({
            ...level,
            reason: AdjustmentReason.ADJUSTMENT_REASON_DAMAGED,
            change: { $case: 'quantityDelta', value: -1 },
          }),
        );
    }
    const { failed } = await settle(calls);
    for (const f of failed) expect(f.reason).toBe('INSUFFICIENT_STOCK');
    const after = (await a.imsop.stock.getStockLevel(level)).stockLevel!;
    expect(after.quantityOnHand).toBeGreaterThanOrEqual(0);
    expect(after.quantityAvailable).toBeGreaterThanOrEqual(0);
    expect(await unbalancedLevels(server, a.organizationId)).toEqual([]);
  });
});

describe('concurrent transfers', () => {
  it('opposite transfers between two warehouses all complete: locks in a fixed order, no deadlock', async ({
    server,
    a,
  }) => {
    const { product, warehouse: east } = await productAndWarehouse(a, { onHand: 1000 });
    const { warehouse: west } = await a.imsop.warehouses.createWarehouse({ warehouse: { code: 'WEST', name: 'West' } });
    await a.imsop.stock.receiveStock({ warehouseId: west!.id, productId: product.id, quantity: 1000 });

    const api = await warmClient(server, a);
    const calls = [];
    for (let i = 0; i < 100; i++) {
      calls.push(
        api.stock.transferStock({
          productId: product.id,
          sourceWarehouseId: east.id,
          destinationWarehouseId: west!.id,
          quantity: 3,
        }),
      );
      calls.push(
        api.stock.transferStock({
          productId: product.id,
          sourceWarehouseId: west!.id,
          destinationWarehouseId: east.id,
          quantity: 2,
        }),
      );
    }
    const { ok, failed } = await settle(calls);
    // A deadlock would surface as ABORTED (PostgreSQL's deadlock detector killing one side).
    expect(failed).toEqual([]);
    expect(ok).toHaveLength(200);
    expect(
      (await a.imsop.stock.getStockLevel({ warehouseId: east.id, productId: product.id })).stockLevel?.quantityOnHand,
    ).toBe(1000 - 100);
    expect(
      (await a.imsop.stock.getStockLevel({ warehouseId: west!.id, productId: product.id })).stockLevel?.quantityOnHand,
    ).toBe(1000 + 100);
    expect(await unbalancedLevels(server, a.organizationId)).toEqual([]);
  });
});
