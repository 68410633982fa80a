import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import {
  CycleCount,
  InventoryTransaction,
  Lot,
  Reservation,
  StockBalance,
} from '../gen/ts/imsop/inventory/v1/resources.js';
import { ChangeLog, type SeenChange } from './support/change-events.js';
import { tenantTest } from './support/tenant-fixture.js';
import { adminQuery } from './support/inventory.js';
import { newProduct, newWarehouse } from './support/procurement.js';
import type { ImsopClient } from './support/sdk.js';

// The change events of serial-tracked movements, cycle counts and the lot expiry task
// (docs/change-events.md). The expiry task runs every 200 ms here.

const it = tenantTest.override(
  'serverOptions',
  { scope: 'file' },
  { env: { RESERVATION_SWEEP_INTERVAL_MS: '0', LOT_EXPIRY_INTERVAL_MS: '200' } },
);

const STOCK = ['stock_level', 'inventory_transaction', 'reservation', 'stock_balance', 'lot', 'cycle_count'];

const summary = (events: readonly SeenChange[]) => events.map((e) => `${e.eventType} ${e.resourceId}`).sort();
const sorted = (lines: string[]) => [...lines].sort();
const one = (events: readonly SeenChange[], eventType: string, resourceId: string) => {
  const found = events.filter((e) => e.eventType === eventType && e.resourceId === resourceId);
  expect(found, `${eventType} ${resourceId}`).toHaveLength(1);
  return found[0]!;
};

/**
 * The change log of `types` from a point after every change made so far: a marker warehouse is
 * created and its event awaited, so the setup's events, committed before the marker but perhaps
 * positioned with it, are behind the log and not in its first take.
 */
async function settledLog(imsop: ImsopClient, types: readonly string[]): Promise<ChangeLog> {
  const log = await ChangeLog.from(imsop, [...types, 'warehouse']);
  const marker = await newWarehouse(imsop);
  const deadline = Date.now() + 10_000;
  while (!(await log.take(1)).some((e) => e.eventType === 'warehouse.created' && e.resourceId === marker.id)) {
    if (Date.now() > deadline) throw new Error('the marker warehouse never showed in the feed');
  }
  return log;
}

