import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryTransactionType as T, ReservationStatus } from '../gen/ts/imsop/inventory/v1/resources.js';
import { adminQuery, productAndWarehouse, unbalancedLevels } from './support/inventory.js';
import { startTestServer, type TestServer } from './support/server.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

/** Reservations with an expiry free their stock once it passes: by the sweeper, or on demand. */

const until = async (check: () => Promise<boolean>, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('the expiry sweeper', () => {
  let one: TestServer;
  let two: TestServer | undefined;
  let t: Tenant;

  beforeAll(async () => {
    one = await startTestServer({ env: { RESERVATION_SWEEP_INTERVAL_MS: '100' } });
    t = await signedInTenant(one);
  });
  afterAll(async () => {
    await two?.stop();
    await one?.stop();
  });

  it('expires a reservation after its ttl and frees the stock, with an EXPIRE ledger entry by the system', async () => {
    const { product, warehouse } = await productAndWarehouse(t, { onHand: 10 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const { reservation } = await t.imsop.stock.reserveStock({
      ...level,
      quantity: 4,
      expiration: { $case: 'ttl', value: { seconds: 1, nanos: 0 } },
    });
    const kept = await t.imsop.stock.reserveStock({ ...level, quantity: 1 });
    expect((await t.imsop.stock.getStockLevel(level)).stockLevel?.quantityAvailable).toBe(5);

    await until(
      async () =>
        (await t.imsop.stock.getReservation({ reservationId: reservation!.id })).reservation?.status ===
        ReservationStatus.RESERVATION_STATUS_EXPIRED,
    );
    const expired = (await t.imsop.stock.getReservation({ reservationId: reservation!.id })).reservation!;
    expect(expired.closeTime!.getTime()).toBeGreaterThanOrEqual(expired.expireTime!.getTime());
    expect((await t.imsop.stock.getReservation({ reservationId: kept.reservation!.id })).reservation?.status).toBe(
      ReservationStatus.RESERVATION_STATUS_ACTIVE,
    );
    expect((await t.imsop.stock.getStockLevel(level)).stockLevel).toMatchObject({
      quantityReserved: 1,
      quantityAvailable: 9,
    });
    const [entry] = (
      await t.imsop.stock.listInventoryTransactions({
        productId: product.id,
        type: T.INVENTORY_TRANSACTION_TYPE_EXPIRE,
      })
    ).transactions;
    expect(entry).toMatchObject({ reservedDelta: -4, reservationId: reservation!.id, actorId: '' });
  });

  it('two instances sweeping at once expire every reservation exactly once', async () => {
    // A second instance on the same database. (Each keeps its in-process cache here, so reads
    // below go to levels neither has cached; several instances share Redis in production.)
    two = await startTestServer({ database: one.database, env: { RESERVATION_SWEEP_INTERVAL_MS: '100' } });
    const levels: { warehouseId: string; productId: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const { product, warehouse } = await productAndWarehouse(t, { onHand: 100 });
      levels.push({ warehouseId: warehouse.id, productId: product.id });
    }
    const onTwo = two.connect(t.token);
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 45 }, async (_, i) => {
        const imsop = i % 2 === 0 ? t.imsop : onTwo;
        const { reservation } = await imsop.stock.reserveStock({
          ...levels[i % 3]!,
          quantity: 2,
          expiration: { $case: 'ttl', value: { seconds: 1, nanos: 0 } },
        });
        ids.push(reservation!.id);
      }),
    );
    await until(async () => {
      const [row] = await adminQuery<{ n: number }>(
        one,
        `SELECT count(*)::int AS n FROM reservations WHERE id = ANY($1) AND status = 'active'`,
        [ids],
      );
      return row!.n === 0;
    });
    const [ledger] = await adminQuery<{ expires: number; distinct_reservations: number }>(
      one,
      `SELECT count(*)::int AS expires, count(DISTINCT reservation_id)::int AS distinct_reservations
       FROM inventory_transactions WHERE reservation_id = ANY($1) AND type = 'expire'`,
      [ids],
    );
    expect(ledger).toEqual({ expires: 45, distinct_reservations: 45 });
    for (const level of levels)
      expect((await t.imsop.stock.getStockLevel(level)).stockLevel).toMatchObject({
        quantityReserved: 0,
        quantityAvailable: 100,
      });
    expect(await unbalancedLevels(one, t.organizationId)).toEqual([]);
  });
});

describe('expiry without the sweeper', () => {
  let ts: TestServer;
  let t: Tenant;

  beforeAll(async () => {
    ts = await startTestServer({ env: { RESERVATION_SWEEP_INTERVAL_MS: '0' } });
    t = await signedInTenant(ts);
  });
  afterAll(() => ts?.stop());

  it('a reservation that finds too little stock first expires the lapsed ones of that level', async () => {
    const { product, warehouse } = await productAndWarehouse(t, { onHand: 5 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const lapsing = await t.imsop.stock.reserveStock({
      ...level,
      quantity: 5,
      expiration: { $case: 'ttl', value: { seconds: 1, nanos: 0 } },
    });
    await new Promise((r) => setTimeout(r, 1300));
    // Still held: nobody swept it...
    expect((await t.imsop.stock.getReservation({ reservationId: lapsing.reservation!.id })).reservation?.status).toBe(
      ReservationStatus.RESERVATION_STATUS_ACTIVE,
    );
    // ...but its expiry has passed, so the stock is there for the next reservation.
    const next = await t.imsop.stock.reserveStock({ ...level, quantity: 5 });
    expect(next.stockLevel).toMatchObject({ quantityReserved: 5, quantityAvailable: 0 });
    expect((await t.imsop.stock.getReservation({ reservationId: lapsing.reservation!.id })).reservation?.status).toBe(
      ReservationStatus.RESERVATION_STATUS_EXPIRED,
    );
    expect(await unbalancedLevels(ts, t.organizationId)).toEqual([]);
  });

  it('releasing a lapsed reservation expires it; fulfilling one is refused', async () => {
    const { product, warehouse } = await productAndWarehouse(t, { onHand: 5 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const a = await t.imsop.stock.reserveStock({
      ...level,
      quantity: 1,
      expiration: { $case: 'ttl', value: { seconds: 1, nanos: 0 } },
    });
    const b = await t.imsop.stock.reserveStock({
      ...level,
      quantity: 1,
      expiration: { $case: 'ttl', value: { seconds: 1, nanos: 0 } },
    });
    await new Promise((r) => setTimeout(r, 1300));
    const released = await t.imsop.stock.releaseReservation({ reservationId: a.reservation!.id });
    expect(released.reservation?.status).toBe(ReservationStatus.RESERVATION_STATUS_EXPIRED);
    const refused = await t.imsop.stock.fulfillReservation({ reservationId: b.reservation!.id }).catch((e) => e);
    expect(refused.code).toBe(9);
    expect((await t.imsop.stock.getStockLevel(level)).stockLevel).toMatchObject({
      quantityOnHand: 5,
      quantityReserved: 1,
    });
  });
});
