import { randomUUID } from 'node:crypto';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect } from 'vitest';
import {
  AdjustmentReason,
  InventoryTransaction,
  Location,
  LocationType,
  Lot,
  Product,
  Reservation,
  StockBalance,
  StockLevel,
} from '../gen/ts/imsop/inventory/v1/resources.js';
import { resourcesWithEvent } from '../src/platform/change-feed/recorded-events.js';
import type { UnitOfWork } from '../src/platform/db/unit-of-work.js';
import { ChangeLog, correlated, type SeenChange } from './support/change-events.js';
import { it } from './support/data-fixture.js';
import { expectError } from './support/expect-error.js';
import { newProduct, newWarehouse } from './support/procurement.js';
import type { ImsopClient } from './support/sdk.js';

// Inventory depth's change events (docs/change-events.md): locations, lots, and every movement
// of located or lot stock records what the level's own movements record (stock_level.updated,
// its thresholds on available stock, a stock.* event per ledger row, stock.reserved with the
// allocations) plus stock_balance.updated per balance row, in the movement's one statement; a
// refused movement records nothing.

const STOCK = ['stock_level', 'inventory_transaction', 'reservation', 'stock_balance', 'lot'];

const date = (iso: string) => {
  const [year, month, day] = iso.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
};

/** `event_type resource_id` of each event, sorted: what a call recorded, whatever the order of its statement's parts. */
const summary = (events: readonly SeenChange[]) => events.map((e) => `${e.eventType} ${e.resourceId}`).sort();
const sorted = (lines: string[]) => [...lines].sort();
const one = (events: readonly SeenChange[], eventType: string, resourceId: string) => {
  const found = events.filter((e) => e.eventType === eventType && e.resourceId === resourceId);
  expect(found, `${eventType} ${resourceId}`).toHaveLength(1);
  return found[0]!;
};

/** A product (lot-tracked unless told), a warehouse, and helpers to make bins and name ids. */
async function depthSetup(imsop: ImsopClient, fields: { reorderPoint?: number; lotTracked?: boolean } = {}) {
  const product = await newProduct(imsop, { lotTracked: fields.lotTracked ?? true, reorderPoint: fields.reorderPoint });
  const warehouse = await newWarehouse(imsop);
  const key = { warehouseId: warehouse.id, productId: product.id };
  return {
    product,
    warehouse,
    key,
    levelId: `${warehouse.id}/${product.id}`,
    balanceId: (locationId: string, lotId = '') =>
      `${warehouse.id}/${locationId}/${product.id}${lotId ? `/${lotId}` : ''}`,
    bin: async (code: string, type = LocationType.LOCATION_TYPE_STORAGE) =>
      (await imsop.locations.createLocation({ location: { warehouseId: warehouse.id, code, name: code, type } }))
        .location!,
    receive: async (quantity: number, locationId: string, lotNumber?: string, expiry?: string) =>
      imsop.stock.receiveStock({
        ...key,
        quantity,
        locationId,
        lot: lotNumber ? { lotNumber, expiryDate: expiry ? date(expiry) : undefined } : undefined,
      }),
    /** The balance as ListStockBalances shows it, in proto3 JSON. */
    balanceJson: async (locationId: string, lotId = '') => {
      const { balances } = await imsop.stock.listStockBalances({
        ...key,
        locationId,
        lotId,
        includeEmpty: true,
        pageSize: 10,
        pageToken: '',
      });
      expect(balances).toHaveLength(1);
      return StockBalance.toJSON(balances[0]!);
    },
    levelJson: async () =>
      StockLevel.toJSON((await imsop.stock.getStockLevel(key)).stockLevel!) as Record<string, unknown>,
  };
}

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