describe('change events of serials, cycle counts and lot expiry', () => {
  it('serial-tracked movements: the ledger rows and the allocations name their serial numbers', async ({ imsop }) => {
    const product = await newProduct(imsop, { serialTracked: true });
    const warehouse = await newWarehouse(imsop);
    const key = { warehouseId: warehouse.id, productId: product.id };
    const level = `${warehouse.id}/${product.id}`;
    const balance = `${warehouse.id}/${warehouse.id}/${product.id}`;
    const sn = (s: string) => `SN-${randomUUID().slice(0, 8)}-${s}`;
    const [s1, s2, s3] = [sn('1'), sn('2'), sn('3')];
    const { location: bin } = await imsop.locations.createLocation({
      location: { warehouseId: warehouse.id, code: 'S-01', name: 'Serial bin' },
    });
    const log = await settledLog(imsop, STOCK);

    const received = await imsop.stock.receiveStock({ ...key, quantity: 3, serialNumbers: [s1!, s2!, s3!] });
    let events = await log.take(4);
    expect(summary(events)).toEqual(
      sorted([
        `stock_level.updated ${level}`,
        `stock.back_in ${level}`,
        `stock.received ${received.transaction!.id}`,
        `stock_balance.updated ${balance}`,
      ]),
    );
    const receipt = one(events, 'stock.received', received.transaction!.id);
    expect(receipt.resource).toEqual(InventoryTransaction.toJSON(received.transaction!));
    expect((receipt.resource.serialNumbers as string[]).sort()).toEqual([s1, s2, s3].sort());

    const issued = await imsop.stock.issueStock({ ...key, quantity: 1, serialNumbers: [s2!] });
    events = await log.take(3);
    expect(summary(events)).toEqual(
      sorted([
        `stock_level.updated ${level}`,
        `stock.issued ${issued.transactions[0]!.id}`,
        `stock_balance.updated ${balance}`,
      ]),
    );
    expect(one(events, 'stock.issued', issued.transactions[0]!.id).resource).toMatchObject({ serialNumbers: [s2] });

    const { reservation } = await imsop.stock.reserveStock({ ...key, quantity: 1, serialNumbers: [s3!] });
    events = await log.take(3);
    const reserved = one(events, 'stock.reserved', reservation!.id);
    const { reservation: stored } = await imsop.stock.getReservation({ reservationId: reservation!.id });
    expect(reserved.resource).toMatchObject({ allocations: [expect.objectContaining({ serialNumbers: [s3] })] });
    expect(stored!.allocations.map((a) => a.quantity)).toEqual([1]);

    const fulfilled = await imsop.stock.fulfillReservation({ reservationId: reservation!.id, note: '' });
    events = await log.take(4);
    expect(summary(events)).toEqual(
      sorted([
        `reservation.fulfilled ${reservation!.id}`,
        `stock_level.updated ${level}`,
        `stock.issued ${fulfilled.transaction!.id}`,
        `stock_balance.updated ${balance}`,
      ]),
    );
    expect(one(events, 'reservation.fulfilled', reservation!.id).resource).toEqual(
      Reservation.toJSON(fulfilled.reservation!),
    );
    expect(one(events, 'stock.issued', fulfilled.transaction!.id).resource).toMatchObject({ serialNumbers: [s3] });

    // The last unit into a bin: both ledger rows name it.
    const moved = await imsop.stock.moveStock({
      ...key,
      sourceLocationId: warehouse.id,
      destinationLocationId: bin!.id,
      quantity: 1,
      serialNumbers: [s1!],
    });
    events = await log.take(5);
    expect(summary(events)).toEqual(
      sorted([
        `stock_level.updated ${level}`,
        ...moved.transactions.map((t) => `stock.moved ${t.id}`),
        `stock_balance.updated ${balance}`,
        `stock_balance.updated ${warehouse.id}/${bin!.id}/${product.id}`,
      ]),
    );
    for (const t of moved.transactions)
      expect(one(events, 'stock.moved', t.id).resource).toMatchObject({ serialNumbers: [s1] });
    await log.expectNone();
  });

  it('a blind cycle count: created without what the books say, updated with the counts, posted after its adjustment', async ({
    imsop,
  }) => {
    const product = await newProduct(imsop);
    const warehouse = await newWarehouse(imsop);
    const { location: bin } = await imsop.locations.createLocation({
      location: { warehouseId: warehouse.id, code: 'C-01', name: 'Counted bin' },
    });
    const key = { warehouseId: warehouse.id, productId: product.id };
    await imsop.stock.receiveStock({ ...key, quantity: 5, locationId: bin!.id });
    const log = await settledLog(imsop, STOCK);

    const { cycleCount: started } = await imsop.cycleCounts.startCycleCount({
      warehouseId: warehouse.id,
      locationId: bin!.id,
      blind: true,
    });
    let events = await log.take(1);
    expect(events).toEqual([
      expect.objectContaining({
        eventType: 'cycle_count.created',
        resourceType: 'cycle_count',
        resourceId: started!.id,
        changeKind: 'created',
        etag: started!.etag,
        resource: CycleCount.toJSON(started!),
      }),
    ]);
    expect(JSON.stringify(events[0]!.resource)).not.toContain('expectedQuantity');

    const { cycleCount: entered } = await imsop.cycleCounts.recordCycleCountEntries({
      cycleCountId: started!.id,
      entries: [{ productId: product.id, countedQuantity: 3 }],
    });
    events = await log.take(1);
    expect(events).toEqual([
      expect.objectContaining({
        eventType: 'cycle_count.updated',
        changeKind: 'updated',
        changedFields: ['lines', 'etag'],
        etag: entered!.etag,
        resource: CycleCount.toJSON(entered!),
      }),
    ]);

    const { cycleCount: posted, transactions } = await imsop.cycleCounts.postCycleCount({
      cycleCountId: started!.id,
      etag: entered!.etag,
    });
    expect(transactions).toHaveLength(1);
    events = await log.take(5);
    const counted = `${warehouse.id}/${bin!.id}/${product.id}`;
    expect(summary(events)).toEqual(
      sorted([
        `stock_level.updated ${warehouse.id}/${product.id}`,
        `stock.adjusted ${transactions[0]!.id}`,
        `stock_balance.updated ${counted}`, // its quantity
        `stock_balance.updated ${counted}`, // its last count time
        `cycle_count.posted ${started!.id}`,
      ]),
    );
    const [adjusted, marked] = events.filter((e) => e.resourceId === counted);
    expect(adjusted!.resource).toMatchObject({ quantityOnHand: 3 });
    expect(marked!.changedFields).toEqual(['last_counted_time']);
    const { balances } = await imsop.stock.listStockBalances({ ...key, locationId: bin!.id });
    expect(marked!.resource).toEqual(StockBalance.toJSON(balances[0]!));
    expect(marked!.resource).toHaveProperty('lastCountedTime');
    expect(events.at(-1)).toMatchObject({
      eventType: 'cycle_count.posted',
      changeKind: 'event',
      resource: CycleCount.toJSON(posted!),
    });
    expect(one(events, 'stock.adjusted', transactions[0]!.id).resource).toEqual(
      InventoryTransaction.toJSON(transactions[0]!),
    );
    await log.expectNone();
  });

  it('an expired lot: its stock moved to hold (the hold location made for it), then lot.expired, by the system', async ({
    server,
    org,
    imsop,
  }) => {
    // Followed from before the warehouse (its default location's event may be positioned late).
    const log = await ChangeLog.from(imsop, [...STOCK, 'location']);
    const product = await newProduct(imsop, { lotTracked: true });
    const warehouse = await newWarehouse(imsop);
    const key = { warehouseId: warehouse.id, productId: product.id };
    const received = await imsop.stock.receiveStock({
      ...key,
      quantity: 4,
      lot: { lotNumber: 'SOON', expiryDate: { year: 2099, month: 1, day: 1 } },
    });
    const lotId = received.transaction!.lotId;
    // The default location, the lot, the receipt's level, threshold, ledger row and balance.
    expect(await log.take(6)).toHaveLength(6);
    await adminQuery(server, `UPDATE lots SET expires_on = current_date - 1 WHERE organization_id = $1 AND id = $2`, [
      org.organizationId,
      lotId,
    ]);
    const events = await log.take(8, 15_000);
    const hold = events.find((e) => e.eventType === 'location.created');
    expect(hold?.resource).toMatchObject({ warehouseId: warehouse.id, type: 'LOCATION_TYPE_HOLD' });
    const level = `${warehouse.id}/${product.id}`;
    const moves = events.filter((e) => e.eventType === 'stock.moved');
    expect(summary(events)).toEqual(
      sorted([
        `location.created ${hold!.resourceId}`,
        `stock_level.updated ${level}`,
        `stock.low ${level}`,
        `stock.out ${level}`,
        ...moves.map((m) => `stock.moved ${m.resourceId}`),
        `stock_balance.updated ${warehouse.id}/${warehouse.id}/${product.id}/${lotId}`,
        `stock_balance.updated ${warehouse.id}/${hold!.resourceId}/${product.id}/${lotId}`,
        `lot.expired ${lotId}`,
      ]),
    );
    expect(moves).toHaveLength(2);
    for (const e of events) expect(e).toMatchObject({ actorKind: 'system', actorId: '', requestId: '' });
    const expired = events.at(-1)!;
    expect(expired).toMatchObject({ eventType: 'lot.expired', resourceType: 'lot', changeKind: 'event' });
    const { lot } = await imsop.lots.getLot({ lotId });
    expect(expired.resource).toEqual(Lot.toJSON(lot!));
    expect(expired.resource).toMatchObject({ expired: true });
    expect(expired.etag).toBe(lot!.etag);
    // Once: the task has handled the lot.
    await log.expectNone();
  });
});
