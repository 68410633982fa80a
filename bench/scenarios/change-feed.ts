import { credentials, Metadata } from '@grpc/grpc-js';
import { ChangeFeedServiceClient } from '../../gen/ts/imsop/events/v1/change_feed_service.js';
import { StockServiceClient, type ReceiveStockResponse } from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import { adminQuery, benchTenant } from '../bench-tenant.js';
import { startImsop, type ServedProcess } from '../environment.js';
import { latencies, newHistogram } from '../histogram.js';
import type { Scenario } from '../scenario.js';
import type { Measurement } from '../workers.js';

/**
 * The change feed at a steady write load: one writer stores ReceiveStock at a fixed rate over
 * a few stock levels while WatchChanges watchers (from now, filtered to `stock.received`) follow
 * the feed. Reports the events/s each watcher got next to the write rate it follows, and the
 * latency from a write's send (its commit happens inside the call) and from its answer to the
 * event reaching a watcher (commit -> positioned by the sequencer -> bus wake-up -> read ->
 * written), p50/p99 over every watcher. Every watcher must get every write's event exactly once.
 */
export const changeFeed: Scenario = {
  name: 'change-feed',
  description:
    'WatchChanges watchers following a steady ReceiveStock load: events/s next to writes/s, commit -> event p50/p99',
  async run(ctx) {
    const watcherCount = ctx.smoke ? 2 : 16;
    const rate = ctx.smoke ? 50 : 500;
    let instance: ServedProcess | undefined;
    const calls: { cancel(): void }[] = [];
    const channels: { close(): void }[] = [];
    try {
      instance = await startImsop(ctx.db);
      const tenant = await benchTenant(ctx, instance.address);
      const levels = await adminQuery<{ warehouse_id: string; product_id: string }>(
        ctx.db.adminUrl,
        `SELECT w.id AS warehouse_id, p.id AS product_id
         FROM (SELECT id FROM warehouses WHERE organization_id = $1 ORDER BY id LIMIT 2) w
         CROSS JOIN (SELECT id FROM products WHERE organization_id = $1 ORDER BY id LIMIT 8) p`,
        [tenant.organizationId],
      );
      const md = new Metadata();
      md.set('authorization', tenant.auth.authorization!);
      // One channel (one HTTP/2 connection) per watcher, as separate subscribers have: over one
      // shared connection the 16 watches would share grpc-js's default 64 KB connection window,
      // which at 500 events/s each lets through less than they get (the client's pace, not the
      // server's).
      const feeds = Array.from(
        { length: watcherCount },
        () => new ChangeFeedServiceClient(instance!.address, credentials.createInsecure()),
      );
      channels.push(...feeds);
      const stock = new StockServiceClient(instance.address, credentials.createInsecure());

      // Writes by their ledger entry: when sent, when answered.
      const writes = new Map<string, { sentAt: number; answeredAt: number }>();
      const early = new Map<string, number[]>(); // events that beat their write's answer
      const warmupWrites = new Set<string>(); // written during the warm-up: not recorded
      const fromSend = newHistogram();
      const fromAnswer = newHistogram();
      // The slowest write sent -> event of each measured second (by when it was sent): where in the
      // run the tail comes from (a backlog left by the start, or bursts throughout).
      const slowestBySecond: number[] = [];
      let measuredFrom = 0;
      const record = (sentAt: number, answeredAt: number, receivedAt: number) => {
        const second = Math.floor((sentAt - measuredFrom) / 1000);
        slowestBySecond[second] = Math.max(slowestBySecond[second] ?? 0, receivedAt - sentAt);
        fromSend.recordValue(Math.max(1, Math.round((receivedAt - sentAt) * 1000)));
        fromAnswer.recordValue(Math.max(1, Math.round((receivedAt - answeredAt) * 1000)));
      };
      const watchers = Array.from({ length: watcherCount }, () => ({ seen: new Set<string>(), duplicates: 0 }));
      await Promise.all(
        watchers.map(
          (w, index) =>
            new Promise<void>((established, failed) => {
              const call = feeds[index]!.watchChanges(
                { afterCursor: '', filter: { resourceTypes: [], eventTypes: ['stock.received'] }, fields: ['id'] },
                md,
              );
              calls.push(call);
              call.once('data', () => established()); // the first, empty message: the watch is on
              call.on('data', (response: { events: { resourceId: string }[] }) => {
                const now = performance.now();
                for (const e of response.events) {
                  if (w.seen.has(e.resourceId)) w.duplicates++;
                  w.seen.add(e.resourceId);
                  const write = writes.get(e.resourceId);
                  if (write) record(write.sentAt, write.answeredAt, now);
                  else if (!warmupWrites.has(e.resourceId))
                    early.set(e.resourceId, [...(early.get(e.resourceId) ?? []), now]);
                }
              });
              call.on('error', (error: { code?: number }) => (error.code === 1 ? undefined : failed(error)));
            }),
        ),
      );

      // Open loop at `rate`: a write every 1000/rate ms, whatever the previous ones are doing.
      // The first `warmupMs` of it are not recorded (as in every scenario: each pooled connection
      // plans the receipt's statement on its first use, and the watches start their rounds).
      const errors: Record<string, number> = {};
      const pending: Promise<void>[] = [];
      const warmupMs = Math.min(1000, ctx.durationMs / 2);
      const begun = performance.now();
      const started = begun + warmupMs;
      measuredFrom = started;
      for (let i = 0; performance.now() < started + ctx.durationMs; i++) {
        const due = begun + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const level = levels[i % levels.length]!;
        const sentAt = performance.now();
        const warmup = sentAt < started;
        pending.push(
          new Promise<void>((done) =>
            stock.receiveStock(
              {
                warehouseId: level.warehouse_id,
                productId: level.product_id,
                quantity: 1,
                reference: 'bench',
                note: '',
                requestId: '',
                locationId: '',
                lot: undefined,
                serialNumbers: [],
              },
              md,
              (error: { code?: number } | null, response?: ReceiveStockResponse) => {
                const answeredAt = performance.now();
                if (error || !response?.transaction)
                  errors[`code ${error?.code}`] = (errors[`code ${error?.code}`] ?? 0) + 1;
                else if (warmup) {
                  warmupWrites.add(response.transaction.id);
                  early.delete(response.transaction.id);
                } else {
                  const id = response.transaction.id;
                  writes.set(id, { sentAt, answeredAt });
                  for (const receivedAt of early.get(id) ?? []) record(sentAt, answeredAt, receivedAt);
                  early.delete(id);
                }
                done();
              },
            ),
          ),
        );
      }
      await Promise.all(pending);
      const writingMs = performance.now() - started;
      const deadline = Date.now() + 15_000;
      while (watchers.some((w) => [...writes.keys()].some((id) => !w.seen.has(id))) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const followedMs = performance.now() - started;

      const delivered = watchers.reduce((n, w) => n + [...writes.keys()].filter((id) => w.seen.has(id)).length, 0);
      const expected = writes.size * watcherCount;
      const duplicates = watchers.reduce((n, w) => n + w.duplicates, 0);
      const exact = delivered === expected && duplicates === 0;
      const send = latencies(fromSend);
      const answer = latencies(fromAnswer);
      const writeRate = Math.round((writes.size / writingMs) * 1000);
      const eventRate = Math.round((delivered / watcherCount / followedMs) * 1000);
      const measured: Measurement = { throughput: eventRate * watcherCount, ok: delivered, errors, ...send };
      return {
        name: this.name,
        target: `every event to every watcher exactly once; p99 commit -> event <= 50 ms at ${rate} writes/s`,
        measured,
        atRate: { ratePerSecond: rate, measured },
        met: ctx.smoke ? (exact ? undefined : false) : exact && send.p99Ms <= 50,
        notes: [
          `${watcherCount} WatchChanges watchers (filter stock.received, fields id) on one instance; 1 writer, ReceiveStock at ${rate}/s over ${levels.length} levels`,
          `writes ${writeRate}/s (${writes.size} committed); events ${eventRate}/s per watcher, ${eventRate * watcherCount}/s in all`,
          `write sent -> event: p50 ${send.p50Ms} ms, p99 ${send.p99Ms} ms, max ${send.maxMs} ms; write answered -> event: p50 ${answer.p50Ms} ms, p99 ${answer.p99Ms} ms`,
          `delivered ${delivered} of ${expected}, ${duplicates} duplicates: ${exact ? 'exact' : 'MISMATCH'}`,
          `slowest write sent -> event in each measured second (ms): ${Array.from(slowestBySecond, (ms) =>
            ms === undefined ? '-' : Math.round(ms),
          ).join(' ')}`,
        ],
      };
    } finally {
      for (const call of calls) call.cancel();
      for (const channel of channels) channel.close();
      await instance?.stop();
    }
  },
};