describe('inventory depth change events', () => {
  it("locations: created (a warehouse's default one with it), deactivated once; a refused deactivation records nothing", async ({
    org,
    imsop,
  }) => {
    const log = await ChangeLog.from(imsop, ['warehouse', 'location']);
    const warehouse = await newWarehouse(imsop);
    const created = await log.take(2);
    expect(created.map((e) => [e.eventType, e.resourceId])).toEqual([
      ['warehouse.created', warehouse.id],
      ['location.created', warehouse.id],
    ]);
    const { location: defaultLocation } = await imsop.locations.getLocation({ locationId: warehouse.id });
    expect(created[1]).toMatchObject({
      changeKind: 'created',
      etag: defaultLocation!.etag,
      resource: Location.toJSON(defaultLocation!),
    });
    expect(created[1]!.resource).toMatchObject({ isDefault: true, code: 'DEFAULT' });

    const requestId = randomUUID();
    const { location: zone } = await imsop.locations.createLocation(
      { location: { warehouseId: warehouse.id, code: 'Z1', name: 'Zone 1' } },
      correlated(requestId),
    );
    const { location: bin } = await imsop.locations.createLocation({
      location: {
        warehouseId: warehouse.id,
        parentId: zone!.id,
        code: 'Z1-01',
        name: 'Bin',
        type: LocationType.LOCATION_TYPE_PICKING,
      },
    });
    expect(await log.take(2)).toEqual([
      {
        eventType: 'location.created',
        resourceType: 'location',
        resourceId: zone!.id,
        changeKind: 'created',
        changedFields: [],
        etag: zone!.etag,
        actorKind: 'user',
        actorId: org.adminUserId,
        requestId,
        resource: Location.toJSON(zone!),
      },
      expect.objectContaining({ eventType: 'location.created', resourceId: bin!.id, resource: Location.toJSON(bin!) }),
    ]);

    // Refused: a zone with an active bin inside, the default location, a taken code. No event.
    expect((await expectError(imsop.locations.deactivateLocation({ locationId: zone!.id, etag: '' }))).reason).toBe(
      'LOCATION_NOT_EMPTY',
    );
    expect((await expectError(imsop.locations.deactivateLocation({ locationId: warehouse.id, etag: '' }))).reason).toBe(
      'DEFAULT_LOCATION',
    );
    expect(
      (
        await expectError(
          imsop.locations.createLocation({ location: { warehouseId: warehouse.id, code: 'Z1', name: 'Again' } }),
        )
      ).reason,
    ).toBe('LOCATION_CODE_TAKEN');
    await log.expectNone();

    const { location: inactive } = await imsop.locations.deactivateLocation({ locationId: bin!.id, etag: '' });
    await imsop.locations.deactivateLocation({ locationId: bin!.id, etag: '' }); // already inactive: no change
    expect(await log.take(1)).toEqual([
      expect.objectContaining({
        eventType: 'location.updated',
        resourceId: bin!.id,
        changeKind: 'updated',
        changedFields: ['status', 'etag', 'update_time'],
        etag: inactive!.etag,
        resource: Location.toJSON(inactive!),
      }),
    ]);
    await log.expectNone();
  });

  it('lots: CreateLot and a receipt of a new lot number record lot.created once; a known number, none', async ({
    imsop,
  }) => {
    const s = await depthSetup(imsop);
    const log = await ChangeLog.from(imsop, ['lot']);
    const { lot } = await imsop.lots.createLot({
      lot: {
        productId: s.product.id,
        lotNumber: 'MADE-1',
        expiryDate: date('2099-03-01'),
        supplierLotReference: 'S-9',
      },
    });
    expect(await log.take(1)).toEqual([
      expect.objectContaining({
        eventType: 'lot.created',
        resourceType: 'lot',
        resourceId: lot!.id,
        changeKind: 'created',
        etag: lot!.etag,
        resource: Lot.toJSON(lot!),
      }),
    ]);
    expect(
      (await expectError(imsop.lots.createLot({ lot: { productId: s.product.id, lotNumber: 'MADE-1' } }))).reason,
    ).toBe('LOT_NUMBER_TAKEN');

    const received = await s.receive(4, '', 'NEW-1', '2099-05-01');
    const lotId = received.transaction!.lotId;
    const [made] = await log.take(1);
    expect(made).toMatchObject({ eventType: 'lot.created', resourceId: lotId });
    expect(made!.resource).toEqual(Lot.toJSON((await imsop.lots.getLot({ lotId })).lot!));
    // The same number again (and a receipt naming the lot by id) books to the lot: no new lot.
    await s.receive(2, '', 'NEW-1', '2099-05-01');
    await imsop.stock.receiveStock({ ...s.key, quantity: 1, lot: { lotId } });
    await s.receive(1, '', 'MADE-1');
    await log.expectNone();
  });

  it('product.updated names a change of lot tracking', async ({ imsop }) => {
    const product = await newProduct(imsop);
    const log = await ChangeLog.from(imsop, ['product']);
    const { product: tracked } = await imsop.products.updateProduct({
      product: { ...product, lotTracked: true },
      updateMask: ['lot_tracked'],
    });
    const [event] = await log.take(1);
    expect(event).toMatchObject({ eventType: 'product.updated', resourceId: product.id, etag: tracked!.etag });
    expect(event!.changedFields).toContain('lot_tracked');
    expect(event!.resource).toEqual(Product.toJSON(tracked!));
    expect(event!.resource).toMatchObject({ lotTracked: true });
  });

  it('a receipt into a bin and a new lot: the lot, the level and its threshold, the ledger row, the balance', async ({
    org,
    imsop,
  }) => {
    const s = await depthSetup(imsop, { reorderPoint: 5 });
    const bin = await s.bin('A-01');
    const log = await settledLog(imsop, STOCK);
    const requestId = randomUUID();
    const received = await imsop.stock.receiveStock(
      { ...s.key, quantity: 10, locationId: bin.id, lot: { lotNumber: 'L1', expiryDate: date('2099-01-31') } },
      correlated(requestId),
    );
    const entry = received.transaction!;
    const events = await log.take(5);
    expect(summary(events)).toEqual(
      sorted([
        `lot.created ${entry.lotId}`,
        `stock_level.updated ${s.levelId}`,
        `stock.back_in ${s.levelId}`,
        `stock.received ${entry.id}`,
        `stock_balance.updated ${s.balanceId(bin.id, entry.lotId)}`,
      ]),
    );
    for (const e of events) expect(e).toMatchObject({ requestId, actorKind: 'user', actorId: org.adminUserId });
    // The lot's event comes before the stock it holds.
    expect(events[0]!.eventType).toBe('lot.created');

    const level = one(events, 'stock_level.updated', s.levelId);
    const levelNow = await s.levelJson();
    expect(level.resource).toEqual(levelNow);
    expect(level.etag).toBe(levelNow.etag);
    // low_stock: 0 available was at or below the reorder point; 10 is above it.
    expect(level.changedFields).toEqual(['quantity_on_hand', 'quantity_available', 'low_stock', 'etag', 'update_time']);
    expect(one(events, 'stock.back_in', s.levelId).resource).toEqual(levelNow);
    expect(one(events, 'stock.received', entry.id).resource).toEqual(InventoryTransaction.toJSON(entry));
    const balance = one(events, 'stock_balance.updated', s.balanceId(bin.id, entry.lotId));
    expect(balance).toMatchObject({
      resourceType: 'stock_balance',
      changeKind: 'updated',
      etag: '',
      changedFields: ['quantity_on_hand', 'quantity_available', 'update_time'],
    });
    expect(balance.resource).toEqual(await s.balanceJson(bin.id, entry.lotId));
    expect(balance.resource).toMatchObject({ locationCode: 'A-01', lotNumber: 'L1', expiryDate: date('2099-01-31') });
    await log.expectNone();
  });

  it('a first-expiry-first-out issue and a move into quarantine: a ledger row and a balance per lot, thresholds on available stock', async ({
    imsop,
  }) => {
    const s = await depthSetup(imsop, { reorderPoint: 5 });
    const binA = await s.bin('A-01');
    const binB = await s.bin('B-01');
    const hold = await s.bin('Q-01', LocationType.LOCATION_TYPE_HOLD);
    const early = (await s.receive(4, binB.id, 'EARLY', '2099-01-01')).transaction!.lotId;
    const late = (await s.receive(6, binA.id, 'LATE', '2099-06-01')).transaction!.lotId;
    const log = await settledLog(imsop, STOCK);

    // 6 units: all 4 of EARLY, 2 of LATE; available 10 -> 4, at or below the reorder point 5.
    const issued = await imsop.stock.issueStock({ ...s.key, quantity: 6 });
    expect(issued.transactions.map((t) => [t.lotId, t.onHandDelta])).toEqual([
      [early, -4],
      [late, -2],
    ]);
    let events = await log.take(6);
    expect(summary(events)).toEqual(
      sorted([
        `stock_level.updated ${s.levelId}`,
        `stock.low ${s.levelId}`,
        ...issued.transactions.map((t) => `stock.issued ${t.id}`),
        `stock_balance.updated ${s.balanceId(binB.id, early)}`,
        `stock_balance.updated ${s.balanceId(binA.id, late)}`,
      ]),
    );
    for (const t of issued.transactions)
      expect(one(events, 'stock.issued', t.id).resource).toEqual(InventoryTransaction.toJSON(t));
    expect(one(events, 'stock_level.updated', s.levelId).resource).toEqual(await s.levelJson());
    expect(one(events, 'stock_balance.updated', s.balanceId(binB.id, early)).resource).toEqual(
      await s.balanceJson(binB.id, early),
    );
    expect(one(events, 'stock_balance.updated', s.balanceId(binA.id, late)).resource).toEqual(
      await s.balanceJson(binA.id, late),
    );

    // The last 4 units into quarantine: still on hand, no longer available (4 -> 0: out).
    const moved = await imsop.stock.moveStock({
      ...s.key,
      sourceLocationId: binA.id,
      destinationLocationId: hold.id,
      quantity: 4,
    });
    events = await log.take(6);
    expect(summary(events)).toEqual(
      sorted([
        `stock_level.updated ${s.levelId}`,
        `stock.out ${s.levelId}`,
        ...moved.transactions.map((t) => `stock.moved ${t.id}`),
        `stock_balance.updated ${s.balanceId(binA.id, late)}`,
        `stock_balance.updated ${s.balanceId(hold.id, late)}`,
      ]),
    );
    const level = one(events, 'stock_level.updated', s.levelId);
    expect(level.resource).toEqual(await s.levelJson());
    expect(level.resource).toMatchObject({ quantityOnHand: 4, quantityOnHold: 4, lowStock: true });
    expect(level.resource).not.toHaveProperty('quantityAvailable');
    expect(level.changedFields).toEqual(['quantity_available', 'quantity_on_hold', 'etag', 'update_time']);
    for (const t of moved.transactions)
      expect(one(events, 'stock.moved', t.id).resource).toEqual(InventoryTransaction.toJSON(t));
    const held = one(events, 'stock_balance.updated', s.balanceId(hold.id, late));
    expect(held.resource).toEqual(await s.balanceJson(hold.id, late));
    expect(held.resource).toMatchObject({ quantityOnHand: 4, state: 'STOCK_STATE_ON_HOLD' });
    expect(held.changedFields).toEqual(['quantity_on_hand', 'update_time']);
    await log.expectNone();
  });

  it('reservations of a lot-tracked product: reserved with their allocations, released, fulfilled', async ({
    imsop,
  }) => {
    const s = await depthSetup(imsop);
    const binA = await s.bin('A-01');
    const binB = await s.bin('B-01');
    const early = (await s.receive(3, binA.id, 'EARLY', '2099-01-01')).transaction!.lotId;
    const late = (await s.receive(5, binB.id, 'LATE', '2099-06-01')).transaction!.lotId;
    const balances = [s.balanceId(binA.id, early), s.balanceId(binB.id, late)];
    const log = await settledLog(imsop, STOCK);

    const { reservation } = await imsop.stock.reserveStock({ ...s.key, quantity: 5 });
    let events = await log.take(4);
    expect(summary(events)).toEqual(
      sorted([
        `stock_level.updated ${s.levelId}`,
        `stock.reserved ${reservation!.id}`,
        ...balances.map((b) => `stock_balance.updated ${b}`),
      ]),
    );
    const reserved = one(events, 'stock.reserved', reservation!.id);
    const { reservation: stored } = await imsop.stock.getReservation({ reservationId: reservation!.id });
    expect(reserved.resource).toEqual(Reservation.toJSON(stored!));
    expect(reserved.resource).toMatchObject({ allocations: expect.arrayContaining([expect.anything()]) });
    expect((reserved.resource.allocations as unknown[]).length).toBe(2);
    expect(reserved.etag).toBe(stored!.etag);
    for (const b of balances)
      expect(one(events, 'stock_balance.updated', b).changedFields).toContain('quantity_reserved');

    const { reservation: released } = await imsop.stock.releaseReservation({ reservationId: reservation!.id });
    events = await log.take(4);
    expect(summary(events)).toEqual(
      sorted([
        `reservation.released ${reservation!.id}`,
        `stock_level.updated ${s.levelId}`,
        ...balances.map((b) => `stock_balance.updated ${b}`),
      ]),
    );
    expect(one(events, 'reservation.released', reservation!.id).resource).toEqual(Reservation.toJSON(released!));
    expect(one(events, 'stock_level.updated', s.levelId).resource).toEqual(await s.levelJson());

    // All 8 reserved (available 8 -> 0: low, at the reorder point 0, and out), then fulfilled: a
    // ledger row and a balance per lot.
    const { reservation: all } = await imsop.stock.reserveStock({ ...s.key, quantity: 8 });
    events = await log.take(6);
    expect(summary(events)).toEqual(
      sorted([
        `stock_level.updated ${s.levelId}`,
        `stock.low ${s.levelId}`,
        `stock.out ${s.levelId}`,
        `stock.reserved ${all!.id}`,
        ...balances.map((b) => `stock_balance.updated ${b}`),
      ]),
    );
    const fulfilled = await imsop.stock.fulfillReservation({ reservationId: all!.id, note: '' });
    events = await log.take(6);
    const { transactions } = await imsop.stock.listInventoryTransactions({
      ...s.key,
      pageSize: 50,
    });
    const issues = transactions.filter((t) => t.reservationId === all!.id && t.onHandDelta < 0);
    expect(issues).toHaveLength(2);
    expect(summary(events)).toEqual(
      sorted([
        `reservation.fulfilled ${all!.id}`,
        `stock_level.updated ${s.levelId}`,
        ...issues.map((t) => `stock.issued ${t.id}`),
        ...balances.map((b) => `stock_balance.updated ${b}`),
      ]),
    );
    expect(one(events, 'reservation.fulfilled', all!.id).resource).toEqual(Reservation.toJSON(fulfilled.reservation!));
    for (const t of issues) expect(one(events, 'stock.issued', t.id).resource).toEqual(InventoryTransaction.toJSON(t));
    for (const b of balances)
      expect(one(events, 'stock_balance.updated', b).resource).not.toHaveProperty('quantityOnHand');
    await log.expectNone();
  });

  it('a transfer of a lot-tracked product: both levels, a ledger row per side and lot, the balances of both sides', async ({
    imsop,
  }) => {
    const s = await depthSetup(imsop);
    const destination = await newWarehouse(imsop);
    const early = (await s.receive(4, '', 'EARLY', '2099-01-01')).transaction!.lotId;
    const late = (await s.receive(6, '', 'LATE', '2099-06-01')).transaction!.lotId;
    const log = await settledLog(imsop, STOCK);
    const transferred = await imsop.stock.transferStock({
      productId: s.product.id,
      sourceWarehouseId: s.warehouse.id,
      destinationWarehouseId: destination.id,
      quantity: 5,
    });
    expect(transferred.transactions).toHaveLength(4);
    const arrived = `${destination.id}/${s.product.id}`;
    const balanceThere = (lotId: string) => `${destination.id}/${destination.id}/${s.product.id}/${lotId}`;
    const events = await log.take(11);
    expect(summary(events)).toEqual(
      sorted([
        `stock_level.updated ${s.levelId}`,
        `stock_level.updated ${arrived}`,
        `stock.back_in ${arrived}`,
        ...transferred.transactions.map((t) => `stock.transferred ${t.id}`),
        `stock_balance.updated ${s.balanceId(s.warehouse.id, early)}`,
        `stock_balance.updated ${s.balanceId(s.warehouse.id, late)}`,
        `stock_balance.updated ${balanceThere(early)}`,
        `stock_balance.updated ${balanceThere(late)}`,
      ]),
    );
    for (const t of transferred.transactions)
      expect(one(events, 'stock.transferred', t.id).resource).toEqual(InventoryTransaction.toJSON(t));
    expect(one(events, 'stock_level.updated', arrived).resource).toEqual(
      StockLevel.toJSON(
        (await imsop.stock.getStockLevel({ warehouseId: destination.id, productId: s.product.id })).stockLevel!,
      ),
    );
    await log.expectNone();
  });

  it("untracked stock: a bin's balance has events; the default location's unlocated stock is the level's", async ({
    imsop,
  }) => {
    const s = await depthSetup(imsop, { lotTracked: false });
    const bin = await s.bin('A-01');
    const log = await settledLog(imsop, STOCK);
    const intoBin = await s.receive(5, bin.id);
    let events = await log.take(4);
    expect(summary(events)).toEqual(
      sorted([
        `stock_level.updated ${s.levelId}`,
        `stock.back_in ${s.levelId}`,
        `stock.received ${intoBin.transaction!.id}`,
        `stock_balance.updated ${s.balanceId(bin.id)}`,
      ]),
    );
    expect(one(events, 'stock_balance.updated', s.balanceId(bin.id)).resource).toEqual(await s.balanceJson(bin.id));

    const intoDefault = await s.receive(3, '');
    events = await log.take(2);
    expect(summary(events)).toEqual(
      sorted([`stock_level.updated ${s.levelId}`, `stock.received ${intoDefault.transaction!.id}`]),
    );

    const adjusted = await imsop.stock.adjustStock({
      ...s.key,
      locationId: bin.id,
      reason: AdjustmentReason.ADJUSTMENT_REASON_DAMAGED,
      change: { $case: 'quantityDelta', value: -2 },
    });
    events = await log.take(3);
    expect(summary(events)).toEqual(
      sorted([
        `stock_level.updated ${s.levelId}`,
        `stock.adjusted ${adjusted.transaction!.id}`,
        `stock_balance.updated ${s.balanceId(bin.id)}`,
      ]),
    );
    expect(one(events, 'stock.adjusted', adjusted.transaction!.id).resource).toEqual(
      InventoryTransaction.toJSON(adjusted.transaction!),
    );
    expect(one(events, 'stock_balance.updated', s.balanceId(bin.id)).resource).toMatchObject({ quantityOnHand: 3 });
    await log.expectNone();
  });

  it('refused movements record nothing', async ({ imsop }) => {
    const s = await depthSetup(imsop);
    const other = await newWarehouse(imsop);
    const bin = await s.bin('A-01');
    const closed = await s.bin('X-01');
    await imsop.locations.deactivateLocation({ locationId: closed.id, etag: '' });
    const expired = (await s.receive(5, bin.id, 'OLD', '2020-01-31')).transaction!.lotId;
    const log = await ChangeLog.from(imsop);

    const refusals = [
      // First expiry first out never picks an expired lot.
      [() => imsop.stock.issueStock({ ...s.key, quantity: 2 }), 'INSUFFICIENT_STOCK'],
      [() => imsop.stock.reserveStock({ ...s.key, quantity: 2 }), 'INSUFFICIENT_STOCK'],
      [
        () =>
          imsop.stock.transferStock({
            productId: s.product.id,
            sourceWarehouseId: s.warehouse.id,
            destinationWarehouseId: other.id,
            quantity: 2,
          }),
        'INSUFFICIENT_STOCK',
      ],
      // Named without allow_expired.
      [
        () =>
          imsop.stock.issueStock({ ...s.key, quantity: 2, lots: [{ lotId: expired, locationId: '', quantity: 2 }] }),
        'LOT_EXPIRED',
      ],
      // A lot-tracked receipt must name its lot; a known lot number with other dates.
      [() => imsop.stock.receiveStock({ ...s.key, quantity: 2 }), 'LOT_REQUIRED'],
      [() => s.receive(2, bin.id, 'OLD', '2030-01-31'), 'LOT_DATES_MISMATCH'],
      // Into an inactive location; more than the bin has.
      [() => s.receive(2, closed.id, 'NEW', '2099-01-31'), 'LOCATION_INACTIVE'],
      [
        () =>
          imsop.stock.moveStock({
            ...s.key,
            sourceLocationId: bin.id,
            destinationLocationId: s.warehouse.id,
            quantity: 9,
          }),
        'INSUFFICIENT_STOCK',
      ],
    ] as const;
    for (const [call, reason] of refusals) expect((await expectError(call())).reason).toBe(reason);
    await log.expectNone();
  });
});

