import { credentials, Metadata } from '@grpc/grpc-js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookServiceClient, WebhookSubscription } from '../../gen/ts/imsop/events/v1/webhook_service.js';
import { StockServiceClient, type ReceiveStockResponse } from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import { adminQuery, benchTenant } from '../bench-tenant.js';
import { startImsop, type ServedProcess } from '../environment.js';
import { latencies, newHistogram } from '../histogram.js';
import type { Scenario } from '../scenario.js';
import type { Measurement } from '../workers.js';

/**
 * Webhooks at a steady write load: one writer stores ReceiveStock at a fixed rate while several
 * webhook subscriptions (filtered to `stock.received`) receive the events on a local HTTP
 * receiver. Reports deliveries/s per subscription next to the write rate, and the latency from a
 * write's send and from its answer to the POST reaching the receiver (commit -> positioned ->
 * dispatcher round -> signed POST), p50/p99 over every subscription. Every subscription must get
 * every write's event exactly once (by webhook-id).
 */
export const webhooks: Scenario = {
  name: 'webhooks',
  description:
    'webhook subscriptions following a steady ReceiveStock load: deliveries/s next to writes/s, commit -> POST p50/p99',
  async run(ctx) {
    const subscriptionCount = ctx.smoke ? 2 : 8;
    const rate = ctx.smoke ? 20 : 200;
    let instance: ServedProcess | undefined;
    let organizationId: string | undefined;
    const receiver = createServer();
    try {
      instance = await startImsop(ctx.db, { WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOKS_POLL_INTERVAL_MS: '200' });
      const tenant = await benchTenant(ctx, instance.address);
      organizationId = tenant.organizationId;
      // An earlier run that was cut short may have left its subscriptions behind.
      await removeBenchSubscriptions(ctx.db.adminUrl, organizationId);
      const levels = await adminQuery<{ warehouse_id: string; product_id: string }>(
        ctx.db.adminUrl,
        `SELECT w.id AS warehouse_id, p.id AS product_id
         FROM (SELECT id FROM warehouses WHERE organization_id = $1 ORDER BY id LIMIT 2) w
         CROSS JOIN (SELECT id FROM products WHERE organization_id = $1 ORDER BY id LIMIT 8) p`,
        [tenant.organizationId],
      );
      const md = new Metadata();
      md.set('authorization', tenant.auth.authorization!);
      const hooks = new WebhookServiceClient(instance.address, credentials.createInsecure());
      const stock = new StockServiceClient(instance.address, credentials.createInsecure());

      const writes = new Map<string, { sentAt: number; answeredAt: number }>();
      const early = new Map<string, number[]>(); // POSTs that beat their write's answer
      const fromSend = newHistogram();
      const fromAnswer = newHistogram();
      const record = (sentAt: number, answeredAt: number, receivedAt: number) => {
        fromSend.recordValue(Math.max(1, Math.round((receivedAt - sentAt) * 1000)));
        fromAnswer.recordValue(Math.max(1, Math.round((receivedAt - answeredAt) * 1000)));
      };
      const subscribers = Array.from({ length: subscriptionCount }, () => ({
        ids: new Set<string>(),
        seen: new Set<string>(),
        duplicates: 0,
      }));
      receiver.on('request', (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const now = performance.now();
          const s = subscribers[Number(req.url!.slice(1))]!;
          const id = String(req.headers['webhook-id']);
          if (s.ids.has(id)) s.duplicates++;
          s.ids.add(id);
          const resourceId = (JSON.parse(Buffer.concat(chunks).toString()) as { resourceId: string }).resourceId;
          s.seen.add(resourceId);
          const write = writes.get(resourceId);
          if (write) record(write.sentAt, write.answeredAt, now);
          else early.set(resourceId, [...(early.get(resourceId) ?? []), now]);
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const port = (receiver.address() as AddressInfo).port;
      for (let i = 0; i < subscriptionCount; i++) {
        await new Promise<void>((resolve, reject) =>
          hooks.createWebhookSubscription(
            {
              subscription: WebhookSubscription.fromPartial({
                url: `http://127.0.0.1:${port}/${i}`,
                description: 'bench',
                eventTypes: ['stock.received'],
              }),
              requestId: '',
            },
            md,
            (error) => (error ? reject(error) : resolve()),
          ),
        );
      }

      const errors: Record<string, number> = {};
      const pending: Promise<void>[] = [];
      const started = performance.now();
      for (let i = 0; performance.now() - started < ctx.durationMs; i++) {
        const wait = started + (i * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const level = levels[i % levels.length]!;
        const sentAt = performance.now();
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
                else {
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
      const deadline = Date.now() + 30_000;
      while (subscribers.some((s) => [...writes.keys()].some((id) => !s.seen.has(id))) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const followedMs = performance.now() - started;

      const delivered = subscribers.reduce((n, s) => n + [...writes.keys()].filter((id) => s.seen.has(id)).length, 0);
      const expected = writes.size * subscriptionCount;
      const duplicates = subscribers.reduce((n, s) => n + s.duplicates, 0);
      const exact = delivered === expected && duplicates === 0;
      const send = latencies(fromSend);
      const answer = latencies(fromAnswer);
      const writeRate = Math.round((writes.size / writingMs) * 1000);
      const deliveryRate = Math.round((delivered / subscriptionCount / followedMs) * 1000);
      const measured: Measurement = { throughput: deliveryRate * subscriptionCount, ok: delivered, errors, ...send };
      return {
        name: this.name,
        target: `every event to every subscription exactly once; p99 commit -> POST <= 250 ms at ${rate} writes/s`,
        measured,
        atRate: { ratePerSecond: rate, measured },
        met: ctx.smoke ? (exact ? undefined : false) : exact && send.p99Ms <= 250,
        notes: [
          `${subscriptionCount} webhook subscriptions (filter stock.received) on one local receiver; 1 writer, ReceiveStock at ${rate}/s over ${levels.length} levels`,
          `writes ${writeRate}/s (${writes.size} committed); deliveries ${deliveryRate}/s per subscription, ${deliveryRate * subscriptionCount}/s in all`,
          `write sent -> POST: p50 ${send.p50Ms} ms, p99 ${send.p99Ms} ms, max ${send.maxMs} ms; write answered -> POST: p50 ${answer.p50Ms} ms, p99 ${answer.p99Ms} ms`,
          `delivered ${delivered} of ${expected}, ${duplicates} duplicates (same webhook-id twice): ${exact ? 'exact' : 'MISMATCH'}`,
        ],
      };
    } finally {
      receiver.closeAllConnections();
      receiver.close();
      await instance?.stop();
      // Left active, they would point at a closed port and be retried during every later scenario.
      if (organizationId) await removeBenchSubscriptions(ctx.db.adminUrl, organizationId);
    }
  },
};

/** Deletes the bench tenant's subscriptions made by this scenario (their delivery log goes with them). */
async function removeBenchSubscriptions(adminUrl: string, organizationId: string): Promise<void> {
  await adminQuery(adminUrl, `DELETE FROM webhook_subscriptions WHERE organization_id = $1 AND description = 'bench'`, [
    organizationId,
  ]);
}
