import { describe, expect } from 'vitest';
import {
  AdjustmentReason,
  CycleCountStatus,
  InventoryTransactionType as T,
} from '../gen/ts/imsop/inventory/v1/resources.js';
import { expectError } from './support/expect-error.js';
import { adminQuery, productAndWarehouse } from './support/inventory.js';
import { inventoryTest } from './support/inventory-fixture.js';
import { Status } from './support/sdk.js';

const it = inventoryTest.override('serverOptions', { scope: 'file' }, { env: { RESERVATION_SWEEP_INTERVAL_MS: '0' } });

/** Cycle counts of a location: snapshot, (blind) entries, variances posted as ledger adjustments. */
describe('cycle counts', () => {
  it('a blind count hides what the books say, posts its variances as ADJUST entries once, and keeps movements made during the count', async ({
    a,
    server,
  }) => {
    const { product: bolts, warehouse } = await productAndWarehouse(a, { onHand: 10 });
    const nuts = (await a.imsop.products.createProduct({ product: { sku: `NUT-${Date.now()}`, name: 'Nut' } }))
      .product!;
    await a.imsop.stock.receiveStock({ warehouseId: warehouse.id, productId: nuts.id, quantity: 5 });
    const found = (await a.imsop.products.createProduct({ product: { sku: `FOUND-${Date.now()}`, name: 'Found' } }))
      .product!;

    // The default location (its id is the warehouse's).
    const { cycleCount: started } = await a.imsop.cycleCounts.startCycleCount({
      warehouseId: warehouse.id,
      locationId: warehouse.id,
      blind: true,
      note: 'monthly count',
    });
    expect(started).toMatchObject({ status: CycleCountStatus.CYCLE_COUNT_STATUS_OPEN, blind: true });
    expect(started!.lines.map((l) => l.productId).sort()).toEqual([bolts.id, nuts.id].sort());
    expect(started!.lines.every((l) => l.expectedQuantity === undefined)).toBe(true);

    // A second count of the same location while this one is open.
    const twice = await expectError(
      a.imsop.cycleCounts.startCycleCount({ warehouseId: warehouse.id, locationId: warehouse.id }),
    );
    expect(twice).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'CYCLE_COUNT_ALREADY_OPEN' });
    expect(twice.metadata.cycle_count_id).toBe(started!.id);

    // Stock moved between the start and the counting is on the shelf and in the books alike.
    await a.imsop.stock.receiveStock({ warehouseId: warehouse.id, productId: bolts.id, quantity: 2 });
    const { cycleCount: entered } = await a.imsop.cycleCounts.recordCycleCountEntries({
      cycleCountId: started!.id,
      entries: [
        {
          productId: bolts.id,
          lotId: '',
          countedQuantity: 9,
          reason: AdjustmentReason.ADJUSTMENT_REASON_UNSPECIFIED,
          note: '',
        },
        {
          productId: nuts.id,
          lotId: '',
          countedQuantity: 5,
          reason: AdjustmentReason.ADJUSTMENT_REASON_UNSPECIFIED,
          note: '',
        },
        {
          productId: found.id,
          lotId: '',
          countedQuantity: 3,
          reason: AdjustmentReason.ADJUSTMENT_REASON_FOUND,
          note: 'behind the shelf',
        },
      ],
    });
    expect(entered!.lines).toHaveLength(3);
    expect(entered!.lines.every((l) => l.expectedQuantity === undefined && l.variance === undefined)).toBe(true);
    // Stock moved between the counting and the posting is in the books only, and stays.
    await a.imsop.stock.issueStock({ warehouseId: warehouse.id, productId: bolts.id, quantity: 4 });

    const { cycleCount: posted, transactions } = await a.imsop.cycleCounts.postCycleCount({
      cycleCountId: started!.id,
      etag: entered!.etag,
    });
    expect(posted!.status).toBe(CycleCountStatus.CYCLE_COUNT_STATUS_POSTED);
    const line = (productId: string) => posted!.lines.find((l) => l.productId === productId)!;
    expect(line(bolts.id)).toMatchObject({ expectedQuantity: 10, countedQuantity: 9, variance: -3 });
    expect(line(nuts.id)).toMatchObject({ expectedQuantity: 5, countedQuantity: 5, variance: 0, transactionId: '' });
    expect(line(found.id)).toMatchObject({ expectedQuantity: 0, countedQuantity: 3, variance: 3 });

    // One ADJUST entry per balance with a variance, with the line's reason and the count's id.
    expect(transactions).toHaveLength(2);
    const boltsEntry = transactions.find((t) => t.productId === bolts.id)!;
    expect(boltsEntry).toMatchObject({
      type: T.INVENTORY_TRANSACTION_TYPE_ADJUST,
      onHandDelta: -3,
      onHandAfter: 5, // 10 + 2 received - 4 issued - 3 missing
      reason: AdjustmentReason.ADJUSTMENT_REASON_CYCLE_COUNT,
      countedQuantity: 9,
      cycleCountId: started!.id,
      locationId: warehouse.id,
    });
    expect(line(bolts.id).transactionId).toBe(boltsEntry.id);
    expect(transactions.find((t) => t.productId === found.id)).toMatchObject({
      onHandDelta: 3,
      reason: AdjustmentReason.ADJUSTMENT_REASON_FOUND,
      note: 'behind the shelf',
    });
    const level = (productId: string) => a.imsop.stock.getStockLevel({ warehouseId: warehouse.id, productId });
    expect((await level(bolts.id)).stockLevel?.quantityOnHand).toBe(5);
    expect((await level(nuts.id)).stockLevel?.quantityOnHand).toBe(5);
    expect((await level(found.id)).stockLevel?.quantityOnHand).toBe(3);
    const ledger = await a.imsop.stock.listInventoryTransactions({
      productId: bolts.id,
      type: T.INVENTORY_TRANSACTION_TYPE_ADJUST,
    });
    expect(ledger.transactions.map((t) => t.id)).toEqual([boltsEntry.id]);

    // Every counted balance remembers when it was counted.
    const counted = await adminQuery<{ product_id: string; default_last_counted_at: Date | null }>(
      server,
      `SELECT product_id, default_last_counted_at FROM inventory WHERE organization_id = $1 AND warehouse_id = $2`,
      [a.organizationId, warehouse.id],
    );
    expect(counted.every((r) => r.default_last_counted_at !== null)).toBe(true);

    // A count posts once.
    const again = await expectError(a.imsop.cycleCounts.postCycleCount({ cycleCountId: started!.id }));
    expect(again).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'CYCLE_COUNT_NOT_OPEN' });
    expect(again.metadata.status).toBe('posted');
    expect((await level(bolts.id)).stockLevel?.quantityOnHand).toBe(5);
  });

  it('an open count shows expected quantities unless blind; a stale etag or a decrease into reserved stock posts nothing', async ({
    a,
  }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 10 });
    const key = { warehouseId: warehouse.id, productId: product.id };
    await a.imsop.stock.reserveStock({ ...key, quantity: 8 });
    const { cycleCount } = await a.imsop.cycleCounts.startCycleCount({
      warehouseId: warehouse.id,
      locationId: warehouse.id,
    });
    expect(cycleCount!.lines).toMatchObject([{ productId: product.id, expectedQuantity: 10 }]);
    const { cycleCount: entered } = await a.imsop.cycleCounts.recordCycleCountEntries({
      cycleCountId: cycleCount!.id,
      entries: [{ productId: product.id, lotId: '', countedQuantity: 1, reason: 0, note: '' }],
    });

    const stale = await expectError(
      a.imsop.cycleCounts.postCycleCount({ cycleCountId: cycleCount!.id, etag: cycleCount!.etag }),
    );
    expect(stale).toMatchObject({ code: Status.ABORTED, reason: 'ETAG_MISMATCH' });

    // 9 missing, but 8 of the 10 are promised to a reservation: nothing is booked.
    const short = await expectError(
      a.imsop.cycleCounts.postCycleCount({ cycleCountId: cycleCount!.id, etag: entered!.etag }),
    );
    expect(short).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'INSUFFICIENT_STOCK' });
    expect((await a.imsop.stock.getStockLevel(key)).stockLevel).toMatchObject({
      quantityOnHand: 10,
      quantityReserved: 8,
    });
    expect((await a.imsop.cycleCounts.getCycleCount({ cycleCountId: cycleCount!.id })).cycleCount!.status).toBe(
      CycleCountStatus.CYCLE_COUNT_STATUS_OPEN,
    );
  });

  it('counts and locations of another organization are NOT_FOUND', async ({ a, b }) => {
    const { warehouse } = await productAndWarehouse(a, { onHand: 1 });
    const { cycleCount } = await a.imsop.cycleCounts.startCycleCount({
      warehouseId: warehouse.id,
      locationId: warehouse.id,
    });
    const get = await expectError(b.imsop.cycleCounts.getCycleCount({ cycleCountId: cycleCount!.id }));
    expect(get).toMatchObject({ code: Status.NOT_FOUND, reason: 'CYCLE_COUNT_NOT_FOUND' });
    const post = await expectError(b.imsop.cycleCounts.postCycleCount({ cycleCountId: cycleCount!.id }));
    expect(post).toMatchObject({ code: Status.NOT_FOUND, reason: 'CYCLE_COUNT_NOT_FOUND' });
    const { warehouse: theirs } = await productAndWarehouse(b);
    const start = await expectError(
      b.imsop.cycleCounts.startCycleCount({ warehouseId: theirs.id, locationId: warehouse.id }),
    );
    expect(start).toMatchObject({ code: Status.NOT_FOUND, reason: 'LOCATION_NOT_FOUND' });
  });
});
