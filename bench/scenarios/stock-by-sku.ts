import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from '../../gen/db/schema.js';
import { GetProductInventoryRequest } from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import { productInventoryQuery } from '../../src/inventory/list-queries.js';
import { skuOf } from '../data-generator.js';
import { benchTenant } from '../bench-tenant.js';
import { startEchoServer, startImsop } from '../environment.js';
import { authMetadata, rawCall } from '../raw-call.js';
import type { Scenario } from '../scenario.js';
import { measure } from '../workers.js';

const PATH = '/imsop.inventory.v1.StockService/GetProductInventory';

/**
 * The seed's "inventory by product" (a SKU's stock across warehouses, by warehouse name), each
 * request a different SKU so no cache helps, next to the very same SQL sent straight through pg
 * by the same number of callers over the same number of connections.
 */
export const stockBySku: Scenario = {
  name: 'stock-by-sku',
  description: "GetProductInventory (the seed's query), uncached, vs the same SQL through pg",
  async run(ctx) {
    const imsop = await startImsop(ctx.db);
    try {
      const tenant = await benchTenant(ctx, imsop.address);
      const products = ctx.smoke ? 2_000 : 100_000;
      const skus = Array.from({ length: Math.min(products, 50_000) }, (_, i) => skuOf(1 + ((i * 7919) % products)));
      // The exact statement the service runs, compiled by the service's own query builder.
      const compiler = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool() }) });
      const compiled = productInventoryQuery(compiler, tenant.organizationId, 'SKU', 100).compile();
      const skuIndex = compiled.parameters.indexOf('SKU');
      const params = skus.map((sku) => compiled.parameters.map((p, i) => (i === skuIndex ? sku : p)));
      const base = { durationMs: ctx.durationMs, mode: { kind: 'closed' as const, concurrency: ctx.concurrency } };
      const ceiling = await measure(
        { ...base, target: { kind: 'sql', url: ctx.db.adminUrl, sql: compiled.sql, params, connections: 20 } },
        ctx.processes,
      );
      const measured = await measure(
        {
          ...base,
          target: {
            kind: 'grpc',
            address: imsop.address,
            path: PATH,
            requestsBase64: skus.map((sku) =>
              Buffer.from(
                GetProductInventoryRequest.encode({ sku, includeInbound: false, includeBalances: false }).finish(),
              ).toString('base64'),
            ),
            metadata: tenant.auth,
            channels: 4,
          },
        },
        ctx.processes,
        imsop.pid,
      );
      // The other ceiling: what a bare grpc-js server answering the same response size manages
      // with the same callers. When it is below half the database ceiling, the target is beyond
      // what gRPC on this machine allows, and this says so with the number.
      const first = await rawCall(
        imsop.address,
        PATH,
        Buffer.from(
          GetProductInventoryRequest.encode({ sku: skus[0]!, includeInbound: false, includeBalances: false }).finish(),
        ),
        authMetadata(tenant.auth),
      );
      const echo = await startEchoServer(first.length);
      let transport;
      try {
        const echoRequest = Buffer.from(
          GetProductInventoryRequest.encode({ sku: skus[0]!, includeInbound: false, includeBalances: false }).finish(),
        ).toString('base64');
        transport = await measure(
          {
            ...base,
            target: {
              kind: 'grpc',
              address: echo.address,
              path: '/bench.Echo/Call',
              requestsBase64: [echoRequest],
              metadata: {},
              channels: 4,
            },
          },
          ctx.processes,
          echo.pid,
        );
      } finally {
        await echo.stop();
      }
      const ratio = measured.throughput / Math.max(1, ceiling.throughput);
      return {
        name: this.name,
        target: '>= 50% of the database ceiling',
        measured,
        ceiling: { name: 'same SELECT through pg, 20 connections', measured: ceiling },
        ratio,
        met: ctx.smoke ? undefined : ratio >= 0.5,
        notes: [
          `${skus.length} distinct SKUs cycled; server pool 20 connections`,
          `transport ceiling (bare grpc-js, ${first.length}-byte response): ${transport.throughput} ops/s; the service reaches ${Math.round((100 * measured.throughput) / Math.max(1, transport.throughput))}% of it`,
        ],
      };
    } finally {
      await imsop.stop();
    }
  },
};
