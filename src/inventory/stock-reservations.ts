import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { ReservationStatus } from '../../gen/ts/imsop/inventory/v1/resources.js';
import {
  StockServiceService,
  type FulfillReservationRequest,
  type FulfillReservationResponse,
  type GetReservationRequest,
  type GetReservationResponse,
  type ListReservationsRequest,
  type ListReservationsResponse,
  type ReleaseReservationRequest,
  type ReleaseReservationResponse,
  type ReserveStockRequest,
  type ReserveStockResponse,
} from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { failedPrecondition, notFound } from '../platform/errors.js';
import { mutation, wireMethod } from '../platform/mutation.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import * as input from './input.js';
import { listReservationsQuery } from './list-queries.js';
import { RESERVATION_STATUS, reservationColumns, toReservation, toStockLevel, toTransaction, type ReservationRow } from './mappers.js';
import { assertInboundOpen, assertStockable, requireProduct, requireStockTarget, requireWarehouse } from './references.js';
import { insufficientStock, StockLedger, type LevelKey } from './stock-ledger.js';

/** The longest a reservation may hold stock before it expires (when it has an expiry at all). */
export const MAX_RESERVATION_SECONDS = 90 * 24 * 3600;

/** Ending states of a reservation and the ledger entry each writes. */
const CLOSING = {
  released: { type: 'release', fulfils: false },
  expired: { type: 'expire', fulfils: false },
  fulfilled: { type: 'issue', fulfils: true },
} as const;

type ClosingStatus = keyof typeof CLOSING;

/** `expire_time <= now()` in the database's clock, the one expiry is judged by everywhere. */
const isDue = sql<boolean>`(expire_time IS NOT NULL AND expire_time <= now())`;

/**
 * Ends an active reservation already locked by the caller: marks it, frees its units from the
 * level (and for fulfilment issues them), and writes the ledger entry.
 */
async function closeReservation(ledger: StockLedger, row: ReservationRow, status: ClosingStatus, note = '') {
  const { work, organizationId } = ledger;
  const closed = await work.tx
    .updateTable('reservations')
    .set({ status, closed_at: sql`now()`, updated_at: sql`now()`, version: sql`version + 1` })
    .where('organization_id', '=', organizationId)
    .where('id', '=', row.id)
    .returning(reservationColumns)
    .executeTakeFirstOrThrow();
  const { type, fulfils } = CLOSING[status];
  const moved = await ledger.tryMove({
    type,
    key: { warehouseId: row.warehouse_id, productId: row.product_id },
    delta: { onHand: fulfils ? -row.quantity : 0, reserved: -row.quantity },
    reservationId: row.id,
    reference: row.reference,
    note,
  });
  // An active reservation's units are part of the level's reserved quantity (the ledger keeps
  // them in step), so this cannot fail unless that invariant is broken: fail loudly.
  if ('available' in moved) throw new Error(`reservation ${row.id} holds more than its level has reserved`);
  return { reservation: closed, ...moved };
}

/**
 * Expires active reservations whose expire_time has passed: of one level, or of the whole
 * organization, at most `limit` per call. Rows another transaction holds are skipped (SKIP
 * LOCKED), so several sweepers, or a sweeper and a reserving call, never wait on each other
 * here; the rows are taken in lock order, reservations before levels.
 * @returns how many reservations were expired.
 */
export async function expireDueReservations(ledger: StockLedger, limit: number, level?: LevelKey): Promise<number> {
  let query = ledger.work.tx
    .selectFrom('reservations')
    .select(reservationColumns)
    .where('organization_id', '=', ledger.organizationId)
    .where('status', '=', 'active')
    .where(isDue);
  if (level) query = query.where('warehouse_id', '=', level.warehouseId).where('product_id', '=', level.productId);
  const due = await query.orderBy('warehouse_id').orderBy('product_id').orderBy('id').limit(limit).forNoKeyUpdate().skipLocked().execute();
  for (const row of due) await closeReservation(ledger, row, 'expired');
  return due.length;
}

