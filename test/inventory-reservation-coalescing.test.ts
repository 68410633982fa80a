import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/platform/config.js';
import { expectError } from './support/expect-error.js';
import { adminQuery, productAndWarehouse, unbalancedLevels } from './support/inventory.js';
import { ReservationStatus } from '../gen/ts/imsop/inventory/v1/resources.js';
import { ImsopError, Status, type ImsopClient } from './support/sdk.js';
import { startTestServer, type TestServer } from './support/server.js';
import { signedInTenant, signIn, userWithRoles, type Tenant } from './support/tenant.js';

/**
 * Concurrent reservations of one stock level are applied together (RESERVATION_COALESCING=on, the
 * default): one statement and one commit for a batch, yet each caller answered exactly as if
 * the reservations had been applied one by one in arrival order. Two instances share one
 * database, each coalescing its own callers; the level's row lock orders them.
 */

let one: TestServer;
let two: TestServer;
let t: Tenant;

beforeAll(async () => {
  one = await startTestServer({ env: { RESERVATION_SWEEP_INTERVAL_MS: '0' } });
  two = await startTestServer({ env: { RESERVATION_SWEEP_INTERVAL_MS: '0' }, database: one.database });
  t = await signedInTenant(one);
});
afterAll(async () => {
  await two?.stop();
  await one?.stop();
});

/** A fresh session on `ts` whose principal is cached, so a burst measures stock, not sign-in. */
async function warmApi(ts: TestServer): Promise<ImsopClient> {
  const api = ts.connect(await signIn(ts, t.name, t.adminEmail, t.adminPassword));
  await api.warehouses.listWarehouses({ pageSize: 1 });
  return api;
}

type Settled<R> = { ok: true; value: R } | { ok: false; error: ImsopError };

function asImsopError(error: unknown): ImsopError {
  if (error instanceof ImsopError) return error;
  throw error;
}

/** Settles every call, keeping each outcome in its call's position. */
async function settleInOrder<R>(calls: Promise<R>[]): Promise<Settled<R>[]> {
  return (await Promise.allSettled(calls)).map((r) =>
    r.status === 'fulfilled' ? { ok: true, value: r.value } : { ok: false, error: asImsopError(r.reason) },
  );
}

/** How many transactions wrote the level's reservations (rows written by one share its xmin). */
async function reservationTransactions(
  ts: TestServer,
  productId: string,
): Promise<{ reservations: number; transactions: number }> {
  const [row] = await adminQuery<{ reservations: number; transactions: number }>(
    ts,
    `SELECT count(*)::int AS reservations, count(DISTINCT xmin::text)::int AS transactions FROM reservations WHERE organization_id = $1 AND product_id = $2`,
    [t.organizationId, productId],
  );
  return row!;
}

async function reserveLedger(ts: TestServer, productId: string) {
  const [row] = await adminQuery<{ entries: number; reserved: number }>(
    ts,
    `SELECT count(*)::int AS entries, coalesce(sum(reserved_delta), 0)::int AS reserved FROM inventory_transactions
     WHERE organization_id = $1 AND product_id = $2 AND type = 'reserve'`,
    [t.organizationId, productId],
  );
  return row!;
}

