import { GetProductRequest } from '../../gen/ts/imsop/inventory/v1/product_service.js';
import { adminQuery, benchTenant } from '../bench-tenant.js';
import { startEchoServer, startImsop, type ServedProcess } from '../environment.js';
import { startRedis } from '../redis-server.js';
import { authMetadata, rawCall } from '../raw-call.js';
import type { Scenario, ScenarioContext, ScenarioResult } from '../scenario.js';
import { measure, type Measurement } from '../workers.js';

const PATH = '/imsop.inventory.v1.ProductService/GetProduct';

/**
 * GetProduct, authenticated, warm cache (100 products asked over and over) next to a bare
 * grpc-js server answering the same response size; then latency at a fixed arrival rate of
 * half the measured throughput, of IMSOP and of the bare server at that same rate (the tail
 * target is the ratio of their p99s, so machine noise hits both sides). With `--workers N`, also
 * the closed-loop throughput of a server with IMSOP_WORKERS=N (and Redis) against the one process.
 */
export const getProduct: Scenario = {
  name: 'get-product',
  description: 'GetProduct, authenticated, warm cache vs bare grpc-js',
  async run(ctx) {
    const imsop = await startImsop(ctx.db);
    try {
      const tenant = await benchTenant(ctx, imsop.address);
      const ids = await adminQuery<{ id: string }>(
        ctx.db.adminUrl,
        'SELECT id FROM products WHERE organization_id = $1 ORDER BY sku LIMIT 100',
        [tenant.organizationId],
      );
      const requests = ids.map((r) => Buffer.from(GetProductRequest.encode({ productId: r.id }).finish()));
      const md = authMetadata(tenant.auth);
      let size = 0;
      for (const r of requests) size = Math.max(size, (await rawCall(imsop.address, PATH, r, md)).length); // warms the cache
      const echo = await startEchoServer(size);
      try {
        const base = { durationMs: ctx.durationMs, mode: { kind: 'closed' as const, concurrency: ctx.concurrency } };
        const target = {
          kind: 'grpc' as const,
          requestsBase64: requests.map((r) => r.toString('base64')),
          channels: 4,
        };
        const ceiling = await measure(
          { ...base, target: { ...target, address: echo.address, path: '/bench.Echo/Call', metadata: {} } },
          ctx.processes,
          echo.pid,
        );
        const measured = await measure(
          { ...base, target: { ...target, address: imsop.address, path: PATH, metadata: tenant.auth } },
          ctx.processes,
          imsop.pid,
        );
        // The tail target is a ratio: IMSOP and the bare server, each at the same fixed rate.
        const rate = Math.max(10, Math.round(measured.throughput / 2));
        const fixed = { durationMs: ctx.durationMs, mode: { kind: 'rate' as const, ratePerSecond: rate } };
        const bareAtRate = await measure(
          { ...fixed, target: { ...target, address: echo.address, path: '/bench.Echo/Call', metadata: {} } },
          ctx.processes,
          echo.pid,
        );
        const atRate = await measure(
          { ...fixed, target: { ...target, address: imsop.address, path: PATH, metadata: tenant.auth } },
          ctx.processes,
          imsop.pid,
        );
        const ratio = measured.throughput / Math.max(1, ceiling.throughput);
        const p99Ratio = atRate.p99Ms / Math.max(0.001, bareAtRate.p99Ms);
        const maxRssMb = Math.max(measured.maxRssMb ?? 0, atRate.maxRssMb ?? 0) || undefined;
        const single: ScenarioResult = {
          name: this.name,
          target: ">= 70% of the transport ceiling; p99 at half that rate <= 2x the bare server's p99 at the same rate",
          measured,
          ceiling: { name: `bare grpc-js, ${size}-byte response`, measured: ceiling },
          ratio,
          atRate: { ratePerSecond: rate, measured: atRate, ceiling: bareAtRate, p99Ratio },
          maxRssMb,
          met: ctx.smoke ? undefined : ratio >= 0.7 && p99Ratio <= 2,
          notes: [
            `${ctx.concurrency} callers over ${ctx.processes} processes x 4 channels; 100 hot products`,
            `at ${rate}/s: IMSOP p50 ${atRate.p50Ms} ms, p99 ${atRate.p99Ms} ms; bare grpc-js p50 ${bareAtRate.p50Ms} ms, p99 ${bareAtRate.p99Ms} ms (p99 ratio ${p99Ratio.toFixed(2)}x)`,
          ],
        };
        return ctx.workers > 1 ? [single, await withWorkers(ctx, requests)] : single;
      } finally {
        await echo.stop();
      }
    } finally {
      await imsop.stop();
    }
  },
};

/**
 * The same closed-loop load on servers of 1 and of `ctx.workers` processes (node:cluster), both
 * with Redis (required by several workers), so the ratio is workers alone, not the cache kind.
 */
async function withWorkers(ctx: ScenarioContext, requests: Buffer[]): Promise<ScenarioResult> {
  const redis = await startRedis();
  try {
    const [one, many] = [
      await throughputOf(ctx, requests, 1, redis.url),
      await throughputOf(ctx, requests, ctx.workers, redis.url),
    ];
    const ratio = many.throughput / Math.max(1, one.throughput);
    return {
      name: `get-product x${ctx.workers} workers`,
      target:
        'reported, not judged: IMSOP_WORKERS=N over IMSOP_WORKERS=1, both with Redis (ideally near N on N free cores)',
      measured: many,
      ceiling: { name: 'IMSOP_WORKERS=1 with Redis', measured: one },
      ratio,
      notes: [
        `IMSOP_WORKERS=${ctx.workers}: ${ratio.toFixed(2)}x the throughput of one worker`,
        'RSS is sampled from the primary only (it serves no calls)',
      ],
    };
  } finally {
    await redis.stop();
  }
}

async function throughputOf(
  ctx: ScenarioContext,
  requests: Buffer[],
  workers: number,
  redisUrl: string,
): Promise<Measurement> {
  const imsop: ServedProcess = await startImsop(ctx.db, { IMSOP_WORKERS: String(workers), REDIS_URL: redisUrl });
  try {
    const tenant = await benchTenant(ctx, imsop.address);
    const md = authMetadata(tenant.auth);
    for (const r of requests) await rawCall(imsop.address, PATH, r, md); // warms the shared cache
    return await measure(
      {
        durationMs: ctx.durationMs,
        mode: { kind: 'closed', concurrency: ctx.concurrency },
        target: {
          kind: 'grpc',
          address: imsop.address,
          path: PATH,
          metadata: tenant.auth,
          requestsBase64: requests.map((r) => r.toString('base64')),
          channels: 4,
        },
      },
      ctx.processes,
      imsop.pid,
      workers === 1, // with several, the measured pid is the primary, which serves no calls
    );
  } finally {
    await imsop.stop();
  }
}