/** Reserving, releasing and fulfilling stock; reading reservations. */
export class StockReservations {
  constructor(private readonly app: AppContext) {}

  /**
   * Holds `quantity` available units with one conditional UPDATE. When that finds too little,
   * reservations of the level that are past their expiry are expired first (so an expiry frees
   * stock the moment it passes, not only when the sweeper comes by) and the hold is tried once
   * more.
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION (INSUFFICIENT_STOCK, PRODUCT_ARCHIVED, WAREHOUSE_INACTIVE).
   */
  async reserve(scope: TenantScope, request: ReserveStockRequest): Promise<ReserveStockResponse> {
    const v = new Violations();
    const key: LevelKey = { warehouseId: input.id(v, 'warehouse_id', request.warehouseId), productId: input.id(v, 'product_id', request.productId) };
    const quantity = input.movementQuantity(v, 'quantity', request.quantity);
    const reference = input.text(v, 'reference', request.reference, 200);
    const expiry = expiryOf(v, request);
    v.throwIfAny();
    return mutation(this.app.db, scope, wireMethod(StockServiceService.reserveStock), request, async (work) => {
      const target = await requireStockTarget(work, key);
      assertStockable(target.product);
      assertInboundOpen(target.warehouse);
      // A level that never had stock has nothing to reserve (and the reservation's foreign key
      // needs the level). Levels are never deleted, so this unlocked read cannot go stale.
      if (target.available === undefined) throw insufficientStock(0, quantity, key);
      const ledger = new StockLedger(work, this.app.cache);
      // Too little committed stock and nothing expired to free: answer at once, without queueing
      // for the level's row lock (what a sold-out product under a rush needs).
      if (target.available < quantity && (!target.hasLapsedReservations || (await expireDueReservations(ledger, 1000, key)) === 0)) {
        throw insufficientStock(target.available, quantity, key);
      }
      // One statement changes the level, writes the ledger row and opens the reservation (see
      // StockLedger): the level's row lock is held for that statement and the commit.
      const movement = {
        type: 'reserve',
        key,
        delta: { onHand: 0, reserved: quantity },
        reservationId: randomUUID(),
        reference,
        opens: { expireTime: expiry.ttlSeconds !== undefined ? sql<Date>`now() + make_interval(secs => ${expiry.ttlSeconds})` : (expiry.at ?? null) },
      } as const;
      let result = await ledger.tryMove(movement);
      if ('available' in result && (await expireDueReservations(ledger, 1000, key)) > 0) result = await ledger.tryMove(movement);
      if ('available' in result) throw insufficientStock(result.available, quantity, key);
      return { reservation: toReservation(result.reservation!), stockLevel: toStockLevel(result.level) };
    });
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND `RESERVATION_NOT_FOUND`, FAILED_PRECONDITION `RESERVATION_NOT_ACTIVE`. */
  async release(scope: TenantScope, request: ReleaseReservationRequest): Promise<ReleaseReservationResponse> {
    const v = new Violations();
    const id = input.id(v, 'reservation_id', request.reservationId);
    v.throwIfAny();
    return mutation(this.app.db, scope, wireMethod(StockServiceService.releaseReservation), request, async (work) => {
      const row = await this.#lockActive(work, id);
      const ledger = new StockLedger(work, this.app.cache);
      const done = await closeReservation(ledger, row, row.due ? 'expired' : 'released');
      return { reservation: toReservation(done.reservation), stockLevel: toStockLevel(done.level) };
    });
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION (RESERVATION_NOT_ACTIVE, RESERVATION_EXPIRED). */
  async fulfill(scope: TenantScope, request: FulfillReservationRequest): Promise<FulfillReservationResponse> {
    const v = new Violations();
    const id = input.id(v, 'reservation_id', request.reservationId);
    const note = input.text(v, 'note', request.note, 1000);
    v.throwIfAny();
    return mutation(this.app.db, scope, wireMethod(StockServiceService.fulfillReservation), request, async (work) => {
      const row = await this.#lockActive(work, id);
      if (row.due) {
        throw failedPrecondition('RESERVATION_EXPIRED', 'The reservation passed its expiry; its stock is no longer held.', { reservation_id: id });
      }
      const ledger = new StockLedger(work, this.app.cache);
      const done = await closeReservation(ledger, row, 'fulfilled', note);
      return { reservation: toReservation(done.reservation), stockLevel: toStockLevel(done.level), transaction: toTransaction(done.entry) };
    });
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND `RESERVATION_NOT_FOUND`. */
  async get(scope: TenantScope, request: GetReservationRequest): Promise<GetReservationResponse> {
    const v = new Violations();
    const id = input.id(v, 'reservation_id', request.reservationId);
    v.throwIfAny();
    const org = scope.organizationId;
    const row = await this.app.db.inTenant(scope, (work) =>
      work.tx.selectFrom('reservations').select(reservationColumns).where('organization_id', '=', org).where('id', '=', id).executeTakeFirst(),
    );
    if (!row) throw notFound('reservation');
    return { reservation: toReservation(row) };
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND when a filter names a missing product or warehouse. */
  async list(scope: TenantScope, request: ListReservationsRequest): Promise<ListReservationsResponse> {
    const v = new Violations();
    const limit = resolvePageSize(request.pageSize);
    const productId = input.optionalId(v, 'product_id', request.productId);
    const warehouseId = input.optionalId(v, 'warehouse_id', request.warehouseId);
    let status: string | undefined;
    if (request.status !== ReservationStatus.RESERVATION_STATUS_UNSPECIFIED) {
      status = RESERVATION_STATUS.fromProto(request.status);
      if (!status) v.add('status', 'is not a known reservation status');
    }
    v.throwIfAny();
    const org = scope.organizationId;
    const filter = { productId: productId || undefined, warehouseId: warehouseId || undefined, status };
    const binding = { organizationId: org, method: StockServiceService.listReservations.path, filter };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['timestamp', 'uuid']);
    const rows = await this.app.db.inTenant(scope, async (work) => {
      if (filter.productId) await requireProduct(work, filter.productId);
      if (filter.warehouseId) await requireWarehouse(work, filter.warehouseId);
      return listReservationsQuery(work.tx, org, filter, after, limit).execute();
    });
    const page = this.app.pageTokens.page(rows, limit, binding, (r) => [r.cursor_time, r.id]);
    return { reservations: page.items.map(toReservation), nextPageToken: page.nextPageToken };
  }

  /** Locks an active reservation (reservation rows are locked before levels: the domain's order). */
  async #lockActive(work: UnitOfWork, id: string): Promise<ReservationRow & { due: boolean }> {
    const org = work.tenant.organizationId;
    const row = await work.tx
      .selectFrom('reservations')
      .select([...reservationColumns, isDue.as('due')])
      .where('organization_id', '=', org)
      .where('id', '=', id)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('reservation');
    if (row.status !== 'active') {
      throw failedPrecondition('RESERVATION_NOT_ACTIVE', `The reservation is no longer active (it is ${row.status}).`, { status: row.status });
    }
    return row;
  }
}

/**
 * The requested expiry: an absolute time, or a ttl that the database turns into one with its
 * own clock (the clock expiry is judged by).
 */
function expiryOf(v: Violations, request: ReserveStockRequest): { at?: Date; ttlSeconds?: number } {
  const expiration = request.expiration;
  switch (expiration?.$case) {
    case 'expireTime': {
      const ms = expiration.value.getTime() - Date.now();
      if (!(ms > 0)) v.add('expire_time', 'must be in the future');
      else if (ms > MAX_RESERVATION_SECONDS * 1000) v.add('expire_time', 'must be at most 90 days ahead');
      return { at: expiration.value };
    }
    case 'ttl': {
      const seconds = expiration.value.seconds + expiration.value.nanos / 1e9;
      if (!(seconds >= 1 && seconds <= MAX_RESERVATION_SECONDS)) v.add('ttl', 'must be from 1 second to 90 days');
      return { ttlSeconds: seconds };
    }
    case undefined:
      return {};
  }
}
