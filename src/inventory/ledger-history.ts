import type { Kysely } from 'kysely';
import type { DB } from '../../gen/db/schema.js';
import { InventoryTransactionType } from '../../gen/ts/imsop/inventory/v1/resources.js';
import {
  StockServiceService,
  type ListInventoryTransactionsRequest,
  type ListInventoryTransactionsResponse,
} from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { TenantScope } from '../platform/db/database.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import * as input from './input.js';
import { listTransactionsQuery } from './list-queries.js';
import { TRANSACTION_TYPE, toTransaction } from './mappers.js';
import { requireProduct, requireWarehouse } from './references.js';

/** Reading the stock ledger. */
export class LedgerHistory {
  constructor(private readonly app: AppContext) {}

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND when a filter names a missing product or warehouse. */
  async list(
    scope: TenantScope,
    request: ListInventoryTransactionsRequest,
  ): Promise<ListInventoryTransactionsResponse> {
    const v = new Violations();
    const limit = resolvePageSize(request.pageSize);
    const productId = input.optionalId(v, 'product_id', request.productId);
    const warehouseId = input.optionalId(v, 'warehouse_id', request.warehouseId);
    let type: string | undefined;
    if (request.type !== InventoryTransactionType.INVENTORY_TRANSACTION_TYPE_UNSPECIFIED) {
      type = TRANSACTION_TYPE.fromProto(request.type);
      if (!type) v.add('type', 'is not a known transaction type');
    }
    const { startTime, endTime } = request;
    if (startTime && endTime && startTime.getTime() > endTime.getTime())
      v.add('end_time', 'must not be before start_time');
    v.throwIfAny();
    const org = scope.organizationId;
    const filter = {
      productId: productId || undefined,
      warehouseId: warehouseId || undefined,
      type,
      startTime: startTime ?? undefined,
      endTime: endTime ?? undefined,
    };
    const binding = { organizationId: org, method: StockServiceService.listInventoryTransactions.path, filter };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['timestamp', 'uuid']);
    const { rows, serials } = await this.app.db.inTenant(scope, async (work) => {
      if (filter.productId) await requireProduct(work, filter.productId);
      if (filter.warehouseId) await requireWarehouse(work, filter.warehouseId);
      const rows = await listTransactionsQuery(work.tx, org, filter, after, limit).execute();
      return {
        rows,
        serials: await serialNumbersOf(
          work.tx,
          org,
          rows.map((r) => r.id),
        ),
      };
    });
    const page = this.app.pageTokens.page(rows, limit, binding, (r) => [r.cursor_time, r.id]);
    return {
      transactions: page.items.map((r) => ({ ...toTransaction(r), serialNumbers: serials.get(r.id) ?? [] })),
      nextPageToken: page.nextPageToken,
    };
  }
}

/** The serial numbers each ledger entry moved (inventory_transaction_serials), by entry id. */
async function serialNumbersOf(tx: Kysely<DB>, org: string, ids: readonly string[]): Promise<Map<string, string[]>> {
  const byEntry = new Map<string, string[]>();
  if (ids.length === 0) return byEntry;
  const rows = await tx
    .selectFrom('inventory_transaction_serials as ts')
    .innerJoin('serial_numbers as s', (j) =>
      j.onRef('s.organization_id', '=', 'ts.organization_id').onRef('s.id', '=', 'ts.serial_number_id'),
    )
    .select(['ts.transaction_id', 's.serial_number'])
    .where('ts.organization_id', '=', org)
    .where('ts.transaction_id', 'in', [...ids])
    .orderBy('s.serial_number')
    .execute();
  for (const r of rows) byEntry.set(r.transaction_id, [...(byEntry.get(r.transaction_id) ?? []), r.serial_number]);
  return byEntry;
}