describe("the threshold sweeps' lookup of recorded events", () => {
  it('finds positioned events through the resource index, and events of its own transaction not yet positioned', async ({
    server,
  }) => {
    const queries: CompiledQuery[] = [];
    const db = new Kysely<never>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: server.database.adminUrl, max: 1 }) }),
      log: (event) => {
        if (event.level === 'query') queries.push(event.query);
      },
    });
    const organizationId = randomUUID();
    const rollback = new Error('rollback');
    try {
      await db.transaction().execute(async (tx) => {
        // Never committed: the positioned row must not reach the real feed's readers.
        await sql`INSERT INTO change_events (organization_id, resource_type, resource_id, event_type, change_kind, actor_kind, position)
          VALUES (${organizationId}, 'purchase_order', 'po-positioned', 'purchase_order.late', 'event', 'system', 1),
                 (${organizationId}, 'purchase_order', 'po-waiting', 'purchase_order.late', 'event', 'system', NULL),
                 (${organizationId}, 'purchase_order', 'po-other', 'purchase_order.approved', 'event', 'system', 2)`.execute(
          tx,
        );
        const work = { tx, tenant: { organizationId } } as unknown as UnitOfWork;
        queries.length = 0;
        const found = await resourcesWithEvent(work, 'purchase_order', 'purchase_order.late', [
          'po-positioned',
          'po-waiting',
          'po-other',
          'po-none',
        ]);
        expect([...found].sort()).toEqual(['po-positioned', 'po-waiting']);
        const [lookup] = queries;
        // The plan the database would choose with no other way than an index: the resource index.
        await sql`SET LOCAL enable_seqscan = off`.execute(tx);
        await sql`SET LOCAL enable_bitmapscan = off`.execute(tx);
        const plan = await tx.executeQuery<{ 'QUERY PLAN': string }>(
          CompiledQuery.raw(`EXPLAIN ${lookup!.sql}`, [...lookup!.parameters]),
        );
        const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(text).toContain('change_events_resource_idx');
        expect(text).toContain('change_events_unpositioned_idx');
        throw rollback;
      });
    } catch (error) {
      if (error !== rollback) throw error;
    } finally {
      await db.destroy();
    }
  });
});
