import { sql } from 'kysely';
import { AdjustmentReason, CycleCount } from '../../gen/ts/imsop/inventory/v1/resources.js';
import {
  CycleCountServiceService,
  type GetCycleCountRequest,
  type GetCycleCountResponse,
  type PostCycleCountRequest,
  type PostCycleCountResponse,
  type RecordCycleCountEntriesRequest,
  type RecordCycleCountEntriesResponse,
  type StartCycleCountRequest,
  type StartCycleCountResponse,
} from '../../gen/ts/imsop/inventory/v1/cycle_count_service.js';
import type { AppContext } from '../platform/app-context.js';
import { recordChange, type ChangeRecord } from '../platform/change-feed/record-change.js';
import type { TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { failedPrecondition } from '../platform/errors.js';
import { checkEtag } from '../platform/etag.js';
import { mutation, wireMethod } from '../platform/mutation.js';
import { Violations } from '../platform/validation.js';
import { applyBalanceMovement, lockLevel } from './balance-movement.js';
import {
  cycleCountColumns,
  findCycleCount,
  loadLines,
  toCycleCount,
  type CycleCountLineRow,
  type CycleCountRow,
} from './cycle-count-rows.js';
import * as input from './input.js';
import { ADJUSTMENT_REASON, toTransaction } from './mappers.js';
import { requireLocation, requireLotOf, trackingOf, type TrackedProduct } from './depth-references.js';
import { requireWarehouse } from './references.js';
import { stockStateOf } from './locations.js';
import { balanceChangesFrom } from './stock-change-events.js';
import { insufficientStock, StockLedger, type LevelKey } from './stock-ledger.js';

const NOTE_MAX = 1000;
const MAX_ENTRIES = 500;

/**
 * Cycle counts of one location: start (a snapshot of its balances), enter counts (blind counts
 * hide what the books say), post (variances booked as ADJUST entries, last count times set).
 *
 * Movements during a count are kept, never overwritten: each entry records what the books said
 * for its balance when it was entered (`booked_quantity`), its variance is counted - booked, and
 * posting applies that variance as a delta to the balance as it is by then. Stock that moved
 * between the start and the counting is in both the books and the shelf, so it makes no
 * variance; stock that moves between the counting and the posting is in the books only, and
 * stays there. (Comparing with the snapshot would book every movement since the start as a loss
 * or a find; comparing with the books at posting would undo those since the counting.)
 */
export class CycleCounts {
  constructor(private readonly app: AppContext) {}

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION (CYCLE_COUNT_ALREADY_OPEN, LOCATION_INACTIVE). */
  async start(scope: TenantScope, request: StartCycleCountRequest): Promise<StartCycleCountResponse> {
    const v = new Violations();
    const warehouseId = input.id(v, 'warehouse_id', request.warehouseId);
    const locationId = input.id(v, 'location_id', request.locationId);
    const note = input.text(v, 'note', request.note, NOTE_MAX);
    v.throwIfAny();
    const method = wireMethod(CycleCountServiceService.startCycleCount);
    return mutation(this.app.db, scope, method, request, async (work) => {
      const org = work.tenant.organizationId;
      await requireWarehouse(work, warehouseId);
      const location = await requireLocation(work, warehouseId, locationId, 'location_id');
      if (location.status !== 'active') {
        throw failedPrecondition('LOCATION_INACTIVE', 'The location is inactive: it holds no stock to count.', {
          location_id: locationId,
        });
      }
      const open = await work.tx
        .selectFrom('cycle_counts')
        .select('id')
        .where('organization_id', '=', org)
        .where('location_id', '=', locationId)
        .where('status', '=', 'open')
        .executeTakeFirst();
      if (open) throw alreadyOpen(open.id);
      let count: CycleCountRow;
      try {
        count = await work.tx
          .insertInto('cycle_counts')
          .values({
            organization_id: org,
            warehouse_id: warehouseId,
            location_id: locationId,
            blind: request.blind,
            note,
            created_by: work.actor.id,
          })
          .returning(cycleCountColumns)
          .executeTakeFirstOrThrow();
      } catch (error) {
        // A count started at the same moment by someone else won the one open slot.
        if ((error as { code?: string }).code === '23505') throw alreadyOpen('');
        throw error;
      }
      // The snapshot, in one statement: the location's balances with stock (for the default
      // location also each untracked product's stock there, which has no balance row), by SKU
      // and lot number.
      await sql`
        INSERT INTO cycle_count_lines (organization_id, cycle_count_id, line_number, product_id, lot_id, expected_quantity)
        SELECT ${org}::uuid, ${count.id}::uuid, row_number() OVER (ORDER BY p.sku, l.lot_number NULLS FIRST), s.product_id, s.lot_id, s.quantity
        FROM (
          SELECT b.product_id, b.lot_id, b.quantity_on_hand AS quantity FROM stock_balances b
          WHERE b.organization_id = ${org} AND b.warehouse_id = ${warehouseId} AND b.location_id = ${locationId} AND b.quantity_on_hand > 0
          UNION ALL
          SELECT i.product_id, NULL, i.quantity_on_hand - i.quantity_located FROM inventory i
          WHERE ${locationId}::uuid = ${warehouseId}::uuid AND i.organization_id = ${org} AND i.warehouse_id = ${warehouseId}
            AND i.quantity_on_hand - i.quantity_located > 0
        ) s
        JOIN products p ON p.organization_id = ${org} AND p.id = s.product_id
        LEFT JOIN lots l ON l.organization_id = ${org} AND l.id = s.lot_id`.execute(work.tx);
      const cycleCount = toCycleCount(count, await loadLines(work, count.id));
      await recordChange(work, cycleCountChange('cycle_count.created', cycleCount));
      return { cycleCount };
    });
  }

  /**
   * Enters counted quantities; each records what the books say for its balance now (see the
   * class comment). A product or lot the snapshot did not have gets a line expecting 0.
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION (CYCLE_COUNT_NOT_OPEN, LOT_REQUIRED, LOT_NOT_TRACKED).
   */
  async record(scope: TenantScope, request: RecordCycleCountEntriesRequest): Promise<RecordCycleCountEntriesResponse> {
    const v = new Violations();
    const id = input.id(v, 'cycle_count_id', request.cycleCountId);
    if (request.entries.length === 0 || request.entries.length > MAX_ENTRIES)
      v.add('entries', `must have 1 to ${MAX_ENTRIES} entries`);
    const seen = new Set<string>();
    const entries = request.entries.slice(0, MAX_ENTRIES).map((e, i) => {
      const field = `entries[${i}]`;
      const entry = {
        field,
        productId: input.id(v, `${field}.product_id`, e.productId),
        lotId: input.optionalId(v, `${field}.lot_id`, e.lotId) || null,
        counted: input.intInRange(v, `${field}.counted_quantity`, e.countedQuantity, 0, input.MAX_COUNTED_QUANTITY),
        reason:
          e.reason === AdjustmentReason.ADJUSTMENT_REASON_UNSPECIFIED
            ? 'cycle_count'
            : ADJUSTMENT_REASON.fromProto(
                input.enumValue(
                  v,
                  `${field}.reason`,
                  e.reason,
                  ADJUSTMENT_REASON.protoValues,
                  'an ADJUSTMENT_REASON',
                ) ?? AdjustmentReason.ADJUSTMENT_REASON_UNSPECIFIED,
              ),
        note: input.text(v, `${field}.note`, e.note, NOTE_MAX),
      };
      const item = `${entry.productId}/${entry.lotId ?? ''}`;
      if (seen.has(item)) v.add(field, 'names a product and lot another entry names already');
      seen.add(item);
      return entry;
    });
    v.throwIfAny();
    const method = wireMethod(CycleCountServiceService.recordCycleCountEntries);
    return mutation(this.app.db, scope, method, request, async (work) => {
      const org = work.tenant.organizationId;
      const count = await findCycleCount(work, id, true);
      assertOpen(count);
      const products = await trackingOf(
        work,
        entries.map((e) => ({ productId: e.productId, field: `${e.field}.product_id` })),
      );
      for (const e of entries) {
        const product = products.get(e.productId)!;
        if (product.lot_tracked && !e.lotId) {
          throw failedPrecondition('LOT_REQUIRED', `${e.field}: the product is lot-tracked: name the lot counted.`, {
            product_id: e.productId,
          });
        }
        if (!product.lot_tracked && e.lotId) {
          throw failedPrecondition('LOT_NOT_TRACKED', `${e.field}: the product is not lot-tracked: name no lot.`, {
            product_id: e.productId,
          });
        }
        if (e.lotId) await requireLotOf(work, e.productId, e.lotId, `${e.field}.lot_id`);
      }
      const booked = await bookedQuantities(work, count, entries, products);
      const existing = new Map((await loadLines(work, id)).map((l) => [`${l.product_id}/${l.lot_id ?? ''}`, l]));
      let next = Math.max(0, ...[...existing.values()].map((l) => l.line_number)) + 1;
      await work.tx
        .insertInto('cycle_count_lines')
        .values(
          entries.map((e) => {
            const key = `${e.productId}/${e.lotId ?? ''}`;
            return {
              organization_id: org,
              cycle_count_id: id,
              line_number: existing.get(key)?.line_number ?? next++,
              product_id: e.productId,
              lot_id: e.lotId,
              expected_quantity: 0,
              counted_quantity: e.counted,
              booked_quantity: booked.get(key) ?? 0,
              reason: e.reason,
              note: e.note,
              counted_by: work.actor.id,
              counted_at: sql<Date>`now()`,
            };
          }),
        )
        .onConflict((oc) =>
          oc.constraint('cycle_count_lines_item_key').doUpdateSet((eb) => ({
            counted_quantity: eb.ref('excluded.counted_quantity'),
            booked_quantity: eb.ref('excluded.booked_quantity'),
            reason: eb.ref('excluded.reason'),
            note: eb.ref('excluded.note'),
            counted_by: eb.ref('excluded.counted_by'),
            counted_at: eb.ref('excluded.counted_at'),
          })),
        )
        .execute();
      const updated = await touchCount(work, id, {});
      const cycleCount = toCycleCount(updated, await loadLines(work, id));
      await recordChange(work, cycleCountChange('cycle_count.updated', cycleCount, ['lines', 'etag']));
      return { cycleCount };
    });
  }

  /**
   * Posts the count: every counted line's variance (counted - booked when counted) becomes an
   * ADJUST entry with the line's reason on its balance, one statement per product (its level and
   * balances together, in the domain's lock order); every counted balance gets its last count
   * time; lines never counted change nothing. A count posts once.
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION (CYCLE_COUNT_NOT_OPEN,
   *   INSUFFICIENT_STOCK, SERIAL_NUMBERS_REQUIRED), ABORTED `ETAG_MISMATCH`.
   */
  async post(scope: TenantScope, request: PostCycleCountRequest): Promise<PostCycleCountResponse> {
    const v = new Violations();
    const id = input.id(v, 'cycle_count_id', request.cycleCountId);
    v.throwIfAny();
    const method = wireMethod(CycleCountServiceService.postCycleCount);
    return mutation(this.app.db, scope, method, request, async (work) => {
      const org = work.tenant.organizationId;
      const count = await findCycleCount(work, id, true);
      assertOpen(count);
      checkEtag(request.etag, count.version);
      const counted = (await loadLines(work, id)).filter((l) => l.counted_quantity !== null);
      const state =
        count.location_id === count.warehouse_id
          ? 'available'
          : stockStateOf((await requireLocation(work, count.warehouse_id, count.location_id)).type);
      const products = await trackingOf(
        work,
        counted.map((l) => ({ productId: l.product_id, field: 'cycle_count_id' })),
      );
      const byProduct = new Map<string, CycleCountLineRow[]>();
      for (const line of counted) byProduct.set(line.product_id, [...(byProduct.get(line.product_id) ?? []), line]);
      const ledger = new StockLedger(work, this.app.cache);
      const written = new Map<number, ReturnType<typeof toTransaction>>();
      const key = (productId: string) => ({ warehouseId: count.warehouse_id, productId });
      // Levels in the domain's lock order (one warehouse: by product id).
      for (const productId of [...byProduct.keys()].sort()) {
        const lines = byProduct.get(productId)!;
        const product = products.get(productId)!;
        const varied = lines.filter((l) => l.counted_quantity! !== l.booked_quantity!);
        if (varied.length > 0 && product.serial_tracked) {
          throw failedPrecondition(
            'SERIAL_NUMBERS_REQUIRED',
            `The count of serial-tracked product ${product.sku} differs from the books: book it with AdjustStock naming the serial numbers found or lost, then count again.`,
            { product_id: productId },
          );
        }
        const tracked = product.lot_tracked || product.serial_tracked;
        await lockLevel(ledger, key(productId), product.reorder_point);
        for (const line of varied) {
          const delta = line.counted_quantity! - line.booked_quantity!;
          const reason = line.reason ?? 'cycle_count';
          const balance = { locationId: count.location_id, lotId: line.lot_id };
          // Under the level's lock: a decrease must leave the balance's reserved units in place.
          if (delta < 0) await assertUnreserved(work, key(productId), balance, -delta, tracked);
          const moved = await applyBalanceMovement(ledger, {
            key: key(productId),
            tracked,
            cycleCountId: id,
            reason,
            countedQuantity: reason === 'cycle_count' ? line.counted_quantity! : undefined,
            note: line.note,
            reference: `cycle count ${id}`,
            changes: [{ type: 'adjust', ...balance, state, onHand: delta, reserved: 0 }],
          });
          if (!moved) throw insufficientStock(0, -delta, key(productId));
          const entry = moved.entries[0]!;
          written.set(line.line_number, toTransaction(entry));
          await work.tx
            .updateTable('cycle_count_lines')
            .set({ transaction_id: entry.id })
            .where('organization_id', '=', org)
            .where('cycle_count_id', '=', id)
            .where('line_number', '=', line.line_number)
            .execute();
        }
        await markCounted(work, count, productId, tracked, lines);
      }
      const posted = await touchCount(work, id, { status: 'posted', posted_at: sql`now()`, posted_by: work.actor.id });
      const cycleCount = toCycleCount(posted, await loadLines(work, id));
      // After the adjustments' own events (recorded by their movements).
      await recordChange(
        work,
        cycleCountChange('cycle_count.posted', cycleCount, ['status', 'lines', 'etag', 'post_time']),
      );
      return {
        cycleCount,
        transactions: [...written.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry),
      };
    });
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND `CYCLE_COUNT_NOT_FOUND`. */
  async get(scope: TenantScope, request: GetCycleCountRequest): Promise<GetCycleCountResponse> {
    const v = new Violations();
    const id = input.id(v, 'cycle_count_id', request.cycleCountId);
    v.throwIfAny();
    return this.app.db.inTenant(scope, async (work) => {
      const count = await findCycleCount(work, id, false);
      return { cycleCount: toCycleCount(count, await loadLines(work, id)) };
    });
  }
}

/**
 * A cycle count's change event, its resource the count as GetCycleCount shows it (a blind count
 * still open shows no expected quantities here either).
 */
function cycleCountChange(
  eventType: 'cycle_count.created' | 'cycle_count.updated' | 'cycle_count.posted',
  cycleCount: CycleCount,
  changedFields?: readonly string[],
): ChangeRecord {
  return {
    resourceType: 'cycle_count',
    resourceId: cycleCount.id,
    eventType,
    changeKind:
      eventType === 'cycle_count.created' ? 'created' : eventType === 'cycle_count.updated' ? 'updated' : 'event',
    changedFields,
    etag: cycleCount.etag,
    resource: CycleCount.toJSON(cycleCount) as Record<string, unknown>,
  };
}

const alreadyOpen = (cycleCountId: string) =>
  failedPrecondition('CYCLE_COUNT_ALREADY_OPEN', 'The location has an open cycle count: post it first.', {
    cycle_count_id: cycleCountId,
  });

function assertOpen(count: CycleCountRow): void {
  if (count.status !== 'open') {
    throw failedPrecondition('CYCLE_COUNT_NOT_OPEN', `The cycle count is no longer open (it is ${count.status}).`, {
      status: count.status,
    });
  }
}

/** Bumps the count's version (its etag) with any other change. */
function touchCount(work: UnitOfWork, id: string, set: Record<string, unknown>): Promise<CycleCountRow> {
  return work.tx
    .updateTable('cycle_counts')
    .set({ ...set, version: sql`version + 1`, updated_at: sql`now()` })
    .where('organization_id', '=', work.tenant.organizationId)
    .where('id', '=', id)
    .returning(cycleCountColumns)
    .executeTakeFirstOrThrow();
}

/**
 * What the books say now for each entry's balance at the count's location: a balance row's on
 * hand, or for an untracked product in the default location, its level's stock outside balance
 * rows (it has no balance row). Keyed `product/lot`.
 */
async function bookedQuantities(
  work: UnitOfWork,
  count: CycleCountRow,
  entries: readonly { productId: string; lotId: string | null }[],
  products: Map<string, TrackedProduct>,
): Promise<Map<string, number>> {
  const org = work.tenant.organizationId;
  const booked = new Map<string, number>();
  const productIds = [...new Set(entries.map((e) => e.productId))];
  const balances = await work.tx
    .selectFrom('stock_balances')
    .select(['product_id', 'lot_id', 'quantity_on_hand'])
    .where('organization_id', '=', org)
    .where('warehouse_id', '=', count.warehouse_id)
    .where('location_id', '=', count.location_id)
    .where('product_id', 'in', productIds)
    .execute();
  for (const b of balances) booked.set(`${b.product_id}/${b.lot_id ?? ''}`, b.quantity_on_hand);
  if (count.location_id === count.warehouse_id) {
    const untracked = (id: string) => !products.get(id)!.lot_tracked && !products.get(id)!.serial_tracked;
    const loose = [
      ...new Set(entries.filter((e) => e.lotId === null && untracked(e.productId)).map((e) => e.productId)),
    ];
    if (loose.length > 0) {
      const levels = await work.tx
        .selectFrom('inventory')
        .select(['product_id', sql<number>`quantity_on_hand - quantity_located`.as('loose')])
        .where('organization_id', '=', org)
        .where('warehouse_id', '=', count.warehouse_id)
        .where('product_id', 'in', loose)
        .execute();
      for (const l of levels) booked.set(`${l.product_id}/`, l.loose);
    }
  }
  return booked;
}

/**
 * A decrease of a balance takes only units no reservation holds.
 * @throws AppError FAILED_PRECONDITION `INSUFFICIENT_STOCK`.
 */
async function assertUnreserved(
  work: UnitOfWork,
  key: LevelKey,
  balance: { locationId: string; lotId: string | null },
  quantity: number,
  tracked: boolean,
): Promise<void> {
  // The default location's untracked stock is the level's: its own conditions guard it.
  if (!tracked && balance.locationId === key.warehouseId && balance.lotId === null) return;
  const row = await work.tx
    .selectFrom('stock_balances')
    .select(['quantity_on_hand', 'quantity_reserved'])
    .where('organization_id', '=', work.tenant.organizationId)
    .where('warehouse_id', '=', key.warehouseId)
    .where('product_id', '=', key.productId)
    .where('location_id', '=', balance.locationId)
    .where(balance.lotId === null ? sql<boolean>`lot_id IS NULL` : sql<boolean>`lot_id = ${balance.lotId}`)
    .executeTakeFirst();
  const unreserved = row ? row.quantity_on_hand - row.quantity_reserved : 0;
  if (unreserved < quantity) throw insufficientStock(unreserved, quantity, key);
}

/** Sets the last count time of the product's counted balances (under its level's lock). */
async function markCounted(
  work: UnitOfWork,
  count: CycleCountRow,
  productId: string,
  tracked: boolean,
  lines: readonly CycleCountLineRow[],
): Promise<void> {
  const org = work.tenant.organizationId;
  // An untracked product's stock in the default location has no balance row: its level keeps the time.
  const inDefault = !tracked && count.location_id === count.warehouse_id;
  if (inDefault && lines.some((l) => l.lot_id === null)) {
    await work.tx
      .updateTable('inventory')
      .set({ default_last_counted_at: sql`now()` })
      .where('organization_id', '=', org)
      .where('warehouse_id', '=', count.warehouse_id)
      .where('product_id', '=', productId)
      .execute();
  }
  const lots = lines.map((l) => l.lot_id).filter((l) => !(inDefault && l === null));
  if (lots.length === 0) return;
  const lotIds = lots.filter((l): l is string => l !== null);
  // With each balance's stock_balance.updated (last_counted_time), in the same statement.
  await sql`
    WITH counted AS (
      UPDATE stock_balances SET last_counted_at = now()
      WHERE organization_id = ${org} AND warehouse_id = ${count.warehouse_id} AND location_id = ${count.location_id}
        AND product_id = ${productId}
        AND ((lot_id IS NULL AND ${lots.includes(null)}::boolean) OR lot_id = ANY(${lotIds}::uuid[]))
      RETURNING id, warehouse_id, location_id, product_id, lot_id, quantity_on_hand, quantity_reserved, last_counted_at, updated_at
    ),
    change AS (${balanceChangesFrom(
      work,
      sql`SELECT c.*, c.quantity_on_hand AS on_hand_before, c.quantity_reserved AS reserved_before,
            row_number() OVER (ORDER BY c.lot_id NULLS FIRST) AS ord FROM counted c`,
      ['last_counted_time'],
    )})
    SELECT count(*) FROM counted`.execute(work.tx);
}
