import { GetProductRequest } from '../../gen/ts/imsop/inventory/v1/product_service.js';
import { adminQuery, benchTenant } from '../bench-tenant.js';
import { startEchoServer, startImsop } from '../environment.js';
import { authMetadata, rawCall } from '../raw-call.js';
import type { Scenario } from '../scenario.js';
import { measure } from '../workers.js';

const PATH = '/imsop.inventory.v1.ProductService/GetProduct';

/**
 * GetProduct, authenticated, warm cache (100 products asked over and over) next to a bare
 * grpc-js server answering the same response size; then latency at a fixed arrival rate of
 * half the measured throughput.
 */
export const getProduct: Scenario = {
  name: 'get-product',
  description: 'GetProduct, authenticated, warm cache vs bare grpc-js',
  async run(ctx) {
    const imsop = await startImsop(ctx.db);
    try {
      const tenant = await benchTenant(ctx, imsop.address);
      const ids = await adminQuery<{ id: string }>(ctx.db.adminUrl, 'SELECT id FROM products WHERE organization_id = $1 ORDER BY sku LIMIT 100', [tenant.organizationId]);
      const requests = ids.map((r) => Buffer.from(GetProductRequest.encode({ productId: r.id }).finish()));
      const md = authMetadata(tenant.auth);
      let size = 0;
      for (const r of requests) size = Math.max(size, (await rawCall(imsop.address, PATH, r, md)).length); // warms the cache
      const echo = await startEchoServer(size);
      try {
        const base = { durationMs: ctx.durationMs, mode: { kind: 'closed' as const, concurrency: ctx.concurrency } };
        const target = { kind: 'grpc' as const, requestsBase64: requests.map((r) => r.toString('base64')), channels: 4 };
        const ceiling = await measure({ ...base, target: { ...target, address: echo.address, path: '/bench.Echo/Call', metadata: {} } }, ctx.processes);
        const measured = await measure({ ...base, target: { ...target, address: imsop.address, path: PATH, metadata: tenant.auth } }, ctx.processes);
        const rate = Math.max(10, Math.round(measured.throughput / 2));
        const atRate = await measure({ durationMs: ctx.durationMs, mode: { kind: 'rate', ratePerSecond: rate }, target: { ...target, address: imsop.address, path: PATH, metadata: tenant.auth } }, ctx.processes);
        const ratio = measured.throughput / Math.max(1, ceiling.throughput);
        return {
          name: this.name,
          target: '>= 60% of the transport ceiling; p99 <= 5 ms at half that rate',
          measured,
          ceiling: { name: `bare grpc-js, ${size}-byte response`, measured: ceiling },
          ratio,
          atRate: { ratePerSecond: rate, measured: atRate },
          met: ctx.smoke ? undefined : ratio >= 0.6 && atRate.p99Ms <= 5,
          notes: [`${ctx.concurrency} callers over ${ctx.processes} processes x 4 channels; 100 hot products`],
        };
      } finally {
        await echo.stop();
      }
    } finally {
      await imsop.stop();
    }
  },
};
