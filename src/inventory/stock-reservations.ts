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
import { settingsKey, type TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { AppError, failedPrecondition, GrpcStatus, notFound } from '../platform/errors.js';
import { KeyedBatcher } from '../platform/keyed-batcher.js';
import { mutation, wireMethod } from '../platform/mutation.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import * as input from './input.js';
import { listReservationsQuery } from './list-queries.js';
import {
  RESERVATION_STATUS,
  reservationColumns,
  toReservation,
  toStockLevel,
  toTransaction,
  type ReservationRow,
} from './mappers.js';
import {
  assertInboundOpen,
  assertStockable,
  isTracked,
  requireProduct,
  requireStockTarget,
  requireWarehouse,
} from './references.js';
import { serialsForProduct } from './serial-numbers.js';
import { takeSerials } from './serial-movements.js';
import { BatchRolledBack, reserveTogether, type ReserveCall } from './reservation-batch.js';
import {
  assertNoSerials,
  checkChoices,
  lotChoices,
  placementNotForUntracked,
  takeLocated,
  type Placement,
} from './located-stock.js';
import { assertLotTracked } from './lots.js';
import { closeReservation, expireDueReservations, isDue, loadAllocations } from './reservation-closing.js';
import { insufficientStock, StockLedger, type LevelKey } from './stock-ledger.js';

/** The most reservations one batched statement applies (bounds its size and its lock time). */
const MAX_RESERVATION_BATCH = 256;

/** The longest a reservation may hold stock before it expires (when it has an expiry at all). */
export const MAX_RESERVATION_SECONDS = 90 * 24 * 3600;

/** Reserving, releasing and fulfilling stock; reading reservations. */
export class StockReservations {
  /** Reservations of one level, organization and actor, coalesced (RESERVATION_COALESCING=on). */
  readonly #batcher: KeyedBatcher<ReserveCall, ReserveStockResponse> | undefined;

  constructor(private readonly app: AppContext) {
    if (app.config.RESERVATION_COALESCING === 'on') {
      this.#batcher = new KeyedBatcher((calls) => this.#reserveBatch(calls), {
        maxBatch: MAX_RESERVATION_BATCH,
        exclusiveKey: (call) => call.request.requestId?.toLowerCase() || undefined,
      });
    }
  }

  /**
   * Holds `quantity` available units. Validated calls of the same level (same organization and
   * actor: the audit trail and the outbox record the transaction's actor) that arrive while one
   * is being applied are applied together, one statement and one commit for all, each answered
   * exactly as if applied alone in arrival order (reservation-batch.ts); an idle level's call
   * goes at once. Across instances, the level's row lock orders the batches as it orders single
   * calls.
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION (INSUFFICIENT_STOCK, PRODUCT_ARCHIVED, WAREHOUSE_INACTIVE).
   */
  async reserve(
    scope: TenantScope,
    request: ReserveStockRequest,
    cancellation?: { readonly aborted: boolean },
  ): Promise<ReserveStockResponse> {
    const v = new Violations();
    const key: LevelKey = {
      warehouseId: input.id(v, 'warehouse_id', request.warehouseId),
      productId: input.id(v, 'product_id', request.productId),
    };
    const quantity = input.movementQuantity(v, 'quantity', request.quantity);
    const reference = input.text(v, 'reference', request.reference, 200);
    const expiry = expiryOf(v, request);
    if (request.requestId) v.uuid('request_id', request.requestId);
    const placement: Placement = {
      locationId: input.optionalId(v, 'location_id', request.locationId),
      lots: lotChoices(v, 'lots', request.lots, quantity),
      allowExpired: request.allowExpired,
    };
    v.throwIfAny();
    const call: ReserveCall = { scope, request, key, quantity, reference, expiry, cancellation, placement };
    // A call naming where or which units is for a tracked product: never coalesced.
    const named = placement.locationId !== '' || placement.lots.length > 0 || request.serialNumbers.length > 0;
    if (!this.#batcher || named) return this.#reserveOne(call);
    const batchKey = [settingsKey(scope), key.warehouseId, key.productId].join('/');
    return this.#batcher.submit(batchKey.toLowerCase(), call);
  }

  /**
   * A batch, even of one call: one transaction (one round trip without request_ids,
   * reservation-batch.ts); when that rolls back or its level cannot take it, one by one.
   */
  async #reserveBatch(queued: ReserveCall[]): Promise<PromiseSettledResult<ReserveStockResponse>[]> {
    // A caller that gave up while queued is not applied (nobody would learn of its reservation).
    const calls = queued.filter((c) => !c.cancellation?.aborted);
    if (calls.length < queued.length) {
      const live = new Map((await this.#reserveBatch(calls)).map((result, i) => [calls[i]!, result]));
      return queued.map((c) => live.get(c) ?? { status: 'rejected', reason: cancelled() });
    }
    if (calls.length > 0) {
      try {
        return await reserveTogether(this.app, calls);
      } catch (error) {
        // Rolled back (an error of the level or of one call): nothing was applied, so each call
        // gets its own answer by running alone. Any other failure (the commit itself) may have
        // applied the batch: every call gets the error, as a single call would.
        if (!(error instanceof BatchRolledBack)) throw error;
        this.app.logger.debug(
          { err: error.cause, calls: calls.length },
          'batched reservation rolled back; applying one by one',
        );
      }
    }
    const results: PromiseSettledResult<ReserveStockResponse>[] = [];
    for (const call of calls) {
      try {
        results.push({ status: 'fulfilled', value: await this.#reserveOne(call) });
      } catch (error) {
        results.push({ status: 'rejected', reason: error });
      }
    }
    return results;
  }

  /**
   * One reservation in its own transaction, with one conditional UPDATE. When that finds too
   * little, reservations of the level that are past their expiry are expired first (so an expiry
   * frees stock the moment it passes, not only when the sweeper comes by) and the hold is tried
   * once more.
   */
  async #reserveOne(call: ReserveCall): Promise<ReserveStockResponse> {
    const { scope, request, key, quantity, reference, expiry, placement } = call;
    return mutation(this.app.db, scope, wireMethod(StockServiceService.reserveStock), request, async (work) => {
      const target = await requireStockTarget(work, key);
      assertStockable(target.product);
      assertInboundOpen(target.warehouse);
      const ledger = new StockLedger(work, this.app.cache);
      if (isTracked(target.product)) return this.#reserveTracked(ledger, call, target);
      // A level that never had stock has nothing to reserve (and the reservation's foreign key
      // needs the level). Levels are never deleted, so this unlocked read cannot go stale.
      if (target.available === undefined) throw insufficientStock(0, quantity, key);
      if (placement.locationId) throw placementNotForUntracked('location_id');
      if (placement.lots.length > 0) assertLotTracked(target.product);
      if (request.serialNumbers.length > 0) assertNoSerials(target.product, request.serialNumbers);
      // Too little committed stock and nothing expired to free: answer at once, without queueing
      // for the level's row lock (what a sold-out product under a rush needs).
      if (
        target.available < quantity &&
        (!target.hasLapsedReservations || (await expireDueReservations(ledger, 1000, key)) === 0)
      ) {
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
        opens: { expireTime: expireTimeOf(expiry) },
      } as const;
      let result = await ledger.tryMove(movement);
      if ('available' in result && (await expireDueReservations(ledger, 1000, key)) > 0)
        result = await ledger.tryMove(movement);
      if ('available' in result) throw insufficientStock(result.available, quantity, key);
      return { reservation: toReservation(result.reservation!), stockLevel: toStockLevel(result.level) };
    });
  }

  /**
   * A reservation of a lot- or serial-tracked product: it allocates balances (first expiry first,
   * or the lots named) under the level's lock, in one statement with the level, the balances,
   * one ledger row per balance, the reservation and its allocations. Never coalesced: every
   * such reservation takes the level's lock in turn, and no balance can be oversold.
   */
  async #reserveTracked(
    ledger: StockLedger,
    { key, quantity, reference, expiry, placement, request }: ReserveCall,
    target: Awaited<ReturnType<typeof requireStockTarget>>,
  ): Promise<ReserveStockResponse> {
    const serials = request.serialNumbers.map((s) => s.trim());
    serialsForProduct(target.product, serials, quantity, { required: false });
    await checkChoices(ledger.work, target.product, key.warehouseId, placement);
    if (target.available === undefined) throw insufficientStock(0, quantity, key);
    if (target.hasLapsedReservations) await expireDueReservations(ledger, 1000, key);
    if (target.product.serial_tracked) {
      // The units held are serial numbers (named, or chosen first expiry first): serial-movements.ts.
      const { moved, entries } = await takeSerials(ledger, {
        key,
        quantity,
        serials,
        locationId: placement.locationId || undefined,
        type: 'reserve',
        reservationId: randomUUID(),
        reference,
        opens: { expireTime: expireTimeOf(expiry) },
      });
      const allocations = entries.map((e) => ({
        locationId: e.location_id,
        lotId: e.lot_id ?? '',
        quantity: e.reserved_delta,
        serialNumbers: e.serialNumbers,
      }));
      return { reservation: toReservation(moved.reservation!, allocations), stockLevel: toStockLevel(moved.level) };
    }
    const result = await takeLocated(ledger, {
      key,
      quantity,
      placement,
      type: 'reserve',
      tracked: true,
      reservationId: randomUUID(),
      reference,
      opens: { expireTime: expireTimeOf(expiry) },
    });
    if ('available' in result) throw insufficientStock(result.available, quantity, key);
    const allocations = result.takes.map((t) => ({
      locationId: t.locationId,
      lotId: t.lotId ?? '',
      quantity: t.quantity,
      serialNumbers: [],
    }));
    return {
      reservation: toReservation(result.moved.reservation!, allocations),
      stockLevel: toStockLevel(result.moved.level),
    };
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
      return { reservation: toReservation(done.reservation, done.allocations), stockLevel: toStockLevel(done.level) };
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
        throw failedPrecondition(
          'RESERVATION_EXPIRED',
          'The reservation passed its expiry; its stock is no longer held.',
          { reservation_id: id },
        );
      }
      const ledger = new StockLedger(work, this.app.cache);
      const done = await closeReservation(ledger, row, 'fulfilled', note);
      return {
        reservation: toReservation(done.reservation, done.allocations),
        stockLevel: toStockLevel(done.level),
        transaction: toTransaction(done.entry),
      };
    });
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND `RESERVATION_NOT_FOUND`. */
  async get(scope: TenantScope, request: GetReservationRequest): Promise<GetReservationResponse> {
    const v = new Violations();
    const id = input.id(v, 'reservation_id', request.reservationId);
    v.throwIfAny();
    const org = scope.organizationId;
    const found = await this.app.db.inTenant(scope, async (work) => {
      const row = await work.tx
        .selectFrom('reservations')
        .select(reservationColumns)
        .where('organization_id', '=', org)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && { row, allocations: (await loadAllocations(work, [row.id])).get(row.id) ?? [] };
    });
    if (!found) throw notFound('reservation');
    return { reservation: toReservation(found.row, found.allocations) };
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
      const found = await listReservationsQuery(work.tx, org, filter, after, limit).execute();
      return {
        found,
        allocations: await loadAllocations(
          work,
          found.slice(0, limit).map((r) => r.id),
        ),
      };
    });
    const page = this.app.pageTokens.page(rows.found, limit, binding, (r) => [r.cursor_time, r.id]);
    return {
      reservations: page.items.map((r) => toReservation(r, rows.allocations.get(r.id) ?? [])),
      nextPageToken: page.nextPageToken,
    };
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
      throw failedPrecondition('RESERVATION_NOT_ACTIVE', `The reservation is no longer active (it is ${row.status}).`, {
        status: row.status,
      });
    }
    return row;
  }
}

/** The answer of a call abandoned before it was applied (never seen by its caller). */
function cancelled(): AppError {
  return new AppError(
    GrpcStatus.CANCELLED,
    'CALL_CANCELLED',
    'The call was cancelled or passed its deadline before it was applied.',
  );
}

/** A reservation's expire_time: a ttl counts from the database's clock. */
function expireTimeOf(expiry: { at?: Date; ttlSeconds?: number }) {
  return expiry.ttlSeconds !== undefined
    ? sql<Date>`now() + make_interval(secs => ${expiry.ttlSeconds})`
    : (expiry.at ?? null);
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
