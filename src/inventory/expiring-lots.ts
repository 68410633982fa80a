import { sql } from 'kysely';
import {
  LotServiceService,
  type ListExpiringLotsRequest,
  type ListExpiringLotsResponse,
} from '../../gen/ts/imsop/inventory/v1/lot_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { TenantScope } from '../platform/db/database.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import * as input from './input.js';
import { lotSelection, toLotMessage, type LotRow } from './lot-rows.js';
import { requireProduct, requireWarehouse } from './references.js';

/** The furthest ahead ListExpiringLots looks: ten years. */
const MAX_WITHIN_DAYS = 3650;

/**
 * ListExpiringLots: lots with stock on hand whose expiry date is at most `within_days` days
 * from today (lots already expired included: they are the most urgent), earliest expiry first,
 * each with its stock (at the warehouse filtered on, else everywhere). Keyset pages on
 * (expires_on, id), served by the lots' expiry index; each lot's stock is summed from its
 * balances (by the balances' lot index).
 */
export class ExpiringLots {
  constructor(private readonly app: AppContext) {}

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND when a filter names a missing product or warehouse. */
  async list(scope: TenantScope, request: ListExpiringLotsRequest): Promise<ListExpiringLotsResponse> {
    const v = new Violations();
    const limit = resolvePageSize(request.pageSize);
    const withinDays = input.intInRange(v, 'within_days', request.withinDays, 0, MAX_WITHIN_DAYS);
    const warehouseId = input.optionalId(v, 'warehouse_id', request.warehouseId);
    const productId = input.optionalId(v, 'product_id', request.productId);
    v.throwIfAny();
    const org = scope.organizationId;
    const filter = { withinDays, warehouseId: warehouseId || undefined, productId: productId || undefined };
    const binding = { organizationId: org, method: LotServiceService.listExpiringLots.path, filter };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['text', 'uuid']);
    const rows = await this.app.db.inTenant(scope, async (work) => {
      if (filter.productId) await requireProduct(work, filter.productId);
      if (filter.warehouseId) await requireWarehouse(work, filter.warehouseId);
      let query = work.tx
        .selectFrom('lots as l')
        .innerJoinLateral(
          (eb) => {
            let stock = eb
              .selectFrom('stock_balances as b')
              .select([
                sql<number>`coalesce(sum(b.quantity_on_hand), 0)::bigint`.as('on_hand'),
                sql<number>`coalesce(sum(b.quantity_reserved), 0)::bigint`.as('reserved'),
              ])
              .whereRef('b.organization_id', '=', 'l.organization_id')
              .whereRef('b.lot_id', '=', 'l.id');
            if (filter.warehouseId) stock = stock.where('b.warehouse_id', '=', filter.warehouseId);
            return stock.as('s');
          },
          (join) => join.on('s.on_hand', '>', 0),
        )
        .select([
          ...lotSelection,
          's.on_hand',
          's.reserved',
          sql<number>`(l.expires_on - current_date)`.as('days_to_expiry'),
        ])
        .where('l.organization_id', '=', org)
        .where('l.expires_on', 'is not', null)
        .where(sql<boolean>`l.expires_on <= current_date + ${withinDays}::integer`);
      if (filter.productId) query = query.where('l.product_id', '=', filter.productId);
      if (after) query = query.where(sql<boolean>`(l.expires_on, l.id) > (${after[0]}::date, ${after[1]}::uuid)`);
      return query
        .orderBy('l.expires_on')
        .orderBy('l.id')
        .limit(limit + 1)
        .execute();
    });
    const page = this.app.pageTokens.page(rows, limit, binding, (r) => [r.expires_on!, r.id]);
    return {
      lots: page.items.map((r) => ({
        lot: toLotMessage(r as LotRow),
        quantityOnHand: Number(r.on_hand),
        quantityReserved: Number(r.reserved),
        daysToExpiry: r.days_to_expiry,
      })),
      nextPageToken: page.nextPageToken,
    };
  }
}
