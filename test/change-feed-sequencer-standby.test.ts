import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productAndWarehouse } from './support/inventory.js';
import { startTestServer, type TestServer } from './support/server.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

const STANDING_BY = 'change-feed sequencer: another instance leads';

/**
 * Two instances on one database: one leads the change feed's sequencer, the other stands by and
 * tries for the lead every 2 s (one transaction a try). Every commit that records changes nudges
 * the sequencers: the leader's cue to position at once. A nudge must not make the standby try
 * again at once: it once did, and then tried in a loop, thousands of times a second, for as
 * long as it ran, taking a core from the machine it shared with the leader and PostgreSQL.
 */
describe('the change feed sequencer on two instances sharing a database', () => {
  let one: TestServer;
  let two: TestServer;
  let a: Tenant;
  /** When each instance said it stands by (ms, performance.now()). */
  const standingBy: number[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          if ((JSON.parse(line) as { msg?: string }).msg === STANDING_BY) standingBy.push(performance.now());
        done();
      },
    });
    one = await startTestServer({ env: { LOG_LEVEL: 'debug' }, logTo: sink });
    two = await startTestServer({ database: one.database, env: { LOG_LEVEL: 'debug' }, logTo: sink });
    a = await signedInTenant(one);
  });
  afterAll(async () => {
    await two?.stop();
    await one?.stop();
  });

  it('positions changes recorded on either instance; the standby keeps to its interval while they nudge it', async () => {
    const onTwo = two.connect(a.token);
    const { product, warehouse } = await productAndWarehouse(a);
    const level = { warehouseId: warehouse.id, productId: product.id };
    const from = performance.now();
    for (let i = 0; i < 10; i++) {
      await a.imsop.stock.receiveStock({ ...level, quantity: 1 });
      await onTwo.stock.receiveStock({ ...level, quantity: 1 });
    }
    // Whichever instance leads, the changes recorded on both get positions: the feed lists them.
    const received = async () =>
      (
        await a.imsop.changes.listChanges({
          filter: { resourceTypes: [], eventTypes: ['stock.received'] },
          pageSize: 100,
        })
      ).events.length;
    await expect.poll(received, { timeout: 10_000 }).toBe(20);
    await sleep(3000);

    // One instance stood by all along, trying for the lead every 2 s: a try or two in the
    // seconds of nudges and quiet above, not one per nudge.
    const elapsedMs = performance.now() - from;
    const tries = standingBy.filter((at) => at >= from).length;
    expect(tries).toBeGreaterThanOrEqual(1);
    expect(tries).toBeLessThanOrEqual(Math.ceil(elapsedMs / 2000) + 1);
  });
});
