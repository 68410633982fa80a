import { Metadata } from '@grpc/grpc-js';
import { CreateProductRequest, CreateProductResponse } from '../../gen/ts/imsop/inventory/v1/product_service.js';
import {
  GetProductInventoryRequest,
  ReceiveStockRequest,
  ReserveStockRequest,
} from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import { adminQuery, benchTenant } from '../bench-tenant.js';
import { startImsop } from '../environment.js';
import { rawCall } from '../raw-call.js';
import type { Scenario, ScenarioResult } from '../scenario.js';
import { measure, type Measurement } from '../workers.js';

const RESERVE = '/imsop.inventory.v1.StockService/ReserveStock';
const BY_SKU = '/imsop.inventory.v1.StockService/GetProductInventory';

/** Lots the tracked product is received in, each with plenty of stock for the whole run. */
const LOTS = 4;
const UNITS_PER_LOT = 100_000_000;

/**
 * The price of lots (issue 20) next to the common case, in the same run on the same server:
 * reserve-hot-sku (1 unit, one hot level, `concurrency` callers) and stock-by-sku
 * (GetProductInventory) for a lot-tracked product received in several lots, each next to the
 * same call for an untracked product of the seed. Reservations of a lot-tracked product
 * allocate lots first expiry first under the level's lock and are not coalesced; the untracked
 * row is the seed's path and must not move. After the run no lot is oversold (reserved <= on
 * hand per balance).
 */
export const lotTracked: Scenario = {
  name: 'lot-tracked',
  description: 'reserve-hot-sku and stock-by-sku for a lot-tracked product next to an untracked one',
  async run(ctx) {
    const imsop = await startImsop(ctx.db);
    try {
      const tenant = await benchTenant(ctx, imsop.address);
      const org = tenant.organizationId;
      const metadata = new Metadata();
      for (const [k, v] of Object.entries(tenant.auth)) metadata.set(k, v);
      const [hot] = await adminQuery<{ warehouse_id: string; product_id: string; sku: string }>(
        ctx.db.adminUrl,
        `SELECT i.warehouse_id, i.product_id, p.sku FROM inventory i JOIN products p ON p.organization_id = i.organization_id AND p.id = i.product_id
         WHERE i.organization_id = $1 ORDER BY i.product_id, i.warehouse_id LIMIT 1`,
        [org],
      );
      // Stock for the untracked level too, so neither row measures refusals; only when it runs
      // short, so the on-hand integer does not grow run after run on a reused bench database.
      await adminQuery(
        ctx.db.adminUrl,
        `WITH level AS (UPDATE inventory SET quantity_on_hand = quantity_on_hand + $4
           WHERE organization_id = $1 AND warehouse_id = $2 AND product_id = $3 AND quantity_on_hand - quantity_reserved < $4
           RETURNING warehouse_id, product_id, quantity_on_hand, quantity_reserved)
         INSERT INTO inventory_transactions (organization_id, warehouse_id, location_id, product_id, type, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reference)
         SELECT $1, warehouse_id, warehouse_id, product_id, 'receive', $4, 0, quantity_on_hand, quantity_reserved, 'bench lot-tracked' FROM level`,
        [org, hot!.warehouse_id, hot!.product_id, LOTS * UNITS_PER_LOT],
      );
      const sku = `LOT-BENCH-${Date.now()}`;
      const product = CreateProductResponse.decode(
        await rawCall(
          imsop.address,
          '/imsop.inventory.v1.ProductService/CreateProduct',
          Buffer.from(
            CreateProductRequest.encode(
              CreateProductRequest.fromPartial({
                product: { sku, name: 'Lot-tracked bench product', lotTracked: true },
              }),
            ).finish(),
          ),
          metadata,
        ),
      ).product!;
      for (let i = 0; i < LOTS; i++) {
        await rawCall(
          imsop.address,
          '/imsop.inventory.v1.StockService/ReceiveStock',
          Buffer.from(
            ReceiveStockRequest.encode(
              ReceiveStockRequest.fromPartial({
                warehouseId: hot!.warehouse_id,
                productId: product.id,
                quantity: UNITS_PER_LOT,
                lot: { lotNumber: `BENCH-${i}`, expiryDate: { year: 2090 + i, month: 1, day: 1 } },
              }),
            ).finish(),
          ),
          metadata,
        );
      }
      const base = { durationMs: ctx.durationMs, mode: { kind: 'closed' as const, concurrency: ctx.concurrency } };
      const grpc = (path: string, request: Uint8Array): Promise<Measurement> =>
        measure(
          {
            ...base,
            target: {
              kind: 'grpc',
              address: imsop.address,
              path,
              requestsBase64: [Buffer.from(request).toString('base64')],
              metadata: tenant.auth,
              channels: 4,
            },
          },
          ctx.processes,
          imsop.pid,
        );
      const reserve = (productId: string) =>
        ReserveStockRequest.encode(
          ReserveStockRequest.fromPartial({
            warehouseId: hot!.warehouse_id,
            productId,
            quantity: 1,
            reference: 'bench',
          }),
        ).finish();
      const bySku = (s: string) =>
        GetProductInventoryRequest.encode(GetProductInventoryRequest.fromPartial({ sku: s })).finish();
      const rows: ScenarioResult[] = [];
      for (const [name, path, tracked, untracked] of [
        ['reserve-hot-sku', RESERVE, reserve(product.id), reserve(hot!.product_id)],
        ['stock-by-sku', BY_SKU, bySku(sku), bySku(hot!.sku)],
      ] as const) {
        ctx.log(`  ${name}: untracked, then lot-tracked`);
        const plain = await grpc(path, untracked);
        const lots = await grpc(path, tracked);
        rows.push({
          name: `${this.name}/${name}`,
          target: 'untracked unchanged; lot-tracked reported next to it',
          measured: lots,
          ceiling: { name: `${name} of an untracked product, same server and run`, measured: plain },
          ratio: lots.throughput / Math.max(1, plain.throughput),
          met: undefined,
          notes: [
            `${ctx.concurrency} callers over ${ctx.processes} processes x 4 channels; ${LOTS} lots in one location`,
          ],
        });
      }
      const [oversold] = await adminQuery<{ n: number }>(
        ctx.db.adminUrl,
        `SELECT count(*)::int AS n FROM stock_balances WHERE organization_id = $1 AND product_id = $2 AND quantity_reserved > quantity_on_hand`,
        [org, product.id],
      );
      rows[0]!.notes.push(`lots oversold after the run: ${oversold!.n}`);
      if (oversold!.n > 0) rows[0]!.met = false;
      return rows;
    } finally {
      await imsop.stop();
    }
  },
};