describe('coalesced reservations of one level', () => {
  it('120 concurrent reservations of 3 against 50: exactly 16 succeed, in fewer transactions, each refusal carrying what was left', async () => {
    const { product, warehouse } = await productAndWarehouse(t, { onHand: 50 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const api = await warmApi(one);

    const results = await settleInOrder(
      Array.from({ length: 120 }, (_, i) => api.stock.reserveStock({ ...level, quantity: 3, reference: `order-${i}` })),
    );
    const ok = results.flatMap((r) => (r.ok ? [r.value] : []));
    const failed = results.flatMap((r) => (r.ok ? [] : [r.error]));

    expect(ok).toHaveLength(Math.floor(50 / 3));
    for (const f of failed) {
      expect(f).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'INSUFFICIENT_STOCK' });
      expect(f.metadata).toMatchObject({ available: String(50 % 3), requested: '3' });
    }
    // Each answer shows the level right after its own reservation: 16 distinct steps down by 3.
    const afters = ok.map((r) => r.stockLevel!.quantityAvailable).sort((a, b) => b - a);
    expect(afters).toEqual(Array.from({ length: 16 }, (_, k) => 50 - 3 * (k + 1)));
    expect(new Set(ok.map((r) => r.stockLevel!.etag)).size).toBe(16);
    for (const r of ok)
      expect(r.reservation).toMatchObject({ quantity: 3, productId: product.id, warehouseId: warehouse.id });

    expect((await t.imsop.stock.getStockLevel(level)).stockLevel).toMatchObject({
      quantityOnHand: 50,
      quantityReserved: 48,
      quantityAvailable: 2,
    });
    expect(await reserveLedger(one, product.id)).toEqual({ entries: 16, reserved: 48 });
    const written = await reservationTransactions(one, product.id);
    expect(written.reservations).toBe(16);
    // Coalesced: several reservations shared a transaction.
    expect(written.transactions).toBeLessThan(16);
    expect(await unbalancedLevels(one, t.organizationId)).toEqual([]);
  });

  it('applies a batch in arrival order: a request that does not fit is refused and a later, smaller one still fits', async () => {
    const { product, warehouse } = await productAndWarehouse(t, { onHand: 11 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const api = await warmApi(one);

    // The first goes at once; the three sent while it is in flight form the next batch, in order.
    const [first, six, five, three] = await settleInOrder(
      [1, 6, 5, 3].map((quantity) => api.stock.reserveStock({ ...level, quantity })),
    );
    expect(first).toMatchObject({ ok: true });
    expect(six).toMatchObject({ ok: true });
    expect(five).toMatchObject({
      ok: false,
      error: { reason: 'INSUFFICIENT_STOCK', metadata: { available: '4', requested: '5' } },
    });
    expect(three).toMatchObject({ ok: true });
    if (!six!.ok || !three!.ok) throw new Error('unreachable');
    expect(six.value.stockLevel).toMatchObject({ quantityReserved: 7, quantityAvailable: 4 });
    expect(three.value.stockLevel).toMatchObject({ quantityReserved: 10, quantityAvailable: 1 });

    const ledger = await adminQuery<{ reserved_delta: number; reserved_after: number }>(
      one,
      `SELECT reserved_delta, reserved_after FROM inventory_transactions WHERE organization_id = $1 AND product_id = $2 AND type = 'reserve' ORDER BY reserved_after`,
      [t.organizationId, product.id],
    );
    expect(ledger).toEqual([
      { reserved_delta: 1, reserved_after: 1 },
      { reserved_delta: 6, reserved_after: 7 },
      { reserved_delta: 3, reserved_after: 10 },
    ]);
    // The 6 and the 3 were written by one transaction: the batch walked them in order.
    const batches = await adminQuery<{ quantity: number; tx: string }>(
      one,
      `SELECT quantity, xmin::text AS tx FROM reservations WHERE organization_id = $1 AND product_id = $2`,
      [t.organizationId, product.id],
    );
    const txOf = (q: number) => batches.find((b) => b.quantity === q)!.tx;
    expect(txOf(6)).toBe(txOf(3));
    expect(await unbalancedLevels(one, t.organizationId)).toEqual([]);
  });

  it('a retried request_id of a batched reservation gets the same answer and reserves nothing more; a refused one is not remembered', async () => {
    const { product, warehouse } = await productAndWarehouse(t, { onHand: 10 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const api = await warmApi(one);
    const requestIds = Array.from({ length: 20 }, () => randomUUID());

    const firsts = await settleInOrder(
      requestIds.map((requestId) => api.stock.reserveStock({ ...level, quantity: 1, requestId })),
    );
    // The retries race nothing now; the same request_id twice at once must still reserve once.
    const retries = await settleInOrder(
      requestIds.flatMap((requestId) => [
        api.stock.reserveStock({ ...level, quantity: 1, requestId }),
        api.stock.reserveStock({ ...level, quantity: 1, requestId }),
      ]),
    );

    expect(firsts.filter((r) => r.ok)).toHaveLength(10);
    firsts.forEach((first, i) => {
      for (const retry of [retries[2 * i]!, retries[2 * i + 1]!]) {
        if (first.ok) expect(retry).toEqual(first);
        else
          expect(retry).toMatchObject({
            ok: false,
            error: { reason: 'INSUFFICIENT_STOCK', metadata: { available: '0' } },
          });
      }
    });
    expect(await reserveLedger(one, product.id)).toEqual({ entries: 10, reserved: 10 });
    const [stored] = await adminQuery<{ n: number }>(
      one,
      `SELECT count(*)::int AS n FROM request_idempotency WHERE organization_id = $1 AND request_id = ANY($2::uuid[])`,
      [t.organizationId, requestIds],
    );
    expect(stored!.n).toBe(10);
  });

  it('answers a request_id reused for a different request on its own, without failing the rest of its batch', async () => {
    const { product, warehouse } = await productAndWarehouse(t, { onHand: 100 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const api = await warmApi(one);
    const reused = randomUUID();
    await api.stock.reserveStock({ ...level, quantity: 1, requestId: reused });

    const results = await settleInOrder(
      Array.from({ length: 30 }, (_, i) =>
        api.stock.reserveStock({ ...level, quantity: i === 15 ? 2 : 1, requestId: i === 15 ? reused : randomUUID() }),
      ),
    );
    expect(results[15]).toMatchObject({
      ok: false,
      error: { code: Status.INVALID_ARGUMENT, reason: 'REQUEST_ID_REUSED' },
    });
    expect(results.filter((r) => r.ok)).toHaveLength(29);
    expect(await reserveLedger(one, product.id)).toEqual({ entries: 30, reserved: 30 });
    expect(await unbalancedLevels(one, t.organizationId)).toEqual([]);
  });
  it('keeps each caller as the actor of its own reservation, ledger row, event and audit entry when two users reserve at once', async () => {
    const { product, warehouse } = await productAndWarehouse(t, { onHand: 100 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const other = await userWithRoles(one, t, ['operator']);
    const admin = await warmApi(one);
    const operator = other.imsop;
    await operator.warehouses.listWarehouses({ pageSize: 1 });

    const calls = Array.from({ length: 40 }, (_, i) =>
      (i % 2 === 0 ? admin : operator).stock.reserveStock({
        ...level,
        quantity: 1,
        reference: i % 2 === 0 ? 'admin' : 'operator',
      }),
    );
    const results = await settleInOrder(calls);
    expect(results.every((r) => r.ok)).toBe(true);

    const actors = await adminQuery<{
      reference: string;
      created_by: string;
      ledger_actor: string;
      event_actor: string;
      audit_actor: string;
    }>(
      one,
      `SELECT r.reference, r.created_by::text, t.actor_id::text AS ledger_actor,
              (SELECT e.actor_id::text FROM analytics_events e WHERE e.organization_id = r.organization_id AND e.entity_id = r.id::text
                 AND e.event_type = 'inventory.reservation_created') AS event_actor,
              (SELECT a.actor_id::text FROM audit_log a WHERE a.organization_id = r.organization_id AND a.table_name = 'reservations'
                 AND a.operation = 'INSERT' AND a.row_key = r.id::text) AS audit_actor
       FROM reservations r JOIN inventory_transactions t ON t.organization_id = r.organization_id AND t.reservation_id = r.id
       WHERE r.organization_id = $1 AND r.product_id = $2`,
      [t.organizationId, product.id],
    );
    expect(actors).toHaveLength(40);
    const adminId = actors.find((a) => a.reference === 'admin')!.created_by;
    expect(adminId).not.toBe(other.id);
    for (const a of actors) {
      const expected = a.reference === 'admin' ? adminId : other.id;
      expect(a).toEqual({
        reference: a.reference,
        created_by: expected,
        ledger_actor: expected,
        event_actor: expected,
        audit_actor: expected,
      });
    }
  });

  it('does not apply a queued reservation whose caller gave up before its batch ran', async () => {
    const { product, warehouse } = await productAndWarehouse(t, { onHand: 10 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const api = await warmApi(one);
    // Hold the level's row lock, so the first reservation stays in flight and the next one queues.
    const lock = await lockLevel(product.id);
    try {
      const inFlight = api.stock.reserveStock({ ...level, quantity: 1, reference: 'in-flight' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const gaveUp = one
        .connect(t.token, { defaultDeadlineMs: 300 })
        .stock.reserveStock({ ...level, quantity: 2, reference: 'gave-up' });
      expect(await expectError(gaveUp)).toMatchObject({ code: Status.DEADLINE_EXCEEDED });
      // The server's deadline for the call runs from when the call reached it, a little after
      // the client's: on a loaded machine (the whole suite at once) the level could otherwise be
      // released while the server still counts the caller as waiting.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await lock.release();
      expect((await inFlight).stockLevel).toMatchObject({ quantityReserved: 1 });
    } finally {
      await lock.end();
    }
    const after = await api.stock.reserveStock({ ...level, quantity: 1, reference: 'after' });
    expect(after.stockLevel).toMatchObject({ quantityReserved: 2 });
    const references = await adminQuery<{ reference: string }>(
      one,
      `SELECT reference FROM inventory_transactions WHERE organization_id = $1 AND product_id = $2 AND type = 'reserve' ORDER BY reserved_after`,
      [t.organizationId, product.id],
    );
    expect(references.map((r) => r.reference)).toEqual(['in-flight', 'after']);
  });
});

/** Takes the level's row lock (as the superuser) until `release`; `end` closes the connection. */
async function lockLevel(productId: string) {
  const holder = new pg.Client({ connectionString: one.database.adminUrl });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('SELECT 1 FROM inventory WHERE organization_id = $1 AND product_id = $2 FOR UPDATE', [
    t.organizationId,
    productId,
  ]);
  return { release: () => holder.query('COMMIT'), end: () => holder.end() };
}

/** Runs `calls` while the level's row is locked, so the first is in flight and the rest queue into one batch. */
async function behindLockedLevel<R>(productId: string, calls: () => Promise<R>[]): Promise<Settled<R>[]> {
  const lock = await lockLevel(productId);
  try {
    const settled = settleInOrder(calls());
    await new Promise((resolve) => setTimeout(resolve, 300));
    await lock.release();
    return await settled;
  } finally {
    await lock.end();
  }
}

describe('batches that meet lapsed reservations or a level that cannot take them', () => {
  it('expire the lapsed reservations first when the stock is short, as one by one', async () => {
    const { product, warehouse } = await productAndWarehouse(t, { onHand: 10 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const api = await warmApi(one);
    const lapsing = await api.stock.reserveStock({
      ...level,
      quantity: 9,
      expiration: { $case: 'ttl', value: { seconds: 1, nanos: 0 } },
    });
    await new Promise((resolve) => setTimeout(resolve, 1300));

    const results = await behindLockedLevel(product.id, () =>
      Array.from({ length: 12 }, (_, i) => api.stock.reserveStock({ ...level, quantity: 1, reference: `late-${i}` })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    for (const r of results.filter((r) => !r.ok))
      expect(r.error).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'INSUFFICIENT_STOCK' });
    expect((await api.stock.getReservation({ reservationId: lapsing.reservation!.id })).reservation?.status).toBe(
      ReservationStatus.RESERVATION_STATUS_EXPIRED,
    );
    expect((await api.stock.getStockLevel(level)).stockLevel).toMatchObject({
      quantityReserved: 10,
      quantityAvailable: 0,
    });
    // The queued ones went together: 11 calls, the one in flight alone and one batch (12 reservations with the lapsed one).
    const written = await reservationTransactions(one, product.id);
    expect(written.reservations).toBe(11);
    expect(written.transactions).toBeLessThanOrEqual(3);
    expect(await unbalancedLevels(one, t.organizationId)).toEqual([]);
  });

  it('answer each call of a level that cannot take reservations exactly as alone, and write nothing', async () => {
    const api = await warmApi(one);
    const archived = await productAndWarehouse(t, { onHand: 5 });
    await api.products.archiveProduct({ productId: archived.product.id });
    const inactive = await productAndWarehouse(t);
    await api.warehouses.deactivateWarehouse({ warehouseId: inactive.warehouse.id });
    const neverStocked = await productAndWarehouse(t);
    const burst = (target: { product: { id: string }; warehouse: { id: string } }) =>
      Array.from({ length: 6 }, () =>
        api.stock.reserveStock({ warehouseId: target.warehouse.id, productId: target.product.id, quantity: 1 }),
      );

    const cases = [
      {
        results: await behindLockedLevel(archived.product.id, () => burst(archived)),
        expected: { code: Status.FAILED_PRECONDITION, reason: 'PRODUCT_ARCHIVED' },
      },
      {
        results: await settleInOrder(burst(inactive)),
        expected: { code: Status.FAILED_PRECONDITION, reason: 'WAREHOUSE_INACTIVE' },
      },
      {
        results: await settleInOrder(burst(neverStocked)),
        expected: { code: Status.FAILED_PRECONDITION, reason: 'INSUFFICIENT_STOCK' },
      },
      {
        results: await settleInOrder(burst({ product: { id: randomUUID() }, warehouse: archived.warehouse })),
        expected: { code: Status.NOT_FOUND },
      },
    ];
    for (const { results, expected } of cases) {
      expect(results).toHaveLength(6);
      for (const r of results) {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error).toMatchObject(expected);
      }
    }
    for (const target of [archived, inactive, neverStocked])
      expect(await reservationTransactions(one, target.product.id)).toEqual({ reservations: 0, transactions: 0 });
    expect(await unbalancedLevels(one, t.organizationId)).toEqual([]);
  });
});

describe('two instances coalescing on one level', () => {
  it('interleaved reservations, releases and issues through both keep the level equal to the ledger and never oversell', async () => {
    const { product, warehouse } = await productAndWarehouse(t, { onHand: 300 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const apis = [await warmApi(one), await warmApi(two)];
    const held = (
      await settleInOrder(
        Array.from({ length: 40 }, (_, i) => apis[i % 2]!.stock.reserveStock({ ...level, quantity: 2 })),
      )
    ).flatMap((r) => (r.ok ? [r.value] : []));
    expect(held).toHaveLength(40);

    const reservations: Promise<{ stockLevel?: { quantityAvailable: number } }>[] = [];
    const others: Promise<{ stockLevel?: { quantityAvailable: number } }>[] = [];
    for (let i = 0; i < 160; i++) {
      const api = apis[i % 2]!;
      reservations.push(api.stock.reserveStock({ ...level, quantity: 1 + (i % 3), reference: `r-${i}` }));
      if (i < held.length) others.push(api.stock.releaseReservation({ reservationId: held[i]!.reservation!.id }));
      if (i % 4 === 0) others.push(api.stock.issueStock({ ...level, quantity: 3 }));
    }
    // Both settled at once: a refusal among `others` is handled as it arrives, not left unhandled.
    const [reserved, rest] = await Promise.all([settleInOrder(reservations), settleInOrder(others)]);
    for (const r of [...reserved, ...rest]) {
      if (r.ok) expect(r.value.stockLevel!.quantityAvailable).toBeGreaterThanOrEqual(0);
      else expect(r.error.reason).toBe('INSUFFICIENT_STOCK');
    }
    const accepted = reserved.filter((r) => r.ok).length;
    expect(accepted).toBeGreaterThan(0);
    expect(reserved.some((r) => !r.ok)).toBe(true);

    const after = (await t.imsop.stock.getStockLevel(level)).stockLevel!;
    expect(after.quantityAvailable).toBeGreaterThanOrEqual(0);
    expect(after.quantityReserved).toBeLessThanOrEqual(after.quantityOnHand);
    expect((await reserveLedger(one, product.id)).entries).toBe(40 + accepted);
    expect(await unbalancedLevels(one, t.organizationId)).toEqual([]);
    const written = await reservationTransactions(one, product.id);
    expect(written.reservations).toBe(40 + accepted);
  });
});

describe('with RESERVATION_COALESCING=off', () => {
  let off: TestServer;
  beforeAll(async () => {
    off = await startTestServer({
      env: { RESERVATION_SWEEP_INTERVAL_MS: '0', RESERVATION_COALESCING: 'off' },
      database: one.database,
    });
  });
  afterAll(() => off?.stop());

  it('each reservation is its own transaction, with the same outcome', async () => {
    const { product, warehouse } = await productAndWarehouse(t, { onHand: 20 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const api = await warmApi(off);
    const results = await settleInOrder(
      Array.from({ length: 40 }, () => api.stock.reserveStock({ ...level, quantity: 1 })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    expect(await reservationTransactions(off, product.id)).toEqual({ reservations: 20, transactions: 20 });
    expect(await unbalancedLevels(off, t.organizationId)).toEqual([]);
  });
});

describe('RESERVATION_COALESCING', () => {
  it('is on by default and accepts only on or off', () => {
    expect(loadConfig({}).RESERVATION_COALESCING).toBe('on');
    expect(loadConfig({ RESERVATION_COALESCING: 'off' }).RESERVATION_COALESCING).toBe('off');
    expect(() => loadConfig({ RESERVATION_COALESCING: 'maybe' })).toThrow(
      expect.objectContaining({ problems: ['RESERVATION_COALESCING must be on or off'] }),
    );
  });
});
