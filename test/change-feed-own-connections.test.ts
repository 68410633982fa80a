import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { expect } from 'vitest';
import { FeedWatcher } from './support/change-feed.js';
import { adminQuery, productAndWarehouse } from './support/inventory.js';
import { inventoryTest } from './support/inventory-fixture.js';

// A server whose main pool has two connections, so a few blocked writes take all of it.
const it = inventoryTest.override('serverOptions', { scope: 'file' }, { env: { DATABASE_POOL_MAX: '2' } });

it('delivers committed events to live watchers while writes hold every connection of the main pool', async ({
  server,
  a,
}) => {
  const { product, warehouse } = await productAndWarehouse(a, { onHand: 5 });
  const level = { warehouseId: warehouse.id, productId: product.id };
  const watcher = new FeedWatcher(a.imsop, { filter: { resourceTypes: ['product'], eventTypes: ['product.updated'] } });
  await watcher.established;

  // The level's row lock, held as the superuser: receipts wait on it, holding the main pool's
  // connections, and the rest wait for one.
  const holder = new pg.Client({ connectionString: server.database.adminUrl });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM inventory WHERE organization_id = $1 AND product_id = $2 FOR UPDATE', [
      a.organizationId,
      product.id,
    ]);
    let receiptsDone = false;
    const receipts = Promise.all(
      [1, 2, 3, 4].map((quantity) => a.imsop.stock.receiveStock({ ...level, quantity })),
    ).finally(() => (receiptsDone = true));
    // A receipt waits on the lock and no connection of the main pool is idle (the others hold a
    // receipt or a background task's work): the remaining receipts wait for one.
    await expect
      .poll(
        async () => {
          const [row] = await adminQuery<{ blocked: number; idle: number }>(
            server,
            `SELECT count(*) FILTER (WHERE wait_event_type = 'Lock')::int AS blocked,
             count(*) FILTER (WHERE state = 'idle')::int AS idle
           FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'imsop' AND usename LIKE '%app'`,
          );
          return row!.blocked > 0 && row!.idle === 0;
        },
        { timeout: 10_000 },
      )
      .toBe(true);

    // A change committed meanwhile (written directly, as the superuser): the sequencer positions
    // it and the watcher's organization tail reads it over the feed's own connections.
    const eventId = randomUUID();
    await adminQuery(
      server,
      `INSERT INTO change_events (organization_id, id, resource_type, resource_id, event_type, change_kind, actor_kind, resource)
       VALUES ($1, $2, 'product', $3, 'product.updated', 'updated', 'system', jsonb_build_object('id', $3::text))`,
      [a.organizationId, eventId, product.id],
    );
    const event = await watcher.next('product.updated', product.id);
    expect(event.eventId).toBe(eventId);
    expect(receiptsDone).toBe(false);

    await holder.query('COMMIT');
    await receipts;
    expect((await a.imsop.stock.getStockLevel(level)).stockLevel?.quantityOnHand).toBe(15);
  } finally {
    await holder.end();
    await watcher.close();
  }
});
