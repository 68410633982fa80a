import { ReserveStockRequest } from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import { adminQuery, benchTenant } from '../bench-tenant.js';
import { startImsop } from '../environment.js';
import type { Scenario } from '../scenario.js';
import { measure } from '../workers.js';

const HOT_STOCK = 50_000_000;

/**
 * 64 callers reserving 1 unit of one hot SKU, next to the raw conditional UPDATE through pg
 * with the same callers and connections. Afterwards: zero oversell (reserved <= on hand) and the
 * ledger still sums to the level.
 */
export const reserveHotSku: Scenario = {
  name: 'reserve-hot-sku',
  description: 'ReserveStock of 1 unit of one hot SKU vs the raw conditional UPDATE through pg',
  async run(ctx) {
    const imsop = await startImsop(ctx.db);
    try {
      const tenant = await benchTenant(ctx, imsop.address);
      const [level] = await adminQuery<{ warehouse_id: string; product_id: string }>(
        ctx.db.adminUrl,
        `SELECT warehouse_id, product_id FROM inventory WHERE organization_id = $1 ORDER BY product_id, warehouse_id LIMIT 1`,
        [tenant.organizationId],
      );
      const org = tenant.organizationId;
      const { warehouse_id: warehouseId, product_id: productId } = level!;
      // Plenty of stock, received through the ledger so the books still balance.
      await adminQuery(
        ctx.db.adminUrl,
        `WITH level AS (
           UPDATE inventory SET quantity_on_hand = quantity_on_hand + $4, version = version + 1
           WHERE organization_id = $1 AND warehouse_id = $2 AND product_id = $3 AND quantity_on_hand < $4
           RETURNING organization_id, warehouse_id, product_id, quantity_on_hand, quantity_reserved)
         INSERT INTO inventory_transactions (organization_id, warehouse_id, product_id, type, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reference)
         SELECT organization_id, warehouse_id, product_id, 'receive', $4, 0, quantity_on_hand, quantity_reserved, 'bench hot stock' FROM level`,
        [org, warehouseId, productId, HOT_STOCK],
      );
      const reservedBefore = (
        await adminQuery<{ reserved: number }>(ctx.db.adminUrl, `SELECT quantity_reserved AS reserved FROM inventory WHERE organization_id = $1 AND warehouse_id = $2 AND product_id = $3`, [org, warehouseId, productId])
      )[0]!.reserved;
      const concurrency = ctx.smoke ? 8 : 64;
      const base = { durationMs: ctx.durationMs, mode: { kind: 'closed' as const, concurrency } };
      const ceiling = await measure(
        {
          ...base,
          target: {
            kind: 'sql',
            url: ctx.db.adminUrl,
            sql: `UPDATE inventory SET quantity_reserved = quantity_reserved + 1
                  WHERE organization_id = $1 AND warehouse_id = $2 AND product_id = $3 AND quantity_on_hand - quantity_reserved >= 1`,
            params: [[org, warehouseId, productId]],
            connections: 20,
          },
        },
        ctx.processes,
      );
      // Undo the ceiling's raw reservations (they have no ledger rows; the load workers' warm-up
      // made some that no count includes) before the real run.
      await adminQuery(ctx.db.adminUrl, `UPDATE inventory SET quantity_reserved = $4 WHERE organization_id = $1 AND warehouse_id = $2 AND product_id = $3`, [org, warehouseId, productId, reservedBefore]);
      // The service's work for one reservation, straight through pg: its transaction with the
      // tenant settings, and one statement changing the level, writing the ledger row and opening
      // the reservation (what StockLedger sends). The gap between this and the raw UPDATE is the
      // database's share of the cost; the gap between this and the service is the service's.
      const sameWork = await measure(
        {
          ...base,
          target: {
            kind: 'sql',
            url: ctx.db.adminUrl,
            transaction: true,
            setup: [{ sql: `SELECT set_config('role', 'imsop_app', true), set_config('app.org_id', $1, true), set_config('app.actor_kind', 'system', true)`, params: [org] }],
            sql: `WITH level AS (
                    UPDATE inventory SET quantity_reserved = quantity_reserved + 1, version = version + 1, updated_at = now()
                    WHERE organization_id = $1 AND warehouse_id = $2 AND product_id = $3 AND quantity_reserved + 1 <= quantity_on_hand
                    RETURNING organization_id, warehouse_id, product_id, quantity_on_hand, quantity_reserved),
                  ids AS (SELECT gen_random_uuid() AS id),
                  entry AS (
                    INSERT INTO inventory_transactions (organization_id, warehouse_id, product_id, type, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reference, reservation_id)
                    SELECT organization_id, warehouse_id, product_id, 'reserve', 0, 1, quantity_on_hand, quantity_reserved, 'bench', ids.id FROM level, ids RETURNING id)
                  INSERT INTO reservations (organization_id, id, warehouse_id, product_id, quantity, reference)
                  SELECT organization_id, ids.id, warehouse_id, product_id, 1, 'bench' FROM level, ids`,
            params: [[org, warehouseId, productId]],
            connections: 20,
          },
        },
        ctx.processes,
      );
      const request = Buffer.from(ReserveStockRequest.encode({ warehouseId, productId, quantity: 1, reference: 'bench', requestId: '', expiration: undefined }).finish());
      const measured = await measure(
        { ...base, target: { kind: 'grpc', address: imsop.address, path: '/imsop.inventory.v1.StockService/ReserveStock', requestsBase64: [request.toString('base64')], metadata: tenant.auth, channels: 4 } },
        ctx.processes,
      );
      const [check] = await adminQuery<{ on_hand: number; reserved: number; ledger_on_hand: number; ledger_reserved: number }>(
        ctx.db.adminUrl,
        `SELECT i.quantity_on_hand AS on_hand, i.quantity_reserved AS reserved,
                (SELECT coalesce(sum(on_hand_delta), 0)::int FROM inventory_transactions t WHERE t.organization_id = i.organization_id AND t.warehouse_id = i.warehouse_id AND t.product_id = i.product_id) AS ledger_on_hand,
                (SELECT coalesce(sum(reserved_delta), 0)::int FROM inventory_transactions t WHERE t.organization_id = i.organization_id AND t.warehouse_id = i.warehouse_id AND t.product_id = i.product_id) AS ledger_reserved
         FROM inventory i WHERE i.organization_id = $1 AND i.warehouse_id = $2 AND i.product_id = $3`,
        [org, warehouseId, productId],
      );
      const consistent = check!.reserved <= check!.on_hand && check!.ledger_on_hand === check!.on_hand && check!.ledger_reserved === check!.reserved;
      const ratio = measured.throughput / Math.max(1, ceiling.throughput);
      return {
        name: this.name,
        target: '>= 50% of the raw conditional UPDATE through pg; zero oversell',
        measured,
        ceiling: { name: 'raw conditional UPDATE through pg, 20 connections', measured: ceiling },
        ratio,
        met: ctx.smoke ? (consistent ? undefined : false) : ratio >= 0.5 && consistent,
        notes: [
          `${concurrency} callers; after the run on hand ${check!.on_hand}, reserved ${check!.reserved}; ledger sums ${consistent ? 'match' : 'DO NOT MATCH'}`,
          `the same work through pg (transaction with tenant settings, one level+ledger+reservation statement): ${sameWork.throughput} ops/s; the service reaches ${Math.round((100 * measured.throughput) / Math.max(1, sameWork.throughput))}% of it`,
        ],
      };
    } finally {
      await imsop.stop();
    }
  },
};
