import { ListStockLevelsRequest, ListStockLevelsResponse } from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import { benchTenant } from '../bench-tenant.js';
import { startImsop } from '../environment.js';
import { authMetadata, rawCall } from '../raw-call.js';
import type { Scenario } from '../scenario.js';
import { measure } from '../workers.js';

const PATH = '/imsop.inventory.v1.StockService/ListStockLevels';

/**
 * Keyset pagination: the cost of a page deep in the organization's 1M stock levels against the
 * cost of page 1 (same request otherwise), both measured in closed loop.
 */
export const listDepth: Scenario = {
  name: 'list-depth',
  description: 'ListStockLevels page at depth 10,000 vs page 1 (1M rows)',
  async run(ctx) {
    const imsop = await startImsop(ctx.db);
    try {
      const tenant = await benchTenant(ctx, imsop.address);
      const depth = ctx.smoke ? 50 : 10_000;
      const pageSize = 50;
      const md = authMetadata(tenant.auth);
      let token = '';
      const started = performance.now();
      for (let page = 1; page < depth; page++) {
        const res = ListStockLevelsResponse.decode(
          await rawCall(
            imsop.address,
            PATH,
            Buffer.from(
              ListStockLevelsRequest.encode({
                pageSize,
                pageToken: token,
                productId: '',
                warehouseId: '',
                lowStockOnly: false,
                includeInbound: false,
              }).finish(),
            ),
            md,
          ),
        );
        token = res.nextPageToken;
        if (!token) throw new Error(`ran out of pages at ${page}`);
      }
      ctx.log(`  walked to page ${depth} in ${Math.round(performance.now() - started)} ms`);
      const request = (pageToken: string) =>
        Buffer.from(
          ListStockLevelsRequest.encode({
            pageSize,
            pageToken,
            productId: '',
            warehouseId: '',
            lowStockOnly: false,
            includeInbound: false,
          }).finish(),
        ).toString('base64');
      const base = { durationMs: ctx.durationMs, mode: { kind: 'closed' as const, concurrency: 8 } };
      const target = { kind: 'grpc' as const, address: imsop.address, path: PATH, metadata: tenant.auth, channels: 2 };
      const first = await measure({ ...base, target: { ...target, requestsBase64: [request('')] } }, 1, imsop.pid);
      const deep = await measure({ ...base, target: { ...target, requestsBase64: [request(token)] } }, 1, imsop.pid);
      const ratio = deep.p50Ms / Math.max(0.001, first.p50Ms);
      return {
        name: this.name,
        target: 'page at depth 10,000 costs <= 1.5x page 1',
        measured: deep,
        ceiling: { name: 'page 1 (ratio = deep p50 / page-1 p50)', measured: first },
        ratio,
        met: ctx.smoke ? undefined : ratio <= 1.5,
        notes: [`page size ${pageSize}, depth ${depth} (row ${(depth - 1) * pageSize + 1}); 8 callers`],
      };
    } finally {
      await imsop.stop();
    }
  },
};
