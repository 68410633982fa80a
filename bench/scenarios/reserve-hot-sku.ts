import { adminQuery, benchTenant } from '../bench-tenant.js';
import {
  reserveNotes,
  reserveRound,
  resetReservedToLedger,
  startReserveServers,
  stockUp,
  type Level,
} from '../reserve-levels.js';
import type { Scenario, ScenarioResult } from '../scenario.js';

/** Callers per row: coalescing should gain more the more callers wait on the one hot level. */
const CONCURRENCY = [8, 64, 256];

/**
 * 8, 64 and 256 callers reserving 1 unit of one hot SKU, each next to the raw conditional UPDATE
 * through pg with the same callers, and to a second server with RESERVATION_COALESCING=off, all
 * in the same run. After each row: zero oversell (reserved <= on hand) and the ledger still sums
 * to the level.
 */
export const reserveHotSku: Scenario = {
  name: 'reserve-hot-sku',
  description:
    'ReserveStock of 1 unit of one hot SKU at 8/64/256 callers vs the raw conditional UPDATE; coalescing on vs off',
  async run(ctx) {
    const servers = await startReserveServers(ctx);
    try {
      const tenant = await benchTenant(ctx, servers.on.address);
      const org = tenant.organizationId;
      const [hot] = await adminQuery<{ warehouse_id: string; product_id: string }>(
        ctx.db.adminUrl,
        `SELECT warehouse_id, product_id FROM inventory WHERE organization_id = $1 ORDER BY product_id, warehouse_id LIMIT 1`,
        [org],
      );
      const levels: Level[] = [{ warehouseId: hot!.warehouse_id, productId: hot!.product_id }];
      await stockUp(ctx.db, org, levels);
      // Earlier runs may have left the level off its ledger (older harnesses reset it racily).
      await resetReservedToLedger(ctx.db, org, levels);
      const rows: ScenarioResult[] = [];
      const gains: string[] = [];
      for (const concurrency of ctx.smoke ? CONCURRENCY.slice(0, 1) : CONCURRENCY) {
        ctx.log(`  ${concurrency} callers`);
        const round = await reserveRound(
          ctx,
          servers,
          tenant.auth,
          org,
          levels,
          concurrency,
          !ctx.smoke && concurrency === 64,
        );
        const ratio = round.on.throughput / Math.max(1, round.raw.throughput);
        gains.push(`${concurrency}: ${(round.on.throughput / Math.max(1, round.off.throughput)).toFixed(2)}x`);
        rows.push({
          name: `${this.name}@${concurrency}`,
          target: '>= 100% of the raw conditional UPDATE through pg; zero oversell, ledger = level',
          measured: round.on,
          ceiling: { name: 'raw conditional UPDATE through pg, 20 connections', measured: round.raw },
          ratio,
          coalescingOff: round.off,
          books: round.books,
          met: ctx.smoke ? (round.books.consistent ? undefined : false) : ratio >= 1 && round.books.consistent,
          notes: [
            `${concurrency} callers over ${ctx.processes} processes x 4 channels, one level`,
            ...reserveNotes(round),
          ],
        });
      }
      rows.at(-1)!.notes.push(`coalescing gain (on / off throughput) by callers: ${gains.join(', ')}`);
      return rows;
    } finally {
      await servers.stop();
    }
  },
};
