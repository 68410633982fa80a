import { adminQuery, benchTenant } from '../bench-tenant.js';
import {
  reserveNotes,
  reserveRound,
  resetReservedToLedger,
  startReserveServers,
  stockUp,
  type Level,
} from '../reserve-levels.js';
import type { Scenario } from '../scenario.js';

const SKUS = 1_000;
const CALLERS = 64;

/**
 * The common case coalescing must not slow: 64 callers reserving 1 unit at a time across 1,000
 * SKUs (one level each, cycled, so callers rarely meet on a level), next to the raw conditional
 * UPDATE over the same levels and to a second server with RESERVATION_COALESCING=off, all in
 * the same run; then zero oversell and every level equal to its ledger.
 */
export const reserveSpread: Scenario = {
  name: 'reserve-spread',
  description:
    'ReserveStock of 1 unit across 1,000 SKUs, 64 callers: coalescing on vs off vs the raw conditional UPDATE',
  async run(ctx) {
    const servers = await startReserveServers(ctx);
    try {
      const tenant = await benchTenant(ctx, servers.on.address);
      const org = tenant.organizationId;
      // One level per product, from the far end of the catalogue (reserve-hot-sku takes the first).
      const picked = await adminQuery<{ warehouse_id: string; product_id: string }>(
        ctx.db.adminUrl,
        `SELECT DISTINCT ON (product_id) warehouse_id, product_id FROM inventory WHERE organization_id = $1 ORDER BY product_id DESC, warehouse_id LIMIT $2`,
        [org, SKUS],
      );
      const levels: Level[] = picked.map((r) => ({ warehouseId: r.warehouse_id, productId: r.product_id }));
      await stockUp(ctx.db, org, levels);
      await resetReservedToLedger(ctx.db, org, levels);
      const concurrency = ctx.smoke ? 8 : CALLERS;
      const round = await reserveRound(ctx, servers, tenant.auth, org, levels, concurrency, !ctx.smoke);
      const onVsOff = round.on.throughput / Math.max(1, round.off.throughput);
      return {
        name: this.name,
        target:
          'coalescing on >= 95% of coalescing off (no slower, within noise); zero oversell, ledger = level on every SKU',
        measured: round.on,
        ceiling: {
          name: `raw conditional UPDATE through pg over the same ${levels.length} levels, 20 connections`,
          measured: round.raw,
        },
        ratio: round.on.throughput / Math.max(1, round.raw.throughput),
        coalescingOff: round.off,
        books: round.books,
        met: ctx.smoke ? (round.books.consistent ? undefined : false) : onVsOff >= 0.95 && round.books.consistent,
        notes: [
          `${concurrency} callers over ${ctx.processes} processes x 4 channels, cycling over ${levels.length} SKUs (one level each); ratio = on / raw UPDATE`,
          ...reserveNotes(round),
        ],
      };
    } finally {
      await servers.stop();
    }
  },
};
